import express, { NextFunction, Request, Response, Router } from 'express';
import { Logger } from 'pino';
import SCIMMY from 'scimmy';
import SCIMMYRouters from 'scimmy-routers';
import { DataSource } from 'typeorm';
import { ScimTenant } from '../tenancy/authenticateScimToken';
import { groupIngest } from './groupIngest';
import { resourceRoutes } from './resourceRoutes';
import { requireJsonBody } from '../http/requireJson';
import { refuseFormBodyToken, refuseJsonBodyToken } from '../http/tokenPlacement';
import { rateLimited } from '../http/rateLimit';
import { RateLimiter } from '../tenancy/rateLimiter';
import { refuseOverBudget, refuseUnauthenticated, scimAuth } from './scimAuth';
import { scimErrorBody } from './scimError';
import { scimErrorHandler } from './scimErrors';
import { applyServiceProviderConfig, setUpScimmy } from './scimSetup';
import { userIngest } from './userIngest';

const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

export type ScimDeps = {
  dataSource: DataSource;
  publicUrl: string;
  bodyLimit: string;
  logger: Logger;
  /** The shared token buckets; undefined when RATE_LIMITS=off. */
  rateLimiter?: RateLimiter;
};

/**
 * The SCIM 2.0 service endpoint, mounted at /scim/v2/:directoryId.
 *
 * Our middleware authenticates the directory's token and parses the body (so malformed
 * JSON and oversized bodies get RFC 7644 §3.12 errors). /Users and /Groups are our
 * routes built on scimmy's schemas, filter parser and PATCH engine: scimmy's own
 * resource handlers keep their base path and handlers in process-wide statics and
 * re-slice list pages, which cannot give per-directory locations under concurrency,
 * one transaction per PATCH, or SQL paging. scimmy-routers serves the other discovery
 * documents (/ServiceProviderConfig, /ResourceTypes/{id}, /Schemas/{urn}) and answers the rest.
 */
export function scimRouter(deps: ScimDeps): Router {
  setUpScimmy();
  const r = Router({ mergeParams: true });
  r.use(labelRoute);
  r.use(scimAuth(deps.dataSource));
  // Over the token's budget: 429 before the body is read (src/tenancy/rateLimiter.ts).
  r.use(rateLimited(deps.rateLimiter, (_req, res) => (res.locals.tenant as ScimTenant).budget, refuseOverBudget));
  // RFC 7644 §3.1: clients send application/scim+json; Okta sends application/json.
  const json = ['application/scim+json', 'application/json'];
  r.use(refuseFormBodyToken(deps.bodyLimit, refuseUnauthenticated));
  r.use(
    requireJsonBody(json, (res, type) => {
      res.status(415).type('application/scim+json').send(scimErrorBody(415, `Content-Type must be application/scim+json or application/json, not ${type}`));
    }),
  );
  r.use(express.json({ limit: deps.bodyLimit, strict: false, type: json }));
  r.use(refuseJsonBodyToken(refuseUnauthenticated));
  r.use('/Users', resourceRoutes(userIngest, deps));
  r.use('/Groups', resourceRoutes(groupIngest, deps));
  // Root-level search across resource types (RFC 7644 §3.4.3), bulk (§3.7) and /Me (§3.11)
  // are not offered; answered here so scimmy-routers never handles them.
  r.post('/.search', notImplemented);
  r.use(['/Bulk', '/Me'], notImplemented);
  // The discovery lists (RFC 7644 §4) are built per request: scimmy-routers' report its
  // default page size (20) as itemsPerPage, which RFC 7644 §3.4.2 defines as the count returned.
  r.get('/Schemas', (_req, res) => {
    sendList(res, SCIMMY.Schemas.declared().map((s) => s.describe(`${baseUrl(deps, res)}/Schemas`)));
  });
  r.get('/ResourceTypes', (_req, res) => {
    const location = `${baseUrl(deps, res)}/ResourceTypes`;
    sendList(res, Object.values(SCIMMY.Resources.declared()).map((R) => new SCIMMY.Schemas.ResourceType(R.describe(), location)));
  });
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

function baseUrl(deps: ScimDeps, res: Response): string {
  return `${deps.publicUrl}/scim/v2/${(res.locals.tenant as ScimTenant).directoryId}`;
}

function sendList(res: Response, resources: unknown[]) {
  const body = { schemas: [LIST_RESPONSE], totalResults: resources.length, itemsPerPage: resources.length, startIndex: 1, Resources: resources };
  res.status(200).type('application/scim+json').send(JSON.stringify(body));
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
