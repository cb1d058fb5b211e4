import { NextFunction, Request, Response } from 'express';

/**
 * Refuses a request body that is not JSON. Without this, express.json() silently skips
 * other media types and the route sees an empty body (a text/plain POST would create a
 * key with default values). Bodiless requests pass.
 */
export function requireJsonBody(types: string[], refuse: (res: Response, contentType: string) => void) {
  return (req: Request, res: Response, next: NextFunction) => {
    const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
    if (!hasBody || req.is(types)) return next();
    refuse(res, req.headers['content-type'] ?? '(none)');
  };
}
