import request from 'supertest';
import { createLogger } from '../../src/http/logger';
import { Worker, startWorker } from '../../src/jobs/eventWorker';
import { signWebhook, verifyWebhook } from '../../src/webhooks/verifyWebhook';
import { makeDirectory, makeEnvironment } from '../support/factories';
import { Received, startSubscriber } from '../support/subscriber';
import { ADMIN_KEY, TestApp, createTestApp } from '../support/testApp';
import { OwnDatabase, createOwnDatabase } from './ownDatabase';

/*
 * A real subscriber through a secret rotation: during the overlap every delivery is
 * signed with the new and the old secret (two v1 values, the new one first), so either
 * verifies; once the overlap is ended, or has run out, only the new one signs.
 */

let db: OwnDatabase;
let t: TestApp;
let worker: Worker;
const subscribers: { close(): Promise<void> }[] = [];
beforeAll(async () => {
  // A database of its own: the worker would otherwise deliver other files' endpoints too.
  db = await createOwnDatabase('rotation');
  t = await createTestApp({ DATABASE_URL: db.url, WORKER_POLL_MS: '50', WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' });
  worker = await startWorker({ dataSource: t.dataSource, config: t.config, logger: createLogger('silent') });
});
afterAll(async () => {
  await Promise.all(subscribers.map((s) => s.close()));
  await worker.stop();
  await t.close();
  await db.drop();
});

const admin = { Authorization: `Bearer ${ADMIN_KEY}` };

/** A subscriber, an environment and an endpoint of it for `directory.activated`; returns the first secret. */
async function subscribed() {
  const sub = await startSubscriber();
  subscribers.push(sub);
  const env = await makeEnvironment(t.app);
  const created = await request(t.app)
    .post('/api/v1/webhook-endpoints')
    .set(admin)
    .send({ environment_id: env.id, url: sub.url, events: ['directory.activated'] });
  expect(created.status).toBe(201);
  /** Makes one event (a new directory) and resolves with its delivery. */
  const nextDelivery = async (): Promise<Received & { signature: string }> => {
    const count = sub.received.length;
    await makeDirectory(t.app, { environment_id: env.id });
    worker.kick();
    await sub.waitFor((r) => r.length > count);
    const r = sub.received[count];
    return { ...r, signature: String(r.headers['dsync-signature']) };
  };
  return { path: `/api/v1/webhook-endpoints/${created.body.id}`, first: created.body.secret as string, nextDelivery };
}

/** The unix seconds a signature header was made at. */
const timestampOf = (signature: string) => Number(/^t=(\d+),/.exec(signature)![1]);

test('during the overlap both secrets sign; after DELETE …/previous-secret only the new one', async () => {
  const { path, first, nextDelivery } = await subscribed();
  const rotated = await request(t.app).post(`${path}/secret`).set(admin).send({ overlap: 'PT1H' });
  expect(rotated.status).toBe(200);
  const second: string = rotated.body.secret;

  const during = await nextDelivery();
  // Exactly the header dsync builds for both secrets, the current one first.
  expect(during.signature).toBe(signWebhook(during.body, [second, first], timestampOf(during.signature)));
  expect(during.signature.match(/v1=/g)).toHaveLength(2);
  expect(verifyWebhook(during.body, during.signature, first).ok).toBe(true);
  expect(verifyWebhook(during.body, during.signature, second).ok).toBe(true);

  const ended = await request(t.app).delete(`${path}/previous-secret`).set(admin);
  expect([ended.status, ended.body.previous_secret_expires_at]).toEqual([200, null]);
  const after = await nextDelivery();
  expect(after.signature).toBe(signWebhook(after.body, second, timestampOf(after.signature)));
  expect(verifyWebhook(after.body, after.signature, second).ok).toBe(true);
  expect(verifyWebhook(after.body, after.signature, first)).toEqual({ ok: false, reason: 'mismatch' });
});

test('an overlap that has run out no longer signs', async () => {
  const { path, first, nextDelivery } = await subscribed();
  const second: string = (await request(t.app).post(`${path}/secret`).set(admin).send({ overlap: 'PT1H' })).body.secret;
  // The hour passes (moved on the row rather than waited for).
  await t.dataSource.query(`UPDATE webhook_endpoints SET previous_secret_expires_at = now() - interval '1 second' WHERE id = $1`, [
    path.split('/').pop(),
  ]);
  const after = await nextDelivery();
  expect(after.signature).toBe(signWebhook(after.body, second, timestampOf(after.signature)));
  expect(verifyWebhook(after.body, after.signature, first).ok).toBe(false);
});

test('PT0S ends the old secret at once', async () => {
  const { path, first, nextDelivery } = await subscribed();
  const rotated = await request(t.app).post(`${path}/secret`).set(admin).send({ overlap: 'PT0S' });
  expect([rotated.body.previous_secret_prefix, rotated.body.previous_secret_expires_at]).toEqual([null, null]);
  const after = await nextDelivery();
  expect(after.signature).toBe(signWebhook(after.body, rotated.body.secret, timestampOf(after.signature)));
  expect(verifyWebhook(after.body, after.signature, first).ok).toBe(false);
});
