import { TestApp, createTestApp } from '../support/testApp';
import { waitUntil } from '../support/waitUntil';
import { OwnDatabase, createOwnDatabase } from '../webhooks/ownDatabase';
import {
  WorkerProcess,
  jobRow,
  outcomeOf,
  retainDirectory,
  seedInactivePeople,
  startWorkerProcess,
  stopWorkerProcess,
  switchToSecure,
} from './policySwitchHarness';

/**
 * Two worker processes share the job runner's queue: the batches of one policy switch
 * job are spread over them, and each batch runs once — every inactive person is erased
 * exactly once, with exactly one user.deleted event. Job runners take every job in
 * their database, so the file has a database of its own.
 */

let db: OwnDatabase;
let t: TestApp;
beforeAll(async () => {
  db = await createOwnDatabase('switchworkers');
  t = await createTestApp({ DATABASE_URL: db.url });
});
afterAll(async () => {
  await t.close();
  await db.drop();
});

const USER_COUNT = 1200;

test(`two worker processes run one job's batches, each once (${USER_COUNT} users)`, async () => {
  const directory = await retainDirectory(t.app);
  await seedInactivePeople(t.dataSource, directory, USER_COUNT);
  const processes: WorkerProcess[] = [];
  try {
    processes.push(...(await Promise.all([startWorkerProcess(db.url), startWorkerProcess(db.url)])));
    const jobId = await switchToSecure(t.app, directory.environment_id);

    await waitUntil(async () => (await jobRow(t.dataSource, jobId)).status !== 'running', 120_000, 'the job finished');
    expect(await jobRow(t.dataSource, jobId)).toEqual({ status: 'completed', processed: USER_COUNT, total: USER_COUNT });
    expect(await outcomeOf(t.dataSource, directory, jobId)).toEqual({
      deletions: USER_COUNT,
      deleted_people: USER_COUNT,
      users_left: 0,
      unerased: 0,
      unredacted: 0,
      completions: [{ users_touched: USER_COUNT, total: USER_COUNT }],
    });
    // Nothing keeps going after the end: the queue holds no batch of the job any more.
    await waitUntil(async () => {
      const [row] = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE task_identifier = 'policy_switch_batch'`,
      );
      return row.n === 0;
    }, 30_000, 'no batch left in the queue');

    expect(await Promise.all(processes.map(stopWorkerProcess))).toEqual([0, 0]);
  } finally {
    for (const p of processes) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  }
}, 300_000);
