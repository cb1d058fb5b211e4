import express, { Router } from 'express';
import { adminAuth } from './auth';
import { AdminDeps } from './deps';
import { directoriesRoutes } from './directoriesRoutes';
import { environmentsRoutes } from './environmentsRoutes';
import { adminErrorHandler, adminNotFound } from './errorHandler';

/** The /api/v1 admin API: JSON in and out, bearer-key auth, one error translator. */
export function adminRouter(deps: AdminDeps): Router {
  const r = Router();
  // Authenticate before reading the body: an anonymous client gets 401 and costs no parsing.
  r.use(adminAuth(deps));
  // strict: only objects and arrays are JSON bodies here; a bare "x" is a 400.
  r.use(express.json({ limit: deps.config.bodyLimit, strict: true, type: ['application/json', 'application/*+json'] }));
  r.use(environmentsRoutes(deps));
  r.use(directoriesRoutes(deps));
  r.use(adminNotFound);
  r.use(adminErrorHandler(deps.logger));
  return r;
}
