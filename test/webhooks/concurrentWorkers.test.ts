import { Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { createDataSource } from '../../src/db/dataSource';
import { assignAllPositions } from '../../src/events/assignPositions';
import { claimDelivery } from '../../src/webhooks/claimDelivery';
import { fanOutDeliveries } from '../../src/webhooks/fanOut';
import { createWorkerMetrics } from '../../src/jobs/workerMetrics';
import { makeDirectory, makeEnvironment } from '../support/factories';
import { TestApp, createTestApp } from '../support/testApp';
import { waitUntil } from '../support/waitUntil';
import { createEndpoint, deliveriesOf, positionedEventIds, provisionUsers, startTestWorker } from './deliveryHarness';
import { startHookSubscriber } from './hookSubscriber';
import { OwnDatabase, createOwnDatabase } from './ownDatabase';

/**
 * Several workers on one database: an attempt is never sent twice, and an endpoint
 * receives one delivery at a time, in position order, while other endpoints are
 * served in parallel.
 */

let db: OwnDatabase;
let t: TestApp;
const extra: DataSource[] = [];
beforeAll(async () => {
  db = await createOwnDatabase('workers');
  t = await createTestApp({ DATABASE_URL: db.url, WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true', DB_POOL_SIZE: '10' });
});
afterAll(async () => {
  await Promise.all(extra.map((ds) => ds.destroy()));
  await t.close();
  await db.drop();
});

async function dataSource(poolSize: number): Promise<DataSource> {
  const ds = createDataSource(db.url, poolSize);
  await ds.initialize();
  extra.push(ds);
  return ds;
}

const ROUNDS = 80;

test('concurrent claims never put two deliveries of one endpoint in flight', async () => {
  const env = await makeEnvironment(t.app);
  // Nothing listens there: the deliveries are only claimed, never sent.
  const endpoint = await createEndpoint(t.app, env.id, 'http://127.0.0.1:9/hooks');
  const dir = await makeDirectory(t.app, { environment_id: env.id });
  await provisionUsers(t.app, dir, 9);
  await assignAllPositions(t.dataSource, { afterAssign: fanOutDeliveries });
  expect(await deliveriesOf(t.dataSource, endpoint.id)).toHaveLength(10);
  // Claimers on separate pools, as separate worker processes would be.
  const claimers = await Promise.all(Array.from({ length: 4 }, () => dataSource(2)));
  const rounds: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    await t.dataSource.query(
      `UPDATE webhook_deliveries SET status = 'pending', lease_expires_at = NULL, next_attempt_at = now() WHERE endpoint_id = $1`,
      [endpoint.id],
    );
    const claims = await Promise.all(claimers.flatMap((ds) => [claimDelivery(ds, 60), claimDelivery(ds, 60)]));
    rounds.push(claims.filter((c) => c !== undefined).length);
    const [{ delivering }] = await t.dataSource.query(
      `SELECT count(*)::int AS delivering FROM webhook_deliveries WHERE endpoint_id = $1 AND status = 'delivering'`,
      [endpoint.id],
    );
    expect(delivering).toBe(1);
  }
  // Every round, exactly one of the eight concurrent claims got the endpoint's next delivery.
  expect(rounds).toEqual(Array(ROUNDS).fill(1));
});

test('two workers deliver 200 events to two endpoints: each attempt once, one at a time per endpoint, in position order', async () => {
  const sub = await startHookSubscriber(() => 200);
  const env = await makeEnvironment(t.app);
  const a = await createEndpoint(t.app, env.id, sub.url('/a'));
  const b = await createEndpoint(t.app, env.id, sub.url('/b'));
  // Each worker has its own pool, as two worker processes would, and its own metrics. One
  // delivery in flight per worker: with the default eight, a worker that wakes first can hold
  // both endpoints (each keeps going with its endpoint's next delivery) and leave the other
  // nothing, which happened on a loaded machine. With one, while a worker is busy with an
  // endpoint the other endpoint's deliveries are the other worker's to take.
  const counted = await Promise.all(
    [0, 1].map(async () => {
      const ds = await dataSource(4);
      const metrics = createWorkerMetrics(new Registry(), ds);
      return { metrics, worker: await startTestWorker(ds, {}, { concurrency: 1 }, metrics) };
    }),
  );
  const workers = counted.map((c) => c.worker);
  try {
    const dir = await makeDirectory(t.app, { environment_id: env.id });
    await provisionUsers(t.app, dir, 199, 'worker', 4);
    const events = await positionedEventIdsWhenAll(env.id, 200);
    await sub.waitFor((rs) => rs.filter((r) => r.status === 200).length === 400, 60000, '400 accepted deliveries');

    for (const path of ['/a', '/b']) {
      const seen = sub.requests.filter((r) => r.path === path);
      // No attempt was sent twice, and every event arrived: exactly once, in position order.
      expect(seen.map((r) => r.eventId)).toEqual(events);
      const positions = seen.map((r) => r.position);
      expect(positions).toEqual([...positions].sort((x, y) => x - y));
    }
    expect(sub.overlaps).toEqual([]);

    for (const endpoint of [a, b]) {
      // The subscriber has answered; the worker records the outcome right after.
      const rows = await waitUntil(async () => {
        const r = await deliveriesOf(t.dataSource, endpoint.id);
        return r.every((d) => d.status === 'succeeded') && r;
      });
      expect(rows.map((r) => [r.event_id, r.status, r.attempts, r.last_status_code])).toEqual(
        events.map((id) => [id, 'succeeded', 1, 200]),
      );
    }
    // Both workers took part: their outcome counters add up to the 400 attempts, each with a share.
    await Promise.all(workers.map((w) => w.stop()));
    const succeeded = await Promise.all(
      counted.map(async (c) => (await c.metrics.webhookOutcomes.get()).values.map((v) => [v.labels.outcome, v.value])),
    );
    expect(succeeded.map((s) => s.length === 1 && s[0][0])).toEqual(['succeeded', 'succeeded']);
    const shares = succeeded.map((s) => Number(s[0][1]));
    expect(shares[0] + shares[1]).toBe(400);
    expect(Math.min(...shares)).toBeGreaterThan(0);
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await sub.close();
  }
}, 120000);

/** The environment's event ids in position order, once `count` of them have positions. */
async function positionedEventIdsWhenAll(environmentId: string, count: number): Promise<string[]> {
  let ids: string[] = [];
  await waitUntil(async () => (ids = await positionedEventIds(t.dataSource, environmentId)).length === count);
  return ids;
}
