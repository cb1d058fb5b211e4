import { Client } from 'pg';
import { DsyncProcess, PROCESS_ADMIN_KEY, ScratchDatabase, createScratchDatabase, startDsyncProcess } from '../support/serverProcess';
import { USER_SCHEMA } from '../support/scimClient';
import { waitUntil } from '../support/waitUntil';

/**
 * Idle scans across real server processes: two processes asked to scan one directory at
 * once act on each person once; a process killed in the middle of a scan leaves its
 * committed batches done and the rest to the next scan, which does nothing twice.
 * Small batches (IDLE_SCAN_BATCH_SIZE=5) make a scan many transactions; the job runner
 * is off (RUN_WORKER=false) so only the scans the test asks for run.
 */

let db: ScratchDatabase;
let a: DsyncProcess;
let b: DsyncProcess;
let sql: Client;
const env = { RUN_WORKER: 'false', IDLE_SCAN_BATCH_SIZE: '5' };

beforeAll(async () => {
  db = await createScratchDatabase('idle_scans');
  a = await startDsyncProcess({ databaseUrl: db.url, env });
  b = await startDsyncProcess({ databaseUrl: db.url, env });
  sql = new Client({ connectionString: db.url });
  await sql.connect();
}, 60_000);
afterAll(async () => {
  await sql?.end();
  await Promise.all([a?.stop(), b?.stop()]);
  await db?.drop();
});

async function api(server: DsyncProcess, method: string, path: string, body?: unknown, token = PROCESS_ADMIN_KEY) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': path.startsWith('/scim') ? 'application/scim+json' : 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** A directory of `n` people provisioned 90 days ago, under a 30-day notify rule that began 60 days ago: all due. */
async function directoryOfIdlePeople(n: number): Promise<string> {
  const e = await api(a, 'POST', '/api/v1/environments', { name: `scans ${n}`, inactive_policy: 'retain' });
  const d = await api(a, 'POST', '/api/v1/directories', { environment_id: e.body.id, name: `scans ${n}`, provider: 'okta', organization_name: 'Acme' });
  const scim = (i: number) => api(a, 'POST', `/scim/v2/${d.body.id}/Users`, { schemas: [USER_SCHEMA], userName: `p${i}@acme.test` }, d.body.bearer_token);
  for (let i = 0; i < n; i += 10) {
    const created = await Promise.all(Array.from({ length: Math.min(10, n - i) }, (_, k) => scim(i + k)));
    expect(created.map((r) => r.status)).toEqual(created.map(() => 201));
  }
  expect((await api(a, 'PUT', `/api/v1/directories/${d.body.id}/idle-rule`, { after: 'P30D', action: 'notify' })).status).toBe(200);
  await sql.query(`UPDATE directory_users SET created_at = now() - interval '90 days' WHERE directory_id = $1`, [d.body.id]);
  await sql.query(`UPDATE idle_rules SET enabled_at = now() - interval '60 days' WHERE directory_id = $1`, [d.body.id]);
  return d.body.id;
}

/** How many people are flagged, how many user.idle events exist, and how many people have more than one. */
async function tally(directoryId: string) {
  const [row] = (
    await sql.query(
      `SELECT (SELECT count(*)::int FROM person_activity WHERE directory_id = $1 AND idle_since IS NOT NULL) AS flagged,
              (SELECT count(*)::int FROM events WHERE directory_id = $1 AND type = 'user.idle') AS events,
              (SELECT count(*)::int FROM (SELECT subject_id FROM events WHERE directory_id = $1 AND type = 'user.idle'
                                          GROUP BY subject_id HAVING count(*) > 1) twice) AS twice`,
      [directoryId],
    )
  ).rows;
  return row as { flagged: number; events: number; twice: number };
}

test('two processes asked to scan one directory at once: each person is acted on once', async () => {
  const directoryId = await directoryOfIdlePeople(40);
  const [fromA, fromB] = await Promise.all([
    api(a, 'POST', `/api/v1/directories/${directoryId}/idle-scan`),
    api(b, 'POST', `/api/v1/directories/${directoryId}/idle-scan`),
  ]);
  // One scans; the other finds it running (409) or, if it came after, nothing left (200, []).
  const acted = [fromA, fromB].filter((r) => r.status === 200).flatMap((r) => r.body.data as { directory_user_id: string }[]);
  expect([fromA.status, fromB.status].every((s) => s === 200 || s === 409)).toBe(true);
  expect(new Set(acted.map((x) => x.directory_user_id)).size).toBe(40);
  expect(acted).toHaveLength(40);
  expect(await tally(directoryId)).toEqual({ flagged: 40, events: 40, twice: 0 });
});

test('a process killed mid-scan: the next scan finishes the rest and does nothing twice', async () => {
  const victim = await startDsyncProcess({ databaseUrl: db.url, env });
  const directoryId = await directoryOfIdlePeople(300);
  const scan = api(victim, 'POST', `/api/v1/directories/${directoryId}/idle-scan`).catch(() => undefined);
  await waitUntil(async () => (await tally(directoryId)).flagged > 0, 30_000, 'a first batch committed');
  await victim.kill();
  await scan;
  const mid = await tally(directoryId);
  // Killed between batches or inside one: what committed is whole batches, each with its events.
  expect(mid.flagged).toBeLessThan(300);
  expect(mid.flagged % 5).toBe(0);
  expect(mid.events).toBe(mid.flagged);
  // The killed process's advisory lock goes with its connection; until then the API says 409.
  const rest = await waitUntil(async () => {
    const r = await api(a, 'POST', `/api/v1/directories/${directoryId}/idle-scan`);
    return r.status === 200 ? r : undefined;
  }, 30_000, 'the next scan ran');
  expect(rest.body.data).toHaveLength(300 - mid.flagged);
  expect(await tally(directoryId)).toEqual({ flagged: 300, events: 300, twice: 0 });
}, 120_000);
