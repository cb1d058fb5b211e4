import express, { RequestHandler, Router } from 'express';
import { RateLimitedError } from '../errors';
import { rateLimited } from '../http/rateLimit';
import { requireJsonBody } from '../http/requireJson';
import { refuseFormBodyToken, refuseJsonBodyToken } from '../http/tokenPlacement';
import { activityRoutes } from './activityRoutes';
import { adminAuth, unauthorized } from './auth';
import { AdminDeps } from './deps';
import { directoriesRoutes } from './directoriesRoutes';
import { directoryGroupsRoutes } from './directoryGroupsRoutes';
import { directoryUsersRoutes } from './directoryUsersRoutes';
import { environmentsRoutes } from './environmentsRoutes';
import { eventsRoutes } from './eventsRoutes';
import { idleRoutes } from './idleRoutes';
import { idpConnectionRoutes } from './idpConnectionRoutes';
import { adminErrorHandler, adminNotFound } from './errorHandler';
import { policySwitchJobsRoutes } from './policySwitchJobsRoutes';
import { rateLimitRoutes } from './rateLimitRoutes';
import { statusMappingRoutes } from './statusMappingRoutes';
import { webhookEndpointsRoutes } from './webhookEndpointsRoutes';

/** The /api/v1 admin API: JSON in and out, bearer-key auth, one error translator. */
export function adminRouter(deps: AdminDeps): Router {
  const r = Router();
  // Authenticate before reading the body: an anonymous client gets 401 and costs no parsing.
  r.use(adminAuth(deps));
  // Over the key's budget: 429 before the body is read (src/tenancy/rateLimiter.ts).
  r.use(rateLimited(deps.rateLimiter, (_req, res) => res.locals.budget, (_req, _res, next, wait) => next(new RateLimitedError(wait))));
  // strict: only objects and arrays are JSON bodies here; a bare "x" is a 400.
  const json = ['application/json', 'application/*+json'];
  // A key in the body is refused like one in the query (src/http/tokenPlacement.ts).
  const refuseBodyKey: RequestHandler = (_req, _res, next) => next(unauthorized());
  r.use(refuseFormBodyToken(deps.config.bodyLimit, refuseBodyKey));
  r.use(
    requireJsonBody(json, (res, type) => {
      res.status(415).json({ error: { code: 'unsupported_media_type', message: `Content-Type must be application/json, not ${type}` } });
    }),
  );
  r.use(express.json({ limit: deps.config.bodyLimit, strict: true, type: json }));
  r.use(refuseJsonBodyToken(refuseBodyKey));
  r.use(environmentsRoutes(deps));
  r.use(directoriesRoutes(deps));
  r.use(statusMappingRoutes(deps));
  r.use(rateLimitRoutes(deps));
  r.use(directoryUsersRoutes(deps));
  r.use(directoryGroupsRoutes(deps));
  r.use(eventsRoutes(deps));
  r.use(policySwitchJobsRoutes(deps));
  r.use(webhookEndpointsRoutes(deps));
  r.use(activityRoutes(deps));
  r.use(idleRoutes(deps));
  r.use(idpConnectionRoutes(deps));
  r.use(adminNotFound);
  r.use(adminErrorHandler(deps.logger));
  return r;
}
