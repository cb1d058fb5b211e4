import { DEFAULT_POLICY_SWITCH_BATCH_SIZE } from '../../src/directory/runPolicySwitchBatch';
import { createLogger } from '../../src/http/logger';
import { startBackground } from '../../src/jobs/background';
import { PATCH_OP, USER_SCHEMA, scimClient } from '../support/scimClient';
import { TestApp, createTestApp } from '../support/testApp';
import { waitUntil } from '../support/waitUntil';
import { workerConfig } from '../webhooks/deliveryHarness';
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
 * Policy switch jobs on the job runner, with real worker processes: a job survives the
 * death of the process in the middle of a batch (SIGKILL) and a process that is already
 * running finishes it without doing any user twice; and a running job runner starts a
 * new job as soon as the switch commits. Job runners take every job in their database,
 * so the file has a database of its own.
 */

let db: OwnDatabase;
let t: TestApp;
beforeAll(async () => {
  db = await createOwnDatabase('switchcrash');
  t = await createTestApp({ DATABASE_URL: db.url });
});
afterAll(async () => {
  await t.close();
  await db.drop();
});

const USER_COUNT = 1500;
const BATCH = DEFAULT_POLICY_SWITCH_BATCH_SIZE;
// Sweeps a second apart, so the surviving process notices the dead one's job within the test.
const WORKER_ENV = { POLICY_SWITCH_SWEEP_SECONDS: '1', WORKER_POLL_MS: '200' };

/** Backends waiting for a lock that the backend `pid` holds. */
async function blockedBy(pid: number): Promise<number[]> {
  const rows: { pid: number }[] = await t.dataSource.query(
    `SELECT pid FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))`,
    [pid],
  );
  return rows.map((r) => r.pid);
}

test(`a job survives SIGKILL of the process mid-batch; a process already running finishes it, every user once (${USER_COUNT} users)`, async () => {
  const directory = await retainDirectory(t.app);
  await seedInactivePeople(t.dataSource, directory, USER_COUNT);
  const jobId = await switchToSecure(t.app, directory.environment_id);
  expect(await jobRow(t.dataSource, jobId)).toEqual({ status: 'running', processed: 0, total: USER_COUNT });

  // Batches take people in id order. Erasing a person rewrites their stored events, so
  // holding the user.created event of the person halfway into the third batch stops
  // that batch there: two batches committed, half of the third done and not committed.
  const people: { id: string }[] = await t.dataSource.query(
    `SELECT id FROM directory_users WHERE environment_id = $1 ORDER BY id`,
    [directory.environment_id],
  );
  const holder = t.dataSource.createQueryRunner();
  await holder.connect();
  await holder.startTransaction();
  const processes: WorkerProcess[] = [];
  let batchPid = 0;
  try {
    await holder.query(`SELECT id FROM events WHERE subject_id = $1 FOR UPDATE`, [people[2 * BATCH + BATCH / 2].id]);
    const [{ pid }] = await holder.query(`SELECT pg_backend_pid() AS pid`);

    const doomed = await startWorkerProcess(db.url, WORKER_ENV);
    processes.push(doomed);
    [batchPid] = await waitUntil(async () => {
      const pids = await blockedBy(pid);
      return pids.length > 0 && pids;
    }, 60_000, 'the third batch waiting on the held event');
    expect(await jobRow(t.dataSource, jobId)).toEqual({ status: 'running', processed: 2 * BATCH, total: USER_COUNT });

    // The survivor is up before the other dies: only its sweep can notice the death.
    processes.push(await startWorkerProcess(db.url, WORKER_ENV));
    doomed.child.kill('SIGKILL');
    expect(await doomed.exit).toBe('SIGKILL');
  } finally {
    await holder.rollbackTransaction();
    await holder.release();
  }

  try {
    // The dead process's batch ends with its connection, rolled back whole.
    await waitUntil(async () => {
      const [row] = await t.dataSource.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1`, [batchPid]);
      return row.n === 0;
    }, 30_000, 'the dead batch’s connection gone');
    const [{ deleted }] = await t.dataSource.query(
      `SELECT count(*)::int AS deleted FROM events WHERE environment_id = $1 AND type = 'user.deleted'`,
      [directory.environment_id],
    );
    expect(deleted).toBe(2 * BATCH);

    // graphile-worker keeps the dead process's job locked for hours; the sweep carries the switch job on.
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
    const [audit] = await t.dataSource.query(
      `SELECT actor, details FROM audit_log WHERE target_id = $1 AND action = 'policy_switch_job.completed'`,
      [jobId],
    );
    expect(audit).toEqual({ actor: 'admin_key:ADMIN_API_KEY', details: { users_touched: USER_COUNT, total: USER_COUNT } });

    // The survivor stops cleanly, as an orchestrator would stop it.
    expect(await stopWorkerProcess(processes[1])).toBe(0);
  } finally {
    for (const p of processes) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  }
}, 300_000);

test('a running job runner picks a new job up as soon as the switch commits', async () => {
  const directory = await retainDirectory(t.app);
  const scim = scimClient(t.app, directory);
  const created = await scim.post('/Users', { schemas: [USER_SCHEMA], userName: 'eve@acme.test' });
  const deactivated = await scim.patch(`/Users/${created.body.id}`, {
    schemas: [PATCH_OP],
    Operations: [{ op: 'replace', value: { active: false } }],
  });
  expect([created.status, deactivated.status]).toEqual([201, 200]);

  // Polls a minute apart and a sweep an hour apart: within the 20 s below, only the
  // notification of the batch the switch queued can start the job.
  const config = workerConfig(db.url, { WORKER_POLL_MS: '60000', POLICY_SWITCH_SWEEP_SECONDS: '3600' });
  const background = await startBackground({ dataSource: t.dataSource, config, logger: createLogger('silent') });
  try {
    const jobId = await switchToSecure(t.app, directory.environment_id);
    await waitUntil(async () => (await jobRow(t.dataSource, jobId)).status !== 'running', 20_000, 'the job finished');
    expect(await jobRow(t.dataSource, jobId)).toEqual({ status: 'completed', processed: 1, total: 1 });
  } finally {
    await background.stop();
  }
});
