import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { newId } from '../../src/ids';
import { secretBox } from '../../src/webhooks/secretBox';
import { makeDirectory, makeEnvironment } from '../support/factories';
import { ADMIN_KEY, TestApp, createTestApp } from '../support/testApp';
import { waitUntil } from '../support/waitUntil';
import { DeliveryRow, createEndpoint, deliveriesOf, positionedEventIds, provisionUsers, startTestWorker } from './deliveryHarness';
import { startHookSubscriber } from './hookSubscriber';
import { OwnDatabase, createOwnDatabase } from './ownDatabase';

/**
 * A subscriber that keeps failing: each delivery ends 'failed' after
 * WEBHOOK_MAX_ATTEMPTS, and an endpoint failing for WEBHOOK_DISABLE_AFTER_HOURS is
 * disabled with an audit entry; its pending deliveries wait for it to be enabled again.
 */

let db: OwnDatabase;
let t: TestApp;
beforeAll(async () => {
  db = await createOwnDatabase('health');
  t = await createTestApp({ DATABASE_URL: db.url, WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' });
});
// Each test runs its own worker with its own settings; none may serve another's endpoints.
afterEach(() => t.dataSource.query(`UPDATE webhook_endpoints SET enabled = false`));
afterAll(async () => {
  await t.close();
  await db.drop();
});

const admin = { Authorization: `Bearer ${ADMIN_KEY}` };

function deliveriesWhen(endpointId: string, done: (rows: DeliveryRow[]) => boolean, label: string): Promise<DeliveryRow[]> {
  return waitUntil(async () => {
    const rows = await deliveriesOf(t.dataSource, endpointId);
    return rows.length > 0 && done(rows) && rows;
  }, 20000, label);
}

async function endpointRow(id: string) {
  const [row] = await t.dataSource.query(
    `SELECT enabled, disabled_reason, failing_since IS NOT NULL AS failing FROM webhook_endpoints WHERE id = $1`,
    [id],
  );
  return row as { enabled: boolean; disabled_reason: string | null; failing: boolean };
}

test('a delivery that keeps failing ends failed after WEBHOOK_MAX_ATTEMPTS attempts; a later success ends the streak', async () => {
  let healthy = false;
  const sub = await startHookSubscriber(() => (healthy ? 200 : 500));
  const env = await makeEnvironment(t.app);
  const endpoint = await createEndpoint(t.app, env.id, sub.url());
  const dir = await makeDirectory(t.app, { environment_id: env.id });
  await provisionUsers(t.app, dir, 1, 'failing');
  const worker = await startTestWorker(t.dataSource, { WEBHOOK_RETRY_BASE_SECONDS: '0.05', WEBHOOK_MAX_ATTEMPTS: '3' });
  try {
    const rows = await deliveriesWhen(endpoint.id, (r) => r.every((d) => d.status === 'failed'), 'every delivery failed');
    const events = await positionedEventIds(t.dataSource, env.id);
    expect(rows.map((d) => [d.event_id, d.status, d.attempts, d.last_status_code, d.last_error])).toEqual(
      events.map((id) => [id, 'failed', 3, 500, 'HTTP 500']),
    );
    // Three attempts per event reached the subscriber, no more.
    expect(sub.requests.map((r) => r.eventId).sort()).toEqual([...events, ...events, ...events].sort());
    // Below the disable threshold (72 hours by default) the endpoint stays enabled, marked failing.
    expect(await endpointRow(endpoint.id)).toEqual({ enabled: true, disabled_reason: null, failing: true });

    healthy = true;
    await provisionUsers(t.app, dir, 1, 'recovered');
    const after = await deliveriesWhen(endpoint.id, (r) => r.length === 3 && r[2].status === 'succeeded', 'the next delivery');
    expect(after.map((d) => d.status)).toEqual(['failed', 'failed', 'succeeded']);
    expect(await endpointRow(endpoint.id)).toEqual({ enabled: true, disabled_reason: null, failing: false });
  } finally {
    await worker.stop();
    await sub.close();
  }
});

test('an endpoint failing for WEBHOOK_DISABLE_AFTER_HOURS is disabled and audited; its pending delivery resumes when re-enabled', async () => {
  let healthy = false;
  const failing = await startHookSubscriber(() => (healthy ? 200 : 500));
  const other = await startHookSubscriber(() => 200);
  const env = await makeEnvironment(t.app);
  const endpoint = await createEndpoint(t.app, env.id, failing.url());
  const witness = await createEndpoint(t.app, env.id, other.url());
  const dir = await makeDirectory(t.app, { environment_id: env.id });
  const worker = await startTestWorker(t.dataSource, { WEBHOOK_DISABLE_AFTER_HOURS: '0', WEBHOOK_RETRY_BASE_SECONDS: '0.05' });
  try {
    // With a threshold of 0 hours the first failure disables the endpoint.
    await waitUntil(async () => !(await endpointRow(endpoint.id)).enabled, 20000, 'endpoint disabled');
    const shown = await request(t.app).get(`/api/v1/webhook-endpoints/${endpoint.id}`).set(admin);
    expect(shown.body).toEqual(
      expect.objectContaining({ id: endpoint.id, enabled: false, disabled_reason: 'every delivery failed for 0 hours' }),
    );
    const audit = await t.dataSource.query(
      `SELECT environment_id, actor, action, target_type, target_id, reason, details FROM audit_log
        WHERE target_id = $1 AND action LIKE 'webhook_endpoint.%' ORDER BY created_at, id`,
      [endpoint.id],
    );
    expect(audit).toEqual([
      expect.objectContaining({ action: 'webhook_endpoint.created' }),
      {
        environment_id: env.id,
        actor: 'system:webhook-worker',
        action: 'webhook_endpoint.disabled',
        target_type: 'webhook_endpoint',
        target_id: endpoint.id,
        reason: expect.stringMatching(/^every delivery failed since \d{4}-\d\d-\d\dT/),
        details: { failing_hours: 0 },
      },
    ]);

    // Later events reach the other endpoint; the disabled one gets neither attempts nor new deliveries.
    await provisionUsers(t.app, dir, 1, 'meanwhile');
    await other.waitFor((rs) => rs.filter((r) => r.status === 200).length === 2);
    const [activated, meanwhile] = await positionedEventIds(t.dataSource, env.id);
    expect(failing.requests.map((r) => [r.eventId, r.status])).toEqual([[activated, 500]]);
    expect((await deliveriesOf(t.dataSource, endpoint.id)).map((d) => [d.event_id, d.status, d.attempts])).toEqual([
      [activated, 'pending', 1],
    ]);
    const witnessed = await deliveriesWhen(witness.id, (r) => r.every((d) => d.status === 'succeeded'), 'witness deliveries');
    expect(witnessed.map((d) => [d.event_id, d.status])).toEqual([
      [activated, 'succeeded'],
      [meanwhile, 'succeeded'],
    ]);

    healthy = true;
    const enabled = await request(t.app).patch(`/api/v1/webhook-endpoints/${endpoint.id}`).set(admin).send({ enabled: true });
    expect([enabled.status, enabled.body.enabled, enabled.body.disabled_reason]).toEqual([200, true, null]);
    worker.kick();
    const rows = await deliveriesWhen(endpoint.id, (r) => r[0].status === 'succeeded', 'the pending delivery');
    expect(rows.map((d) => [d.event_id, d.status, d.attempts])).toEqual([[activated, 'succeeded', 2]]);
    expect(await endpointRow(endpoint.id)).toEqual({ enabled: true, disabled_reason: null, failing: false });
  } finally {
    await worker.stop();
    await failing.close();
    await other.close();
  }
});

test('a delivery whose signing secret cannot be opened (sealed under another key) is a failed attempt, not a stuck claim', async () => {
  const sub = await startHookSubscriber();
  const env = await makeEnvironment(t.app);
  const endpointId = newId('webhook_endpoint');
  // As after SECRETS_KEY changed: the stored secret was sealed with a key this instance does not have.
  await t.dataSource.query(
    `INSERT INTO webhook_endpoints (id, environment_id, url, secret_ciphertext, secret_prefix) VALUES ($1, $2, $3, $4, 'whsec_')`,
    [endpointId, env.id, sub.url(), secretBox(randomBytes(32)).seal('whsec_elsewhere')],
  );
  await makeDirectory(t.app, { environment_id: env.id });
  const worker = await startTestWorker(t.dataSource, { WEBHOOK_RETRY_BASE_SECONDS: '0.05', WEBHOOK_MAX_ATTEMPTS: '2' });
  try {
    const rows = await deliveriesWhen(endpointId, (r) => r.every((d) => d.status === 'failed'), 'the delivery failed');
    expect(rows.map((d) => [d.status, d.attempts, d.last_status_code, d.last_error])).toEqual([
      ['failed', 2, null, 'signing secret cannot be opened (was SECRETS_KEY changed?)'],
    ]);
    expect(sub.requests).toEqual([]);
  } finally {
    await worker.stop();
    await sub.close();
  }
});
