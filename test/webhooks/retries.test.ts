import { makeDirectory, makeEnvironment } from '../support/factories';
import { TestApp, createTestApp } from '../support/testApp';
import { waitUntil } from '../support/waitUntil';
import { DeliveryRow, createEndpoint, deliveriesOf, positionedEventIds, provisionUsers, startTestWorker } from './deliveryHarness';
import { HookRequest, startHookSubscriber } from './hookSubscriber';
import { OwnDatabase, createOwnDatabase, freePort } from './ownDatabase';

/**
 * A subscriber that is down for a while gets every event once it is back, and a
 * failing event does not hold the others up. The guarantee, per endpoint: at least
 * once; one delivery at a time; first attempts in position order; a retry comes when
 * its backoff is due, after later events that were ready meanwhile.
 */

let db: OwnDatabase;
let t: TestApp;
beforeAll(async () => {
  db = await createOwnDatabase('retries');
  t = await createTestApp({ DATABASE_URL: db.url, WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' });
});
// Each test runs its own worker with its own retry settings; none may serve another's endpoints.
afterEach(() => t.dataSource.query(`UPDATE webhook_endpoints SET enabled = false`));
afterAll(async () => {
  await t.close();
  await db.drop();
});

const FAST_RETRIES = { WEBHOOK_RETRY_BASE_SECONDS: '0.1', WEBHOOK_MAX_ATTEMPTS: '8' };

/** An environment subscribed at `url`, then a directory and `users` provisioned users: users + 1 events. */
async function subscribedEnvironment(url: string, users: number, prefix: string) {
  const env = await makeEnvironment(t.app);
  const endpoint = await createEndpoint(t.app, env.id, url);
  const dir = await makeDirectory(t.app, { environment_id: env.id });
  await provisionUsers(t.app, dir, users, prefix);
  return { env, endpoint };
}

/** The endpoint's deliveries once every one of them has succeeded. */
function allSucceeded(endpointId: string): Promise<DeliveryRow[]> {
  return waitUntil(async () => {
    const rows = await deliveriesOf(t.dataSource, endpointId);
    return rows.length > 0 && rows.every((d) => d.status === 'succeeded') && rows;
  }, 20000, 'every delivery succeeded');
}

/** How many times each event id was accepted (answered 2xx). */
function acceptedCounts(requests: HookRequest[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of requests) if (r.status === 200) counts[r.eventId] = (counts[r.eventId] ?? 0) + 1;
  return counts;
}

test('a subscriber whose port is closed for a while receives every event once it listens', async () => {
  const port = await freePort();
  const { env, endpoint } = await subscribedEnvironment(`http://127.0.0.1:${port}/hooks`, 4, 'down');
  const worker = await startTestWorker(t.dataSource, FAST_RETRIES);
  try {
    // Down: every delivery is tried and refused, the first one several times.
    const failing = await waitUntil(async () => {
      const rows = await deliveriesOf(t.dataSource, endpoint.id);
      return rows.length === 5 && rows.every((d) => d.attempts >= 1) && rows[0].attempts >= 3 && rows;
    }, 20000, 'every delivery refused at least once');
    for (const d of failing) {
      expect(d).toEqual({ ...d, last_status_code: null, last_error: expect.stringMatching(/ECONNREFUSED/) });
      expect(['pending', 'delivering']).toContain(d.status);
    }

    const sub = await startHookSubscriber(() => 200, port);
    try {
      const rows = await allSucceeded(endpoint.id);
      const events = await positionedEventIds(t.dataSource, env.id);
      expect(rows.map((d) => [d.event_id, d.status, d.last_status_code])).toEqual(events.map((id) => [id, 'succeeded', 200]));
      // Nothing answered before, so each event was received exactly once, with a 200.
      expect(acceptedCounts(sub.requests)).toEqual(Object.fromEntries(events.map((id) => [id, 1])));
      expect(sub.requests.every((r) => r.status === 200)).toBe(true);
      expect(sub.overlaps).toEqual([]);
    } finally {
      await sub.close();
    }
  } finally {
    await worker.stop();
  }
});

test('a subscriber answering 503 to its first attempts receives every event at least once; all deliveries succeed', async () => {
  const FAILURES = 6;
  const sub = await startHookSubscriber((r) => (r.index < FAILURES ? 503 : 200));
  const { env, endpoint } = await subscribedEnvironment(sub.url(), 4, 'busy');
  const worker = await startTestWorker(t.dataSource, FAST_RETRIES);
  try {
    const rows = await allSucceeded(endpoint.id);
    const events = await positionedEventIds(t.dataSource, env.id);
    expect(rows.map((d) => [d.event_id, d.status, d.last_status_code, d.last_error])).toEqual(
      events.map((id) => [id, 'succeeded', 200, null]),
    );
    // Every attempt is either one of the 503s or the one 200 of its event.
    expect(sub.requests.filter((r) => r.status === 503)).toHaveLength(FAILURES);
    expect(acceptedCounts(sub.requests)).toEqual(Object.fromEntries(events.map((id) => [id, 1])));
    expect(rows.reduce((n, d) => n + d.attempts, 0)).toBe(FAILURES + events.length);
    expect(sub.overlaps).toEqual([]);
  } finally {
    await worker.stop();
    await sub.close();
  }
});

test('while event #2 waits for its retry, #3 and #4 are delivered; #2 comes after them', async () => {
  let failedOnce = false;
  // Only the first attempt of the second event fails. A 2 s base puts its retry 1.6–2.4 s later.
  const sub = await startHookSubscriber((r) => {
    const second = (JSON.parse(r.body) as { data: { username?: string } }).data.username === 'order0@acme.test';
    if (!second || failedOnce) return 200;
    failedOnce = true;
    return 503;
  });
  // All four events exist before the worker starts, so #3 and #4 are ready when #2 fails.
  const { env, endpoint } = await subscribedEnvironment(sub.url(), 3, 'order');
  const worker = await startTestWorker(t.dataSource, { WEBHOOK_RETRY_BASE_SECONDS: '2', WEBHOOK_MAX_ATTEMPTS: '3' });
  try {
    const rows = await allSucceeded(endpoint.id);
    const ids = await positionedEventIds(t.dataSource, env.id);
    expect(rows.map((d) => [d.event_id, d.attempts])).toEqual([
      [ids[0], 1],
      [ids[1], 2],
      [ids[2], 1],
      [ids[3], 1],
    ]);
    expect(sub.requests.map((r) => [r.eventId, r.status])).toEqual([
      [ids[0], 200],
      [ids[1], 503],
      [ids[2], 200],
      [ids[3], 200],
      [ids[1], 200],
    ]);
    // The retry honoured its backoff (at least 0.8 × 2 s after the failed attempt).
    expect(sub.requests[4].receivedAt - sub.requests[1].receivedAt).toBeGreaterThanOrEqual(1600);
    expect(sub.overlaps).toEqual([]);
  } finally {
    await worker.stop();
    await sub.close();
  }
});
