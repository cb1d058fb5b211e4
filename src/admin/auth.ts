import { NextFunction, Request, RequestHandler, Response } from 'express';
import { Passport } from 'passport';
import { Strategy as BearerStrategy } from 'passport-http-bearer';
import { AuthenticatedKey, authenticateApiKey } from '../tenancy/authenticateApiKey';
import { AppError } from '../errors';
import { hasQueryToken } from '../http/tokenPlacement';
import { AdminDeps } from './deps';

/** The 401 for a missing or unknown key, and for a key sent anywhere but the Authorization header (src/http/tokenPlacement.ts). */
export const unauthorized = () => new AppError('unauthorized', 'Missing or invalid API key');

/**
 * Bearer authentication for /api/v1 (RFC 6750 §2.1). A passport instance per app,
 * not the module-global one, so tests can run several apps in one process.
 */
export function adminAuth(deps: AdminDeps): RequestHandler {
  const passport = new Passport();
  passport.use(
    'admin-key',
    new BearerStrategy((token, done) => {
      authenticateApiKey(deps.dataSource, token, deps.adminKeyHash).then(
        (found) => done(null, found ?? false),
        (err) => done(err),
      );
    }),
  );
  const initialize = passport.initialize();
  return (req: Request, res: Response, next: NextFunction) => {
    // Only the header counts (RFC 6750 §2.1): passport-http-bearer would otherwise accept
    // `?access_token=` whenever the header is not `Bearer …`.
    if (hasQueryToken(req) || !req.headers.authorization) return next(unauthorized());
    initialize(req, res, () => {
      passport.authenticate('admin-key', { session: false }, (err: unknown, found: AuthenticatedKey | false) => {
        if (err) return next(err);
        if (!found) return next(unauthorized());
        req.user = found.actor;
        // The key's rate budget, for rateLimited in adminRouter.ts.
        res.locals.budget = found.budget;
        next();
      })(req, res, next);
    });
  };
}
