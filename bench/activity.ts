import autocannon from 'autocannon';
import os from 'node:os';
import { Client } from 'pg';
import { Latencies } from './latencies';
import { fire } from './load';
import { watchProcess } from './processStats';
import { adminHeaders, call, seedDirectory } from './seed';
import { RunningServer } from './server';
import { seededNaming } from './userBody';

/** What `--activity` measured: the activity stream's throughput, and idle scans over the seeded directory. */
export type ActivityRecord = {
  date: string;
  users: number;
  batch: number;
  connections: number;
  durationS: number;
  ingest: { requests: number; signalsPerSec: number; reqPerSec: number; p50Ms: number; p99Ms: number; non2xx: number; serverCpuPct: number };
  scans: { title: string; people: number; flagged: number; seconds: number }[];
  loadBefore: number;
  loadAfter: number;
};

const BATCH = 100;
const DAY = 86_400_000;

/**
 * `npm run bench -- --activity`: seeds `users` people, then (1) fires POST
 * /api/v1/activity with batches of 100 sign-ins for random seeded people, dated within
 * the last 60 days, at `connections` connections for `duration` seconds; (2) times a scan
 * that flags everyone not seen for 30 days (notify: one event and one audit entry each),
 * and a scan right after it with nobody due. Scans run through the API, as support would.
 */
export async function measureActivity(
  db: Client,
  server: RunningServer,
  adminKey: string,
  opts: { users: number; connections: number; duration: number; warmup: number },
  log: (line: string) => void,
): Promise<ActivityRecord> {
  const loadBefore = os.loadavg()[0];
  const { tenant } = await seedDirectory(db, server.baseUrl, adminKey, opts.users, `activity-${Date.now().toString(36)}`, log, 'retain');
  // Every seeded person provisioned 90 days ago, so the scan's clock is theirs, not their seeding time's.
  await db.query(`UPDATE directory_users SET created_at = now() - interval '90 days' WHERE directory_id = $1`, [tenant.directoryId]);

  const body = () =>
    JSON.stringify({
      signals: Array.from({ length: BATCH }, () => ({
        directory_id: tenant.directoryId,
        user: { user_name: seededNaming(Math.floor(Math.random() * opts.users)).userName },
        occurred_at: new Date(Date.now() - Math.random() * 60 * DAY).toISOString(),
        kind: 'sign_in',
      })),
    });
  const options: autocannon.Options = {
    url: server.baseUrl,
    connections: opts.connections,
    headers: adminHeaders(adminKey),
    requests: [{ method: 'POST', setupRequest: (req) => ({ ...req, path: '/api/v1/activity', body: body() }) }],
  };
  log(`activity: ${opts.warmup} s warm-up, ${opts.duration} s measured, ${opts.connections} connections, ${BATCH} signals per request…`);
  if (opts.warmup > 0) await fire({ ...options, duration: opts.warmup }, new Latencies());
  const latencies = new Latencies();
  const watch = watchProcess(server.pid);
  const r = await fire({ ...options, duration: opts.duration }, latencies);
  const usage = watch.stop();
  const reqPerSec = latencies.count / r.duration;
  const ingest = {
    requests: latencies.count,
    reqPerSec,
    signalsPerSec: reqPerSec * BATCH,
    p50Ms: latencies.percentile(50),
    p99Ms: latencies.percentile(99),
    non2xx: r.non2xx,
    serverCpuPct: usage.serverCpuPct,
  };
  log(`  ${Math.round(ingest.signalsPerSec).toLocaleString("en-US")} signals/s (${reqPerSec.toFixed(0)} req/s), p99 ${ingest.p99Ms.toFixed(0)} ms, non-2xx ${ingest.non2xx}, errors ${r.errors}, timeouts ${r.timeouts}`);

  const admin = adminHeaders(adminKey);
  await call(`${server.baseUrl}/api/v1/directories/${tenant.directoryId}/idle-rule`, 'PUT', admin, { after: 'P30D', action: 'notify' }, 200);
  await db.query(`UPDATE idle_rules SET enabled_at = now() - interval '90 days' WHERE directory_id = $1`, [tenant.directoryId]);
  const [{ due }] = (
    await db.query(
      `SELECT count(*)::int AS due FROM directory_users du LEFT JOIN person_activity pa ON pa.scim_user_id = du.scim_user_id
        WHERE du.directory_id = $1 AND coalesce(pa.last_seen_at, du.created_at) <= now() - interval '30 days'`,
      [tenant.directoryId],
    )
  ).rows;
  const scans: ActivityRecord['scans'] = [];
  for (const title of [`scan flagging everyone not seen for 30 days (${due.toLocaleString('en-US')} due)`, 'the next scan (nobody due)']) {
    const started = process.hrtime.bigint();
    const res = await call<{ data: unknown[] }>(`${server.baseUrl}/api/v1/directories/${tenant.directoryId}/idle-scan`, 'POST', admin, undefined, 200);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    scans.push({ title, people: opts.users, flagged: res.data.length, seconds });
    log(`  ${title}: ${res.data.length.toLocaleString('en-US')} flagged in ${seconds.toFixed(2)} s`);
  }
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    users: opts.users,
    batch: BATCH,
    connections: opts.connections,
    durationS: opts.duration,
    ingest,
    scans,
    loadBefore,
    loadAfter: os.loadavg()[0],
  };
}

/** The markdown section of an --activity run. */
export function renderActivity(r: ActivityRecord): string {
  const i = r.ingest;
  return [
    `### Activity and idle scans, ${r.users.toLocaleString('en-US')} people (${r.date})`,
    '',
    `Load average ${r.loadBefore.toFixed(2)} before, ${r.loadAfter.toFixed(2)} after.`,
    '',
    '| measure | result |',
    '| --- | --- |',
    `| POST /api/v1/activity, ${r.batch} signals per request, ${r.connections} connections, ${r.durationS} s | ${Math.round(i.signalsPerSec).toLocaleString('en-US')} signals/s (${i.reqPerSec.toFixed(0)} req/s), p50 ${i.p50Ms.toFixed(0)} ms, p99 ${i.p99Ms.toFixed(0)} ms, non-2xx ${i.non2xx}, server CPU ${i.serverCpuPct.toFixed(0)} % |`,
    ...r.scans.map((s) => `| ${s.title} | ${s.flagged.toLocaleString('en-US')} flagged in ${s.seconds.toFixed(2)} s |`),
    '',
  ].join('\n');
}
