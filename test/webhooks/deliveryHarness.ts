import request from 'supertest';
import { Express } from 'express';
import { DataSource } from 'typeorm';
import { Config, loadConfig } from '../../src/config';
import { createLogger } from '../../src/http/logger';
import { Worker, startWorker } from '../../src/jobs/eventWorker';
import { WorkerMetrics } from '../../src/jobs/workerMetrics';
import { USER_SCHEMA, scimClient } from '../support/scimClient';
import { ADMIN_KEY } from '../support/testApp';

/** The worker settings the delivery tests start from: fast polling, loopback subscribers allowed. */
export const FAST_WORKER = { WORKER_POLL_MS: '50', WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true', LOG_LEVEL: 'silent' };

/** A worker's configuration as `npm run worker` would load it from these variables. */
export function workerConfig(databaseUrl: string, env: Record<string, string> = {}): Config {
  return loadConfig({ DATABASE_URL: databaseUrl, ...FAST_WORKER, ...env });
}

/** Starts an in-process worker on `ds` with the given variables; stop it before the data source closes. */
export function startTestWorker(
  ds: DataSource,
  env: Record<string, string> = {},
  opts: Parameters<typeof startWorker>[1] = {},
  metrics?: WorkerMetrics,
): Promise<Worker> {
  const config = workerConfig((ds.options as { url: string }).url, env);
  return startWorker({ dataSource: ds, config, logger: createLogger('silent'), metrics }, opts);
}

/** Creates a webhook endpoint through the admin API; the response is the only place its secret appears. */
export async function createEndpoint(app: Express, environmentId: string, url: string, events: string[] = []) {
  const res = await request(app)
    .post('/api/v1/webhook-endpoints')
    .set('Authorization', `Bearer ${ADMIN_KEY}`)
    .send({ environment_id: environmentId, url, events });
  if (res.status !== 201) throw new Error(`createEndpoint: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; secret: string; url: string; enabled: boolean };
}

/** Provisions users `prefix0@acme.test`… through SCIM, `parallel` requests at a time; each records one user.created. */
export async function provisionUsers(
  app: Express,
  directory: { id: string; bearer_token: string },
  count: number,
  prefix = 'user',
  parallel = 1,
): Promise<void> {
  const scim = scimClient(app, directory);
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const i = next++;
      const res = await scim.post('/Users', { schemas: [USER_SCHEMA], userName: `${prefix}${i}@acme.test` });
      if (res.status !== 201) throw new Error(`provisionUsers: ${res.status} ${JSON.stringify(res.body)}`);
    }
  };
  await Promise.all(Array.from({ length: parallel }, lane));
}

/** A delivery row as the tests compare it. */
export type DeliveryRow = {
  event_id: string;
  event_position: string;
  status: string;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
};

/** The deliveries of an endpoint in event order. */
export function deliveriesOf(ds: DataSource, endpointId: string): Promise<DeliveryRow[]> {
  return ds.query(
    `SELECT event_id, event_position, status, attempts, last_status_code, last_error
       FROM webhook_deliveries WHERE endpoint_id = $1 ORDER BY event_position`,
    [endpointId],
  );
}

/** The ids of an environment's events in position order (positioned ones only). */
export async function positionedEventIds(ds: DataSource, environmentId: string): Promise<string[]> {
  const rows: { id: string }[] = await ds.query(
    `SELECT id FROM events WHERE environment_id = $1 AND position IS NOT NULL ORDER BY position`,
    [environmentId],
  );
  return rows.map((r) => r.id);
}
