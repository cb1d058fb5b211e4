import express, { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * Where a bearer credential may travel. RFC 6750 allows three places: the
 * `Authorization` header (§2.1), a form-encoded body parameter (§2.2) and the
 * `access_token` query parameter (§2.3). We accept only the header: query strings end
 * up in access logs, proxy histories and browser history, and bodies are stored (a SCIM
 * body's unknown attributes are kept). passport-http-bearer falls back to the query and
 * the body whenever the header is not `Bearer …`, so these checks refuse an
 * `access_token` wherever it appears, in any shape (string, array, object), whatever
 * else the request carries.
 */

const PARAMETER = 'access_token';

/** True when the parsed query string carries `access_token` (`?access_token=`, `?access_token[]=`, `?access%5Ftoken=`). */
export function hasQueryToken(req: Request): boolean {
  const query: unknown = req.query;
  return typeof query === 'object' && query !== null && Object.prototype.hasOwnProperty.call(query, PARAMETER);
}

function hasBodyToken(body: unknown): boolean {
  return typeof body === 'object' && body !== null && !Array.isArray(body) && Object.prototype.hasOwnProperty.call(body, PARAMETER);
}

/**
 * Refuses a form-encoded body carrying `access_token` (RFC 6750 §2.2). Goes before the
 * face's media-type check, which would otherwise answer 415 and hide that a token was sent.
 */
export function refuseFormBodyToken(bodyLimit: string, refuse: RequestHandler): RequestHandler {
  const parseForm = express.urlencoded({ extended: false, limit: bodyLimit });
  return (req: Request, res: Response, next: NextFunction) => {
    if (!req.is('application/x-www-form-urlencoded')) return next();
    parseForm(req, res, (err?: unknown) => {
      if (err) return next(err);
      if (hasBodyToken(req.body)) return refuse(req, res, next);
      next();
    });
  };
}

/** Refuses a JSON body whose top-level object carries `access_token`. Goes after the JSON parser. */
export function refuseJsonBodyToken(refuse: RequestHandler): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (hasBodyToken(req.body)) return refuse(req, res, next);
    next();
  };
}
