import express, { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response, Router } from 'express';
import { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { authenticateOktaEventHook } from '../activity/oktaHook/authenticateOktaEventHook';
import { recordOktaEvents } from '../activity/oktaHook/recordOktaEvents';
import { Config } from '../config';
import { inRetryingTransaction } from '../db/transaction';
import { AppError, invalidRequest } from '../errors';
import { bodyParserError } from '../http/bodyErrors';
import { requireJsonBody } from '../http/requireJson';
import { DirectoryTenant } from '../tenancy/context';
import { parseInput } from '../validation';

/** What the Okta event hook endpoint needs from the process. */
export type OktaHookDeps = { dataSource: DataSource; config: Config; logger: Logger };

// Okta's event hook request (https://developer.okta.com/docs/concepts/event-hooks/):
// the events are in data.events; the envelope's other fields are not ours to check.
const delivery = z.object({ data: z.object({ events: z.array(z.unknown()).max(1000) }).passthrough() }).passthrough();

const error = (code: string, message: string) => ({ error: { code, message } });

/**
 * /hooks/okta/{directoryId}: the URL a directory's Okta event hook calls, outside the
 * admin API's key auth. Every call carries the hook's secret in `Authorization`
 * (a wrong or missing one is 401 before the body is read, and nothing is stored). A GET
 * with `X-Okta-Verification-Challenge` is Okta's one-time verification, answered
 * `{"verification": <value>}`; a POST delivers events, of which sign-ins become activity.
 */
export function oktaEventHookRouter(deps: OktaHookDeps): Router {
  const r = Router();
  const json = ['application/json', 'application/*+json'];
  const authenticate: RequestHandler = (req, res, next) => {
    authenticateOktaEventHook(deps.dataSource.manager, req.params.directoryId, req.headers.authorization).then((tenant) => {
      if (!tenant) {
        res.status(401).json(error('unauthorized', 'Missing or invalid event hook secret'));
        return;
      }
      res.locals.tenant = tenant;
      next();
    }, next);
  };

  r.get('/:directoryId', authenticate, (req, res) => {
    const challenge = req.headers['x-okta-verification-challenge'];
    if (typeof challenge !== 'string' || challenge === '' || challenge.length > 1000) {
      throw invalidRequest('A GET is Okta\u2019s one-time verification and must carry X-Okta-Verification-Challenge');
    }
    res.json({ verification: challenge });
  });

  r.post(
    '/:directoryId',
    authenticate,
    requireJsonBody(json, (res, type) => {
      res.status(415).json(error('unsupported_media_type', `Content-Type must be application/json, not ${type}`));
    }),
    express.json({ limit: deps.config.bodyLimit, strict: true, type: json }),
    (req: Request, res: Response, next: NextFunction) => {
      const { data } = parseInput(delivery, req.body ?? null);
      const tenant = res.locals.tenant as DirectoryTenant;
      const actor = { kind: 'system' as const, name: 'okta-event-hook' };
      inRetryingTransaction(deps.dataSource, (manager) => recordOktaEvents({ manager, actor }, tenant, data.events, new Date())).then(
        (outcome) => res.json(outcome),
        next,
      );
    },
  );

  r.use(hookErrors(deps.logger));
  return r;
}

// The one place this face's errors become HTTP, in the admin API's error shape.
function hookErrors(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (err instanceof AppError) {
      res.status(err.status).json({ error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) } });
      return;
    }
    const parserError = bodyParserError(err);
    if (parserError) {
      res.status(parserError.status).json(error(parserError.code, parserError.message));
      return;
    }
    const requestId = String(req.id ?? '');
    logger.error({ err, request_id: requestId }, 'unhandled Okta event hook error');
    res.status(500).json({ error: { code: 'internal_error', message: 'Internal server error', request_id: requestId } });
  };
}
