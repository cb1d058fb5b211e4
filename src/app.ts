import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import express, { Express, Request, Response } from 'express';
import { Logger } from 'pino';
import pinoHttp from 'pino-http';
import swaggerUi from 'swagger-ui-express';
import { DataSource } from 'typeorm';
import YAML from 'yaml';
import { adminRouter } from './admin/adminRouter';
import { Config } from './config';
import { pendingMigrations } from './db/migrate';
import { oktaEventHookRouter } from './hooks/oktaEventHookRouter';
import { Metrics, createMetrics, metricsMiddleware } from './http/metrics';
import { hashSecret, hashesEqual } from './secrets';
import { scimErrorHandler } from './scim/scimErrors';
import { scimRouter } from './scim/scimRouter';
import { RateLimiter } from './tenancy/rateLimiter';
import { fanOutDeliveries } from './webhooks/fanOut';

export type AppDeps = {
  dataSource: DataSource;
  config: Config;
  logger: Logger;
  metrics?: Metrics;
};

/** Where the OpenAPI document lives, from the sources and from dist/. */
export const OPENAPI_PATH = [
  path.resolve(__dirname, '../openapi/openapi.yaml'),
  path.resolve(__dirname, '../../openapi/openapi.yaml'),
].find((p) => fs.existsSync(p)) as string;

/** Builds the Express app without listening, so tests drive it with supertest. */
export function buildApp(deps: AppDeps): Express {
  const { config, logger, dataSource } = deps;
  const metrics = deps.metrics ?? createMetrics();
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(
    pinoHttp({
      logger,
      genReqId: (req, res) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && /^[\w.-]{1,128}$/.test(given) ? given : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      // Health probes would drown everything else.
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
    }),
  );
  app.use(metricsMiddleware(metrics));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', (req, res, next) => {
    readiness(dataSource).then((r) => res.status(r.ready ? 200 : 503).json(r), next);
  });
  app.get('/metrics', (req, res, next) => {
    if (config.metricsToken && !bearerMatches(req, config.metricsToken)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="dsync-metrics"');
      res.status(401).json({ error: { code: 'unauthorized', message: 'Missing or invalid metrics token' } });
      return;
    }
    metrics.registry.metrics().then((text) => res.type(metrics.registry.contentType).send(text), next);
  });

  const openapi = YAML.parse(fs.readFileSync(OPENAPI_PATH, 'utf8'));
  app.get('/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  app.use('/docs', swaggerUi.serve, swaggerUi.setup(openapi, { customSiteTitle: 'dsync API reference' }));

  const adminKeyHash = config.adminApiKey ? hashSecret(config.adminApiKey) : undefined;
  // One limiter per app: its local allowances are this process's share of the shared buckets.
  const rateLimiter = config.rateLimits ? new RateLimiter(dataSource) : undefined;
  app.use('/api/v1', adminRouter({ dataSource, config, logger, adminKeyHash, rateLimiter, afterPositions: fanOutDeliveries }));
  app.use(
    '/scim/v2/:directoryId',
    scimRouter({ dataSource, publicUrl: config.publicUrl, bodyLimit: config.bodyLimit, logger, rateLimiter }),
  );
  // Okta's event hook calls for a directory: their own secret, not an API key.
  app.use('/hooks/okta', oktaEventHookRouter({ dataSource, config, logger }));
  // A directory id Express cannot percent-decode fails before the SCIM router runs; its
  // error still gets an RFC 7644 §3.12 body.
  app.use('/scim', scimErrorHandler(logger));

  app.use((req: Request, res: Response) => {
    res.status(404).json({ error: { code: 'not_found', message: `No route ${req.method} ${req.path}` } });
  });
  app.use((err: unknown, req: Request, res: Response, _next: express.NextFunction) => {
    logger.error({ err, request_id: String(req.id ?? '') }, 'unhandled error');
    res.status(500).json({ error: { code: 'internal_error', message: 'Internal server error', request_id: req.id } });
  });
  return app;
}

function bearerMatches(req: Request, expected: string): boolean {
  const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
  return Boolean(m) && hashesEqual(hashSecret(m![1]), hashSecret(expected));
}

async function readiness(ds: DataSource): Promise<{ ready: boolean; database: string; pending_migrations: string[] }> {
  try {
    await ds.query('SELECT 1');
  } catch {
    return { ready: false, database: 'unreachable', pending_migrations: [] };
  }
  const pending = await pendingMigrations(ds);
  return { ready: pending.length === 0, database: 'ok', pending_migrations: pending };
}
