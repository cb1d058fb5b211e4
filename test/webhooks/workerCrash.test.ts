import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { makeDirectory, makeEnvironment } from '../support/factories';
import { TestApp, createTestApp } from '../support/testApp';
import { waitUntil } from '../support/waitUntil';
import { createEndpoint, deliveriesOf, positionedEventIds, provisionUsers, startTestWorker } from './deliveryHarness';
import { startHookSubscriber } from './hookSubscriber';
import { OwnDatabase, createOwnDatabase } from './ownDatabase';

/**
 * A worker process killed (SIGKILL) while a subscriber holds its request open: the
 * claim stays with the dead worker until its lease expires, then another worker
 * sends the delivery again. Nothing is lost; the one attempt that never got an
 * answer is sent twice (at least once).
 */

const ROOT = path.resolve(__dirname, '../..');
// The child's lease: WEBHOOK_TIMEOUT_MS (2 s) plus this margin.
const CHILD_LEASE_MARGIN_SECONDS = 1;

let db: OwnDatabase;
let t: TestApp;
beforeAll(async () => {
  db = await createOwnDatabase('crash');
  t = await createTestApp({ DATABASE_URL: db.url, WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' });
});
afterAll(async () => {
  await t.close();
  await db.drop();
});

function spawnWorker(env: Record<string, string>): { child: ChildProcess; output: () => string; exit: Promise<string | number | null> } {
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/webhooks/workerChild.ts', String(CHILD_LEASE_MARGIN_SECONDS)], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exit = new Promise<string | number | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  return { child, output: () => output, exit };
}

test('a worker killed mid-delivery loses nothing: after its lease expires another worker delivers, in order', async () => {
  let first = true;
  // The first request is never answered: the worker sending it is killed while it waits.
  const sub = await startHookSubscriber(() => (first ? ((first = false), new Promise<number>(() => undefined)) : 200));
  const env = await makeEnvironment(t.app);
  const endpoint = await createEndpoint(t.app, env.id, sub.url());
  const dir = await makeDirectory(t.app, { environment_id: env.id });
  await provisionUsers(t.app, dir, 2);

  const child = spawnWorker({
    DATABASE_URL: db.url,
    WEBHOOK_TIMEOUT_MS: '2000',
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
    WORKER_POLL_MS: '50',
    LOG_LEVEL: 'silent',
  });
  let killed = false;
  try {
    await Promise.race([
      sub.waitFor((rs) => rs.length === 1, 60000, 'the child worker’s first request'),
      child.exit.then((how) => Promise.reject(new Error(`the worker process ended (${how}) before sending: ${child.output()}`))),
    ]);
    child.child.kill('SIGKILL');
    killed = true;
    expect(await child.exit).toBe('SIGKILL');
  } finally {
    if (!killed) child.child.kill('SIGKILL');
  }

  const events = await positionedEventIds(t.dataSource, env.id);
  expect(events).toHaveLength(3);
  expect(sub.requests.map((r) => r.eventId)).toEqual([events[0]]);
  // The dead worker's claim: still delivering, one attempt, leased for timeout + margin.
  const [claim] = await t.dataSource.query(
    `SELECT status, attempts, lease_expires_at, extract(epoch FROM lease_expires_at - updated_at)::int AS lease_seconds
       FROM webhook_deliveries WHERE endpoint_id = $1 AND event_id = $2`,
    [endpoint.id, events[0]],
  );
  expect(claim).toEqual({ status: 'delivering', attempts: 1, lease_expires_at: expect.any(Date), lease_seconds: 3 });

  const worker = await startTestWorker(t.dataSource, { WEBHOOK_TIMEOUT_MS: '1000' });
  try {
    await sub.waitFor((rs) => rs.filter((r) => r.status === 200).length === 3, 30000, 'three accepted deliveries');
    const rows = await waitUntil(async () => {
      const r = await deliveriesOf(t.dataSource, endpoint.id);
      return r.every((d) => d.status === 'succeeded') && r;
    });
    expect(rows.map((r) => [r.event_id, r.status, r.attempts, r.last_status_code])).toEqual([
      [events[0], 'succeeded', 2, 200],
      [events[1], 'succeeded', 1, 200],
      [events[2], 'succeeded', 1, 200],
    ]);
  } finally {
    await worker.stop();
    await sub.close();
  }
  // The unanswered attempt came again, and the later events waited behind it.
  expect(sub.requests.map((r) => [r.eventId, r.status])).toEqual([
    [events[0], undefined],
    [events[0], 200],
    [events[1], 200],
    [events[2], 200],
  ]);
  // Sent again only once the dead worker's lease had run out.
  expect(sub.requests[1].receivedAt).toBeGreaterThanOrEqual(new Date(claim.lease_expires_at).getTime());
}, 120000);
