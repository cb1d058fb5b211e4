import { NextFunction, Request, RequestHandler, Response } from 'express';
import { Passport } from 'passport';
import { Strategy as BearerStrategy } from 'passport-http-bearer';
import { DataSource } from 'typeorm';
import { ScimTenant, authenticateScimToken } from '../tenancy/authenticateScimToken';
import { scimErrorBody } from './scimError';

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
  const refuse = (res: Response) => {
    res.setHeader('WWW-Authenticate', 'Bearer realm="dsync-scim"');
    res.status(401).type('application/scim+json').send(scimErrorBody(401, 'Missing or invalid bearer token'));
  };
  return (req: Request, res: Response, next: NextFunction) => {
    // Only the Authorization header counts: query tokens (RFC 6750 §2.3) leak into logs.
    if (!req.headers.authorization) return refuse(res);
    initialize(req, res, () => {
      passport.authenticate('scim-token', { session: false }, (err: unknown, tenant: ScimTenant | false) => {
        if (err) return next(err);
        if (!tenant) return refuse(res);
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
