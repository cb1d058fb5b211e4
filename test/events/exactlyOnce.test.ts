import request from 'supertest';
import { DataSource } from 'typeorm';
import { createDataSource } from '../../src/db/dataSource';
import { recordEvent } from '../../src/events/recordEvent';
import { Worker } from '../../src/jobs/eventWorker';
import { makeApiKey, makeDirectory, makeEnvironment } from '../support/factories';
import { PATCH_OP, USER_SCHEMA, scimClient } from '../support/scimClient';
import { TestApp, createTestApp } from '../support/testApp';
import { waitUntil } from '../support/waitUntil';
import { startTestWorker } from '../webhooks/deliveryHarness';
import { OwnDatabase, createOwnDatabase } from '../webhooks/ownDatabase';

/**
 * GET /api/v1/events polled with the last cursor gives a consumer every event of its
 * environment exactly once, in position order, while SCIM writes commit concurrently
 * and a transaction that recorded its event early commits late. Positions are given
 * after commit (src/events/assignPositions.ts), by the worker's sequencer and by the
 * events API itself, competing here as they do in production.
 */

let db: OwnDatabase;
let t: TestApp;
let workerDs: DataSource;
let worker: Worker;
beforeAll(async () => {
  db = await createOwnDatabase('events');
  t = await createTestApp({ DATABASE_URL: db.url, DB_POOL_SIZE: '12' });
  workerDs = createDataSource(db.url, 3);
  await workerDs.initialize();
  worker = await startTestWorker(workerDs);
});
afterAll(async () => {
  await worker.stop();
  await workerDs.destroy();
  await t.close();
  await db.drop();
});

type ApiEvent = { id: string; position: number; type: string };

const LANES_PER_DIRECTORY = 2;
const USERS_PER_LANE = 15;

/** One writer: creates users and renames each right after (two events per user). */
async function writeLane(directory: { id: string; bearer_token: string }, lane: string): Promise<void> {
  const scim = scimClient(t.app, directory);
  for (let i = 0; i < USERS_PER_LANE; i++) {
    const created = await scim.post('/Users', { schemas: [USER_SCHEMA], userName: `${lane}-${i}@acme.test` });
    if (created.status !== 201) throw new Error(`create ${lane}-${i}: ${created.status} ${JSON.stringify(created.body)}`);
    const renamed = await scim.patch(`/Users/${created.body.id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', path: 'name.givenName', value: `Renamed ${lane} ${i}` }],
    });
    if (renamed.status !== 200) throw new Error(`rename ${lane}-${i}: ${renamed.status} ${JSON.stringify(renamed.body)}`);
  }
}

test('a polling consumer gets every event exactly once, in order, under concurrent writers and a late commit', async () => {
  const env = await makeEnvironment(t.app);
  const key = await makeApiKey(t.app, env.id);
  const directories = [await makeDirectory(t.app, { environment_id: env.id }), await makeDirectory(t.app, { environment_id: env.id })];

  // The long transaction: its event is inserted (and gets its seq) before any write below.
  const late = t.dataSource.createQueryRunner();
  await late.connect();
  await late.startTransaction();
  let lateCommitted = false;
  const lateId = await recordEvent(
    { manager: late.manager, actor: { kind: 'scim', directoryId: directories[0].id, environmentId: env.id } },
    {
      type: 'user.updated',
      environmentId: env.id,
      directoryId: directories[0].id,
      data: { object: 'directory_user', note: 'recorded early, committed late' },
    },
  );
  const [{ seq: lateSeq }] = await late.query(`SELECT seq FROM events WHERE id = $1`, [lateId]);

  const seen: ApiEvent[] = [];
  let cursor: string | null = null;
  let writersDone = false;
  const poll = async (): Promise<ApiEvent[]> => {
    const res = await request(t.app)
      .get(`/api/v1/events?environment_id=${env.id}&limit=7${cursor ? `&after=${cursor}` : ''}`)
      .set('Authorization', `Bearer ${key}`);
    if (res.status !== 200) throw new Error(`poll: ${res.status} ${JSON.stringify(res.body)}`);
    seen.push(...res.body.data);
    cursor = res.body.list_metadata.after;
    return res.body.data;
  };
  const consumer = (async () => {
    for (let polls = 0; polls < 5000; polls++) {
      // Settled: writes and the late commit are done and every event has a position. A page
      // read after that point that comes back empty means the consumer has reached the end.
      const settled = writersDone && lateCommitted && (await unpositioned(env.id)) === 0;
      const page = await poll();
      if (settled && page.length === 0) return;
      // Poll pacing, as a real consumer would; nothing is asserted on time.
      if (page.length === 0) await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error('the consumer did not reach the end within 5000 polls');
  })();

  const writers = Promise.all(
    directories.flatMap((d, n) => Array.from({ length: LANES_PER_DIRECTORY }, (_, lane) => writeLane(d, `d${n}l${lane}`))),
  ).finally(() => (writersDone = true));

  // Commit only once the consumer has read events recorded after the late one.
  let seenBeforeCommit: ApiEvent[] = [];
  try {
    await waitUntil(async () => {
      const [{ after }] = await t.dataSource.query(
        `SELECT count(*)::int AS after FROM events WHERE id = ANY($1) AND seq > $2`,
        [seen.map((e) => e.id), lateSeq],
      );
      return after >= 10;
    }, 30000, 'the consumer reading events recorded after the open transaction');
    seenBeforeCommit = [...seen];
    await late.commitTransaction();
  } finally {
    if (late.isTransactionActive) await late.rollbackTransaction();
    lateCommitted = true;
    await late.release();
    // Even when failing, the writers and the consumer end before the test does.
    await Promise.allSettled([writers, consumer]);
  }
  await Promise.all([writers, consumer]);

  const ids = seen.map((e) => e.id);
  // Exactly once each, in strictly increasing position.
  expect(new Set(ids).size).toBe(ids.length);
  const positions = seen.map((e) => e.position);
  expect(positions.every((p, i) => i === 0 || p > positions[i - 1])).toBe(true);
  // And the set is the environment's whole log, in the same order.
  const table: { id: string }[] = await t.dataSource.query(
    `SELECT id FROM events WHERE environment_id = $1 ORDER BY position`,
    [env.id],
  );
  expect(ids).toEqual(table.map((r) => r.id));
  const writes = directories.length * LANES_PER_DIRECTORY * USERS_PER_LANE * 2;
  expect(ids).toHaveLength(directories.length + writes + 1);

  // The late event came after events that were inserted after it: a cursor over insert
  // order (seq) would have passed it by for good.
  expect(seenBeforeCommit.map((e) => e.id)).not.toContain(lateId);
  const lateEvent = seen.find((e) => e.id === lateId)!;
  expect(lateEvent.type).toBe('user.updated');
  expect(lateEvent.position).toBeGreaterThan(Math.max(...seenBeforeCommit.map((e) => e.position)));
}, 90000);

async function unpositioned(environmentId: string): Promise<number> {
  const [{ n }] = await t.dataSource.query(
    `SELECT count(*)::int AS n FROM events WHERE environment_id = $1 AND position IS NULL`,
    [environmentId],
  );
  return n;
}
