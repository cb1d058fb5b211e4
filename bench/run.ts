import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { measureActivity, renderActivity } from './activity';
import { formatProfile, summariseProfile } from './cpuProfile';
import { prepareDatabase, withClient } from './database';
import { explainShapes } from './explain';
import { ScenarioResult, runScenario } from './load';
import { measureEvents } from './events';
import { eventsSectionKey, renderEvents } from './eventsReport';
import { describeMachine } from './machine';
import { BenchOptions, ScenarioName, parseOptions } from './options';
import { highWaterMiB, rssMiB } from './processStats';
import { updateReadme } from './readme';
import { RunRecord, formatResultLine, renderRun } from './report';
import { measureScaling, renderScaling } from './scaling';
import { SCENARIOS } from './scenarios';
import { seedDirectory } from './seed';
import { RunningServer, RunningWorker, buildServer, startServer, startWorkerProcess } from './server';

// Reads before writes, and POST last: it grows the directory, and the other scenarios
// should see exactly the seeded user count.
const RUN_ORDER: ScenarioName[] = ['filter', 'get', 'list', 'patch', 'post'];

// The bench's webhook subscriber listens on 127.0.0.1, which the URL policy refuses by default.
const SUBSCRIBER_ON_LOOPBACK = { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' };

const log = (line: string) => process.stdout.write(`${line}\n`);

/**
 * `npm run bench`: builds and starts the real server against a real PostgreSQL, seeds a
 * directory, fires each scenario at it with autocannon, records EXPLAIN plans of the SQL
 * behind them, and writes the results into bench/README.md.
 */
async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  if (!opts.skipBuild) {
    log('building (tsc -p tsconfig.build.json)…');
    buildServer();
  }
  const db = await prepareDatabase(process.env.DATABASE_URL);
  log(`database: ${db.url}${db.created ? ' (created for this run; dropped at the end)' : ''}`);
  const profileDir = opts.cpuProf ? fs.mkdtempSync(path.join(os.tmpdir(), 'dsync-bench-prof-')) : undefined;
  const adminKey = randomBytes(24).toString('hex');
  let server: RunningServer | undefined;
  let worker: RunningWorker | undefined;
  const cleanUp = async () => {
    await worker?.stop();
    await server?.stop();
    await db.drop();
  };
  // Ctrl-C: stop the server and drop the database rather than leave them behind.
  process.once('SIGINT', () => {
    log('interrupted; stopping the server and cleaning up…');
    cleanUp().finally(() => process.exit(130));
  });
  try {
    server = await startServer({
      databaseUrl: db.url,
      adminKey,
      logLevel: opts.logLevel,
      cpuProfDir: profileDir,
      nodeFlags: opts.nodeFlags,
      // The event mode needs a worker (in the server unless --worker-process) and a loopback subscriber.
      env: opts.events ? { RUN_WORKER: String(!opts.workerProcess), ...SUBSCRIBER_ON_LOOPBACK } : undefined,
    });
    log(`server: pid ${server.pid} at ${server.baseUrl}, log ${server.logPath}`);
    const running = server;
    if (opts.events) {
      if (opts.workerProcess) {
        worker = await startWorkerProcess({ databaseUrl: db.url, logLevel: opts.logLevel, nodeFlags: opts.nodeFlags, env: SUBSCRIBER_ON_LOOPBACK });
        log(`worker: pid ${worker.pid}, log ${worker.logPath}`);
      }
      const workerPid = worker?.pid;
      const record = await withClient(db.url, (client) => measureEvents(client, { ...running, workerPid }, adminKey, opts, log));
      await worker?.stop();
      await server.stop();
      if (profileDir) log(formatProfile(summariseProfile(profileDir)));
      for (const shape of record.claims) {
        for (const q of shape.queries) if (q.warnings.length > 0) log(`plan warning, ${shape.title}: ${q.warnings.join('; ')}`);
      }
      report(opts, eventsSectionKey(record), renderEvents(record));
      return;
    }
    if (opts.activity) {
      const record = await withClient(db.url, (client) => measureActivity(client, running, adminKey, opts, log));
      await server.stop();
      report(opts, `activity-users=${record.users}`, renderActivity(record));
      return;
    }
    if (opts.scaling) {
      const record = await withClient(db.url, (client) => measureScaling(client, running, adminKey, opts, log));
      await server.stop();
      if (profileDir) log(formatProfile(summariseProfile(profileDir)));
      report(opts, 'scaling', renderScaling(record));
      return;
    }
    const record = await withClient(db.url, (client) => measure(client, running, adminKey, opts));
    // The profile is written when the server exits.
    await server.stop();
    if (profileDir) {
      record.profile = summariseProfile(profileDir);
      log(formatProfile(record.profile));
    }
    for (const shape of record.explain?.shapes ?? []) {
      for (const q of shape.queries) if (q.warnings.length > 0) log(`plan warning, ${shape.title}: ${q.warnings.join('; ')}`);
    }
    report(opts, `users=${record.users}`, renderRun(record));
  } finally {
    await cleanUp();
  }
}

function report(opts: BenchOptions, key: string, section: string): void {
  if (opts.noReadme) {
    // The table only: plans and profiles are long, and the terminal already showed their warnings.
    log(`\n${section.replace(/<details>[\s\S]*?<\/details>/g, '').replace(/<!-- bench:\S+ .* -->/g, '').trim()}`);
    return;
  }
  updateReadme(opts.readmePath, key, section);
  log(`results written to ${path.relative(process.cwd(), opts.readmePath)}`);
}

async function measure(client: Client, server: RunningServer, adminKey: string, opts: BenchOptions): Promise<RunRecord> {
  const runId = Date.now().toString(36);
  const { tenant, ids } = await seedDirectory(client, server.baseUrl, adminKey, opts.users, runId, log);
  const machine = await describeMachine(client);
  const ctx = { tenant, userCount: opts.users, ids, runId };
  const idleRssMiB = rssMiB(server.pid);
  log(`server RSS before the first scenario: ${idleRssMiB.toFixed(0)} MiB; load average ${machine.loadBefore.toFixed(2)}`);
  const results: ScenarioResult[] = [];
  for (const name of RUN_ORDER.filter((n) => opts.only.includes(n))) {
    const scenario = SCENARIOS.find((s) => s.name === name)!;
    log(`${name}: ${opts.warmup} s warm-up, ${opts.duration} s measured, ${opts.connections} connections…`);
    const result = await runScenario(scenario, ctx, server.pid, opts);
    results.push(result);
    log(`  ${formatResultLine(result)}`);
  }
  log('EXPLAIN (ANALYZE, BUFFERS) of the SQL behind each scenario…');
  const explain = await explainShapes(client, tenant, opts.users, ids[0]);
  return {
    loadAfter: os.loadavg()[0],
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    users: opts.users,
    connections: opts.connections,
    durationS: opts.duration,
    warmupS: opts.warmup,
    logLevel: opts.logLevel,
    nodeFlags: opts.nodeFlags,
    machine,
    results,
    idleRssMiB,
    lifetimeHwmMiB: highWaterMiB(server.pid),
    explain,
  };
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
