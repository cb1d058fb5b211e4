import { DsyncClient } from '@dsync/client';
import express from 'express';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'pg';
import { catchUp } from './catchUp';
import type { MirrorConfig } from './config';
import { ensureMirrorSchema } from './mirrorSchema';
import { webhookRoute } from './webhookRoute';

/** A running mirror: where it listens, and how to stop it. */
export type RunningMirror = { url: string; pool: Pool; close(): Promise<void> };

/**
 * Starts the mirror: creates its tables if needed, catches up from the events API (what
 * happened while it was down), then receives webhooks, and catches up again every
 * `catchUpIntervalSeconds` in case a delivery is still being retried.
 */
export async function startMirror(config: MirrorConfig, log: (line: string) => void = () => undefined): Promise<RunningMirror> {
  const pool = new Pool({ connectionString: config.databaseUrl, max: 5 });
  const dsync = new DsyncClient({ baseUrl: config.dsyncUrl, apiKey: config.apiKey });
  const stop = new AbortController();
  await ensureMirrorSchema(pool, config.schema);
  const applied = await catchUp(pool, config.schema, dsync, config.environmentId);
  log(`caught up: ${applied} event(s) applied`);

  const app = express();
  app.use(webhookRoute({ pool, schema: config.schema, secrets: config.webhookSecrets, environmentId: config.environmentId }));
  app.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));

  let running: Promise<unknown> = Promise.resolve();
  const timer =
    config.catchUpIntervalSeconds > 0
      ? setInterval(() => {
          running = catchUp(pool, config.schema, dsync, config.environmentId, stop.signal).catch((err) => log(`catch-up failed: ${String(err)}`));
        }, config.catchUpIntervalSeconds * 1000)
      : undefined;

  return {
    url: `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${(server.address() as AddressInfo).port}`,
    pool,
    close: async () => {
      clearInterval(timer);
      stop.abort();
      await running;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await pool.end();
    },
  };
}
