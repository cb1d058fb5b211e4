import request from 'supertest';
import { assignAllPositions } from '../../src/events/assignPositions';
import { deleteExpiredEvents } from '../../src/events/deleteExpiredEvents';
import { fanOutDeliveries } from '../../src/webhooks/fanOut';
import { makeDirectory, makeEnvironment } from '../support/factories';
import { ADMIN_KEY, TestApp, createTestApp } from '../support/testApp';
import { waitUntil } from '../support/waitUntil';
import { createLogger } from '../../src/http/logger';
import { startJobRunner } from '../../src/jobs/jobRunner';
import { createEndpoint, positionedEventIds, provisionUsers, workerConfig } from '../webhooks/deliveryHarness';
import { OwnDatabase, createOwnDatabase } from '../webhooks/ownDatabase';

/**
 * EVENT_RETENTION_DAYS: events older than it are deleted with their webhook
 * deliveries, by deleteExpiredEvents and by the job runner's hourly cleanup. Retention
 * deletes rows of every environment, so the file has a database of its own.
 */

let db: OwnDatabase;
let t: TestApp;
beforeAll(async () => {
  db = await createOwnDatabase('retention');
  t = await createTestApp({ DATABASE_URL: db.url, WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' });
});
afterAll(async () => {
  await t.close();
  await db.drop();
});

const admin = { Authorization: `Bearer ${ADMIN_KEY}` };

/** An environment with a webhook endpoint and `users` + 1 positioned events, each with its delivery. */
async function environmentWithDeliveries(users: number, prefix: string) {
  const env = await makeEnvironment(t.app);
  // Nothing listens on port 9: the last test's worker has its attempts refused, on loopback.
  const endpoint = await createEndpoint(t.app, env.id, 'http://127.0.0.1:9/never');
  const dir = await makeDirectory(t.app, { environment_id: env.id });
  await provisionUsers(t.app, dir, users, prefix);
  await assignAllPositions(t.dataSource, { afterAssign: fanOutDeliveries });
  return { env, endpoint, dir, events: await positionedEventIds(t.dataSource, env.id) };
}

async function ageEvents(ids: string[], days: number): Promise<void> {
  await t.dataSource.query(`UPDATE events SET created_at = now() - make_interval(days => $2) WHERE id = ANY($1)`, [ids, days]);
}

async function storedOf(ids: string[]) {
  const [row] = await t.dataSource.query(
    `SELECT (SELECT count(*)::int FROM events WHERE id = ANY($1)) AS events,
            (SELECT count(*)::int FROM webhook_deliveries WHERE event_id = ANY($1)) AS deliveries`,
    [ids],
  );
  return row as { events: number; deliveries: number };
}

async function listed(environmentId: string, after?: string): Promise<string[]> {
  const res = await request(t.app)
    .get(`/api/v1/events?environment_id=${environmentId}&limit=100${after ? `&after=${after}` : ''}`)
    .set(admin);
  expect(res.status).toBe(200);
  return res.body.data.map((e: { id: string }) => e.id);
}

test('events older than the retention period are deleted with their deliveries, in batches; newer ones stay', async () => {
  const { env, events } = await environmentWithDeliveries(4, 'kept');
  expect(await storedOf(events)).toEqual({ events: 5, deliveries: 5 });
  const old = events.slice(0, 3);
  const recent = events.slice(3);
  await ageEvents(old, 31);
  // Another day short of the limit is not expired.
  await ageEvents(recent.slice(0, 1), 29);

  // Batches of one: three expired events take three batches and a last empty one.
  expect(await deleteExpiredEvents(t.dataSource, 30, 1)).toBe(3);
  expect(await storedOf(old)).toEqual({ events: 0, deliveries: 0 });
  expect(await storedOf(recent)).toEqual({ events: 2, deliveries: 2 });
  expect(await listed(env.id)).toEqual(recent);
  expect(await deleteExpiredEvents(t.dataSource, 30)).toBe(0);
});

test('the newest event is kept however old, so positions go on from it and a consumer cursor misses nothing', async () => {
  const { env, dir, events } = await environmentWithDeliveries(2, 'quiet');
  const cursorRes = await request(t.app).get(`/api/v1/events?environment_id=${env.id}&limit=100`).set(admin);
  const cursor: string = cursorRes.body.list_metadata.after;
  expect(cursorRes.body.data.map((e: { id: string }) => e.id)).toEqual(events);

  // A database where nothing happened for longer than the retention period.
  const everything: { id: string }[] = await t.dataSource.query(`SELECT id FROM events`);
  await ageEvents(everything.map((e) => e.id), 40);
  const [{ newest }] = await t.dataSource.query(`SELECT id AS newest FROM events ORDER BY position DESC LIMIT 1`);
  expect(newest).toBe(events[events.length - 1]);
  expect(await deleteExpiredEvents(t.dataSource, 30)).toBe(everything.length - 1);
  const [{ left }] = await t.dataSource.query(`SELECT array_agg(id) AS left FROM events`);
  expect(left).toEqual([newest]);

  await provisionUsers(t.app, dir, 1, 'after-quiet');
  const next = await listed(env.id, cursor);
  expect(next).toHaveLength(1);
  const [{ position }] = await t.dataSource.query(`SELECT position FROM events WHERE id = $1`, [next[0]]);
  expect(Number(position)).toBe(Number(cursor) + 1);
});

test('the job runner deletes expired events when it starts (and hourly after)', async () => {
  const { events } = await environmentWithDeliveries(2, 'worker');
  await ageEvents(events.slice(0, 2), 3);
  const config = workerConfig(db.url, { EVENT_RETENTION_DAYS: '2' });
  const jobs = await startJobRunner({ dataSource: t.dataSource, config, logger: createLogger('silent') });
  try {
    await waitUntil(async () => (await storedOf(events.slice(0, 2))).events === 0, 20000, 'expired events deleted');
  } finally {
    await jobs.stop();
  }
  expect(await storedOf(events.slice(0, 2))).toEqual({ events: 0, deliveries: 0 });
  expect((await storedOf(events.slice(2))).events).toBe(1);
});
