import { NextFunction, Request, RequestHandler, Response } from 'express';
import { RateLimiter } from '../tenancy/rateLimiter';
import { RateBudget } from '../tenancy/rateLimits';

/** How a face answers a request over its budget; `Retry-After` is already set. */
export type OverBudget = (req: Request, res: Response, next: NextFunction, retryAfterSeconds: number) => void;

/**
 * Admits a request against its credential's budget (put on the request by the face's
 * authentication), or refuses it with `Retry-After` (RFC 9110 §10.2.3; Entra retries
 * only what failed, after that delay). No limiter (RATE_LIMITS=off): every request passes.
 */
export function rateLimited(
  limiter: RateLimiter | undefined,
  budgetOf: (req: Request, res: Response) => RateBudget | undefined,
  refuse: OverBudget,
): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const budget = limiter ? budgetOf(req, res) : undefined;
    if (!limiter || !budget) return next();
    const answer = (a: Awaited<ReturnType<RateLimiter['admit']>>) => {
      if (a.admitted) return next();
      res.setHeader('Retry-After', String(a.retryAfterSeconds));
      refuse(req, res, next, a.retryAfterSeconds);
    };
    const admission = limiter.admit(budget.bucket, budget.limit);
    if (admission instanceof Promise) admission.then(answer, next);
    else answer(admission);
  };
}
