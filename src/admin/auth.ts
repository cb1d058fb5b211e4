import { NextFunction, Request, RequestHandler, Response } from 'express';
import { Passport } from 'passport';
import { Strategy as BearerStrategy } from 'passport-http-bearer';
import { authenticateApiKey } from '../tenancy/authenticateApiKey';
import { Actor } from '../tenancy/context';
import { AppError } from '../errors';
import { AdminDeps } from './deps';

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
        (actor) => done(null, actor ?? false),
        (err) => done(err),
      );
    }),
  );
  const initialize = passport.initialize();
  return (req: Request, res: Response, next: NextFunction) => {
    // Only the header counts: RFC 6750 §2.3 query tokens end up in logs and proxy
    // histories, and passport-http-bearer would otherwise accept `?access_token=`.
    if (!req.headers.authorization) return next(new AppError('unauthorized', 'Missing or invalid API key'));
    initialize(req, res, () => {
      passport.authenticate('admin-key', { session: false }, (err: unknown, actor: Actor | false) => {
        if (err) return next(err);
        if (!actor) return next(new AppError('unauthorized', 'Missing or invalid API key'));
        req.user = actor;
        next();
      })(req, res, next);
    });
  };
}
