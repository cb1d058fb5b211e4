import { DataSource } from 'typeorm';
import { Worker } from '../../src/jobs/eventWorker';
import { makeDirectory, makeEnvironment } from '../support/factories';
import { TestApp, createTestApp } from '../support/testApp';
import { waitUntil } from '../support/waitUntil';
import { FAST_WORKER, createEndpoint, provisionUsers, startTestWorker } from './deliveryHarness';
import { HookSubscriber, startHookSubscriber } from './hookSubscriber';
import { OwnDatabase, createOwnDatabase } from './ownDatabase';

let db: OwnDatabase;
let t: TestApp;
let worker: Worker;
let sub: HookSubscriber;

beforeAll(async () => {
  db = await createOwnDatabase('listener');
  t = await createTestApp({ DATABASE_URL: db.url, ...FAST_WORKER });
  sub = await startHookSubscriber();
  // Polling a minute apart: only a notification can wake this worker within the test's 10 s.
  worker = await startTestWorker(t.dataSource, { WORKER_POLL_MS: '60000' });
});
afterAll(async () => {
  await worker?.stop();
  await sub.close();
  await t.close();
  await db.drop();
});

async function listenerPids(ds: DataSource): Promise<number[]> {
  const rows: { pid: number }[] = await ds.query(
    `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'dsync-listener'`,
  );
  return rows.map((r) => r.pid);
}

test('the worker reconnects its LISTEN connection after it is killed, and notifications wake it again', async () => {
  const [first] = await waitUntil(async () => {
    const pids = await listenerPids(t.dataSource);
    return pids.length === 1 && pids;
  });
  await t.dataSource.query(`SELECT pg_terminate_backend($1)`, [first]);
  await waitUntil(async () => {
    const pids = await listenerPids(t.dataSource);
    return pids.length === 1 && pids[0] !== first;
  }, 20000, 'a new listener connection');

  const env = await makeEnvironment(t.app);
  await createEndpoint(t.app, env.id, sub.url('/hooks'));
  const dir = await makeDirectory(t.app, { environment_id: env.id });
  await provisionUsers(t.app, dir, 2);
  await sub.waitFor((r) => r.filter((x) => x.status === 200).length >= 3, 10000, 'three deliveries');
  const types = sub.requests.map((r) => JSON.parse(r.body).type);
  expect(types).toEqual(['directory.activated', 'user.created', 'user.created']);
});
