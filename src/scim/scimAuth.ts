import { NextFunction, Request, RequestHandler, Response } from 'express';
import { Passport } from 'passport';
import { Strategy as BearerStrategy } from 'passport-http-bearer';
import { DataSource } from 'typeorm';
import { ScimTenant, authenticateScimToken } from '../tenancy/authenticateScimToken';
import { OverBudget } from '../http/rateLimit';
import { hasQueryToken } from '../http/tokenPlacement';
import { scimErrorBody } from './scimError';

/** The 401 for a missing or unknown token, and for a token sent anywhere but the Authorization header (src/http/tokenPlacement.ts). */
export const refuseUnauthenticated: RequestHandler = (_req, res) => {
  res.setHeader('WWW-Authenticate', 'Bearer realm="dsync-scim"');
  res.status(401).type('application/scim+json').send(scimErrorBody(401, 'Missing or invalid bearer token'));
};

/** The 429 for a token over its budget (RFC 7644 §3.12 error body; `Retry-After` is set by rateLimited). */
export const refuseOverBudget: OverBudget = (_req, res, _next, wait) => {
  res.status(429).type('application/scim+json').send(scimErrorBody(429, `Too many requests for this token; retry after ${wait} s`));
};

/**
 * Bearer authentication for SCIM routes (RFC 7644 §2: the protocol relies on HTTP
 * authentication; RFC 6750 for the header). The directory in the URL must be the
 * token's directory; anything else is 401 with no hint whether the directory exists.
 */
export function scimAuth(dataSource: DataSource): RequestHandler {
  const passport = new Passport();
  passport.use(
    'scim-token',
    new BearerStrategy({ passReqToCallback: true }, (req: Request, token: string, done: (err: unknown, tenant?: ScimTenant | false) => void) => {
      authenticateScimToken(dataSource, String(req.params.directoryId), token).then(
        (tenant) => done(null, tenant ?? false),
        (err) => done(err),
      );
    }),
  );
  const initialize = passport.initialize();
  return (req: Request, res: Response, next: NextFunction) => {
    // Only the Authorization header counts (RFC 6750 §2.1): passport-http-bearer would
    // otherwise accept `?access_token=` whenever the header is not `Bearer …`.
    if (hasQueryToken(req) || !req.headers.authorization) return refuseUnauthenticated(req, res, next);
    initialize(req, res, () => {
      passport.authenticate('scim-token', { session: false }, (err: unknown, tenant: ScimTenant | false) => {
        if (err) return next(err);
        if (!tenant) return refuseUnauthenticated(req, res, next);
        if (tenant.state !== 'active') {
          res.status(403).type('application/scim+json').send(scimErrorBody(403, 'This directory is disabled'));
          return;
        }
        res.locals.tenant = tenant;
        next();
      })(req, res, next);
    });
  };
}
