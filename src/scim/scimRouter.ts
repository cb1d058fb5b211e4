import express, { NextFunction, Request, Response, Router } from 'express';
import { Logger } from 'pino';
import SCIMMY from 'scimmy';
import SCIMMYRouters from 'scimmy-routers';
import { DataSource } from 'typeorm';
import { groupAdapter } from './groupAdapter';
import { resourceRoutes } from './resourceRoutes';
import { scimAuth } from './scimAuth';
import { scimErrorHandler } from './scimErrors';
import { applyServiceProviderConfig, setUpScimmy } from './scimSetup';
import { userAdapter } from './userAdapter';

export type ScimDeps = { dataSource: DataSource; publicUrl: string; bodyLimit: string; logger: Logger };

/**
 * The SCIM 2.0 service endpoint, mounted at /scim/v2/:directoryId.
 *
 * Our middleware authenticates the directory's token and parses the body (so malformed
 * JSON and oversized bodies get RFC 7644 §3.12 errors). /Users and /Groups are our
 * routes built on scimmy's schemas, filter parser and PATCH engine: scimmy's own
 * resource handlers keep their base path and handlers in process-wide statics and
 * re-slice list pages, which cannot give per-directory locations under concurrency,
 * one transaction per PATCH, or SQL paging. scimmy-routers serves the discovery
 * endpoints (/ServiceProviderConfig, /ResourceTypes, /Schemas) and answers the rest.
 */
export function scimRouter(deps: ScimDeps): Router {
  setUpScimmy();
  const r = Router({ mergeParams: true });
  r.use(labelRoute);
  r.use(scimAuth(deps.dataSource));
  // RFC 7644 §3.1: clients send application/scim+json; Okta sends application/json.
  r.use(express.json({ limit: deps.bodyLimit, strict: false, type: ['application/scim+json', 'application/json'] }));
  r.use('/Users', resourceRoutes(userAdapter, deps));
  r.use('/Groups', resourceRoutes(groupAdapter, deps));
  // Root-level search across resource types (RFC 7644 §3.4.3) and /Me are not offered.
  r.post('/.search', notImplemented);
  r.use(
    new SCIMMYRouters({
      type: 'bearer',
      handler: (req: Request) => String(req.params.directoryId),
      context: (req: Request) => req.res?.locals.tenant,
      baseUri: () => deps.publicUrl,
    }),
  );
  // scimmy-routers advertises bulk and sort when constructed; advertise only what works.
  applyServiceProviderConfig();
  r.use(scimErrorHandler(deps.logger));
  return r;
}

function notImplemented(_req: Request, _res: Response, next: NextFunction) {
  next(new SCIMMY.Types.Error(501, null!, 'Endpoint Not Implemented'));
}

const KNOWN_SEGMENTS = new Set(['Users', 'Groups', 'ServiceProviderConfig', 'ResourceTypes', 'Schemas', '.search', 'Bulk', 'Me']);

// Metrics label: the SCIM route template, without directory or resource ids.
function labelRoute(req: Request, res: Response, next: NextFunction) {
  const [first, id] = req.path.split('/').filter(Boolean);
  const resource = first === undefined || KNOWN_SEGMENTS.has(first) ? (first ?? '') : 'unknown';
  res.locals.route = `/scim/v2/:directoryId/${resource}${id ? (id === '.search' ? '/.search' : '/:id') : ''}`;
  next();
}
