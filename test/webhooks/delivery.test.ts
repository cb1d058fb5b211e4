import { createLogger } from '../../src/http/logger';
import { newId } from '../../src/ids';
import { resolveSecretsKey, secretBox } from '../../src/webhooks/secretBox';
import { verifyWebhook } from '../../src/webhooks/verifyWebhook';
import { Worker, startWorker } from '../../src/jobs/eventWorker';
import { makeDirectory, makeEnvironment } from '../support/factories';
import { USER_SCHEMA, scimClient } from '../support/scimClient';
import { startSubscriber } from '../support/subscriber';
import { TestApp, createTestApp } from '../support/testApp';
import { waitUntil } from '../support/waitUntil';
import { OwnDatabase, createOwnDatabase } from './ownDatabase';

let db: OwnDatabase;
let t: TestApp;
let worker: Worker;
beforeAll(async () => {
  // A database of its own: the worker would otherwise deliver other files' endpoints too.
  db = await createOwnDatabase('delivery');
  t = await createTestApp({ DATABASE_URL: db.url, WEBHOOK_RETRY_BASE_SECONDS: '0.2', WEBHOOK_MAX_ATTEMPTS: '5', WORKER_POLL_MS: '50', WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' });
  worker = await startWorker({ dataSource: t.dataSource, config: t.config, logger: createLogger('silent') });
});
afterAll(async () => {
  await worker.stop();
  await t.close();
  await db.drop();
});

async function endpointFor(environmentId: string, url: string, events: string[] = []) {
  const secret = `whsec_test_${newId('webhook_endpoint')}`;
  const box = secretBox(await resolveSecretsKey(t.dataSource.manager, t.config.secretsKey));
  const id = newId('webhook_endpoint');
  await t.dataSource.query(
    `INSERT INTO webhook_endpoints (id, environment_id, url, events, secret_ciphertext, secret_prefix) VALUES ($1, $2, $3, $4, $5, 'whsec_')`,
    [id, environmentId, url, events, box.seal(secret)],
  );
  return { id, secret };
}

test('a SCIM change reaches a subscriber signed, with the event id header, in order', async () => {
  const sub = await startSubscriber();
  const env = await makeEnvironment(t.app);
  const { secret } = await endpointFor(env.id, sub.url);
  const dir = await makeDirectory(t.app, { environment_id: env.id });
  const scim = scimClient(t.app, dir);
  for (const u of ['a', 'b', 'c']) await scim.post('/Users', { schemas: [USER_SCHEMA], userName: `${u}@acme.test` });
  worker.kick();
  await sub.waitFor((r) => r.length >= 4);
  const events = sub.received.map((r) => JSON.parse(r.body));
  expect(events.map((e) => e.type)).toEqual(['directory.activated', 'user.created', 'user.created', 'user.created']);
  expect(events.map((e) => e.data.username ?? null)).toEqual([null, 'a@acme.test', 'b@acme.test', 'c@acme.test']);
  for (const r of sub.received) {
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.headers['dsync-event-id']).toBe(JSON.parse(r.body).id);
    expect(verifyWebhook(r.body, r.headers['dsync-signature'] as string, secret)).toEqual({ ok: true, timestamp: expect.any(Number) });
    expect(verifyWebhook(r.body.replace('acme', 'acmf'), r.headers['dsync-signature'] as string, secret).ok).toBe(false);
  }
  await sub.close();
});

test('a subscriber that fails then recovers receives the event on retry', async () => {
  const sub = await startSubscriber((_r, i) => (i < 2 ? 503 : 200));
  const env = await makeEnvironment(t.app);
  await endpointFor(env.id, sub.url);
  await makeDirectory(t.app, { environment_id: env.id });
  worker.kick();
  await sub.waitFor((r) => r.length >= 1);
  expect(sub.attempts()).toBe(3);
  const rows = await waitUntil(async () => {
    const r = await t.dataSource.query(
      `SELECT d.status, d.attempts, d.last_status_code FROM webhook_deliveries d JOIN webhook_endpoints w ON w.id = d.endpoint_id WHERE w.environment_id = $1`,
      [env.id],
    );
    return r[0]?.status === 'succeeded' && r;
  });
  expect(rows).toEqual([{ status: 'succeeded', attempts: 3, last_status_code: 200 }]);
  await sub.close();
});
