import express, { ErrorRequestHandler, NextFunction, Request, Response, Router } from 'express';
import { Logger } from 'pino';
import SCIMMY from 'scimmy';
import SCIMMYRouters from 'scimmy-routers';
import { DataSource } from 'typeorm';
import { bodyParserError } from '../http/bodyErrors';
import { scimAuth } from './scimAuth';
import { scimErrorBody } from './scimError';

export type ScimDeps = { dataSource: DataSource; publicUrl: string; bodyLimit: string; logger: Logger };

/**
 * The SCIM 2.0 service endpoint, mounted at /scim/v2/:directoryId. Our middleware
 * parses the body (so malformed JSON and oversized bodies get RFC 7644 §3.12 errors)
 * and authenticates the directory's token before scimmy-routers sees the request.
 */
export function scimRouter(deps: ScimDeps): Router {
  const r = Router({ mergeParams: true });
  r.use(labelRoute);
  r.use(scimAuth(deps.dataSource));
  // RFC 7644 §3.1: clients send application/scim+json; Okta sends application/json.
  r.use(express.json({ limit: deps.bodyLimit, strict: true, type: ['application/scim+json', 'application/json'] }));
  r.use(
    new SCIMMYRouters({
      type: 'bearer',
      // Authentication already happened in scimAuth; this returns the authenticated principal for /Me.
      handler: (req: Request) => String(req.params.directoryId),
      context: (req: Request) => req.res?.locals.tenant,
      baseUri: () => deps.publicUrl,
    }),
  );
  // scimmy-routers advertises bulk and sort on construction; advertise only what works (RFC 7643 §5).
  SCIMMY.Config.set({ patch: false, filter: false, sort: false, bulk: false, etag: false, changePassword: false });
  r.use(scimErrorHandler(deps.logger));
  return r;
}

// Metrics label: the SCIM route template, without directory or resource ids.
function labelRoute(req: Request, res: Response, next: NextFunction) {
  const [resource, id] = req.path.split('/').filter(Boolean);
  res.locals.route = `/scim/v2/:directoryId/${resource ?? ''}${id ? '/:id' : ''}`;
  next();
}

function scimErrorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const parserError = bodyParserError(err);
    res.type('application/scim+json');
    if (parserError) {
      const scimType = parserError.status === 400 ? 'invalidSyntax' : undefined;
      res.status(parserError.status).send(scimErrorBody(parserError.status, parserError.message, scimType));
      return;
    }
    const requestId = String(req.id ?? '');
    logger.error({ err, request_id: requestId }, 'unhandled SCIM error');
    res.status(500).send(scimErrorBody(500, `Internal server error (request id ${requestId})`));
  };
}
