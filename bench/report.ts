import { ProfileSummary } from './cpuProfile';
import { ExplainReport } from './explain';
import { ScenarioResult } from './load';
import { MachineInfo } from './machine';
import { SCENARIO_NAMES } from './options';
import { sectionMarker } from './readme';

/** Everything one `npm run bench` measured. */
export type RunRecord = {
  date: string;
  users: number;
  connections: number;
  durationS: number;
  warmupS: number;
  logLevel: string;
  nodeFlags: string[];
  machine: MachineInfo;
  /** 1-minute load average after the last scenario (others share this machine). */
  loadAfter: number;
  results: ScenarioResult[];
  /** The server's RSS after start-up and seeding, before the first scenario. */
  idleRssMiB: number;
  /** The server's lifetime peak RSS (VmHWM), seeding included. */
  lifetimeHwmMiB: number;
  explain?: ExplainReport;
  profile?: ProfileSummary;
};

/** The part of a run the scaling comparison needs, kept as JSON inside the README section. */
export type RunData = {
  users: number;
  date: string;
  loadBefore: number;
  scenarios: Record<string, { reqPerSec: number; p50Ms: number; p99Ms: number; cpuMsPerRequest: number }>;
  /** PostgreSQL execution time of each scenario's statements, summed (EXPLAIN ANALYZE, one execution). */
  sqlMs: Record<string, number>;
};

const n0 = (x: number) => Math.round(x).toLocaleString('en-US');
const ms = (x: number) => (x < 10 ? x.toFixed(1) : x.toFixed(0));

/**
 * Server CPU time per request, in ms. On a shared machine this is steadier than req/s:
 * it does not depend on how much of a core the server was given.
 */
export function cpuMsPerRequest(r: ScenarioResult): number {
  return r.requests > 0 ? ((r.usage.serverCpuPct / 100) * r.durationS * 1000) / r.requests : 0;
}

/** The target misses of one result, as short phrases; empty when every target is met. */
export function missesOf(r: ScenarioResult): string[] {
  const t = r.targets;
  const misses: string[] = [];
  if (t.reqPerSec !== undefined && r.reqPerSec < t.reqPerSec) misses.push(`req/s ${n0(r.reqPerSec)} < ${n0(t.reqPerSec)}`);
  if (r.p99Ms > t.p99Ms) misses.push(`p99 ${ms(r.p99Ms)} ms > ${t.p99Ms} ms`);
  if (r.usage.peakRssMiB > t.peakRssMiB) misses.push(`RSS ${n0(r.usage.peakRssMiB)} MiB > ${t.peakRssMiB} MiB`);
  if (r.non2xx > 0 || r.errors > 0) misses.push(`${r.non2xx} non-2xx, ${r.errors} errors`);
  return misses;
}

/** One line per scenario for the terminal, printed as each finishes. */
export function formatResultLine(r: ScenarioResult): string {
  const misses = missesOf(r);
  return [
    `${r.name.padEnd(7)}${n0(r.reqPerSec).padStart(7)} req/s`,
    `p50 ${ms(r.p50Ms).padStart(4)} ms`,
    `p99 ${ms(r.p99Ms).padStart(4)} ms`,
    `non-2xx ${r.non2xx}`,
    `errors ${r.errors}`,
    `peak RSS ${n0(r.usage.peakRssMiB)} MiB`,
    `CPU server ${n0(r.usage.serverCpuPct)} % / bench ${n0(r.usage.clientCpuPct)} % / machine ${n0(r.usage.machineCpuPct)} %`,
    `server CPU ${cpuMsPerRequest(r).toFixed(2)} ms/req`,
    misses.length === 0 ? 'meets targets' : `MISSES: ${misses.join('; ')}`,
  ].join('  ');
}

/** The README section of one run, tagged with its user count so a rerun at that count replaces it. */
export function renderRun(run: RunRecord): string {
  const m = run.machine;
  const byName = new Map(run.results.map((r) => [r.name, r]));
  const ordered = SCENARIO_NAMES.map((n) => byName.get(n)).filter((r): r is ScenarioResult => r !== undefined);
  const lines = [
    sectionMarker(`users=${run.users}`),
    `### ${n0(run.users)} users`,
    '',
    `Run ${run.date} · ${m.cpus} CPUs (${m.cpuModel}), ${m.memoryGiB.toFixed(1)} GiB RAM · PostgreSQL ${m.postgres} · Node ${m.node} · ` +
      `${n0(run.users)} seeded users · ${run.connections} connections, ${run.durationS} s per scenario after ${run.warmupS} s warm-up · ` +
      `LOG_LEVEL=${run.logLevel}, DB_POOL_SIZE=${m.poolSize}${run.nodeFlags.length > 0 ? `, node ${run.nodeFlags.join(' ')}` : ''} · ` +
      `load average before: ${m.loadBefore.toFixed(2)}, after: ${run.loadAfter.toFixed(2)}`,
    '',
    '| scenario | req/s | target req/s | p50 ms | p99 ms (target ≤ 25) | non-2xx | errors | peak RSS MiB (target ≤ 150) | CPU % server / bench / machine | server CPU ms/req (≈ req/s per core) | verdict |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...ordered.map((r) => {
      const misses = missesOf(r);
      const cpu = `${n0(r.usage.serverCpuPct)} / ${n0(r.usage.clientCpuPct)} / ${n0(r.usage.machineCpuPct)}`;
      const perRequest = cpuMsPerRequest(r);
      const perCore = perRequest > 0 ? `${perRequest.toFixed(2)} (≈ ${n0(1000 / perRequest)})` : '—';
      return `| ${r.title} | ${n0(r.reqPerSec)} | ${r.targets.reqPerSec ? `≥ ${n0(r.targets.reqPerSec)}` : '—'} | ${ms(r.p50Ms)} | ${ms(r.p99Ms)} | ${r.non2xx} | ${r.errors} | ${n0(r.usage.peakRssMiB)} | ${cpu} | ${perCore} | ${misses.length === 0 ? 'meets' : `**misses**: ${misses.join('; ')}`} |`;
    }),
    '',
    `Server RSS before the first scenario: ${n0(run.idleRssMiB)} MiB; peak over its whole life (VmHWM): ${n0(run.lifetimeHwmMiB)} MiB. CPU is in % of one core; the machine has ${m.cpus}, so ${m.cpus * 100} % is all of it.`,
  ];
  const notOk = ordered.filter((r) => r.non2xx > 0);
  for (const r of notOk) lines.push(`${r.name} statuses: ${JSON.stringify(r.statuses)}`);
  if (run.explain) lines.push('', ...renderExplain(run.explain));
  if (run.profile) lines.push('', ...renderProfile(run.profile));
  lines.push('', `<!-- bench:data ${JSON.stringify(dataOf(run, ordered))} -->`);
  return lines.join('\n');
}

function dataOf(run: RunRecord, results: ScenarioResult[]): RunData {
  const sqlMs: Record<string, number> = {};
  for (const shape of run.explain?.shapes ?? []) {
    if (!shape.scenario) continue;
    sqlMs[shape.scenario] = round((sqlMs[shape.scenario] ?? 0) + shape.queries.reduce((sum, q) => sum + q.executionMs, 0));
  }
  return {
    users: run.users,
    date: run.date,
    loadBefore: round(run.machine.loadBefore),
    scenarios: Object.fromEntries(
      results.map((r) => [
        r.name,
        { reqPerSec: round(r.reqPerSec), p50Ms: round(r.p50Ms), p99Ms: round(r.p99Ms), cpuMsPerRequest: round(cpuMsPerRequest(r)) },
      ]),
    ),
    sqlMs,
  };
}

const round = (x: number) => Math.round(x * 100) / 100;

function renderExplain(e: ExplainReport): string[] {
  const lines = [
    `<details><summary>EXPLAIN (ANALYZE, BUFFERS) of every statement the scenarios send, at ${n0(e.rows)} users in the directory (scim_users ${e.tableSize} in all)</summary>`,
    '',
    'Indexes on scim_users:',
    '',
    '```sql',
    ...e.indexes.map((i) => `${i};`),
    '```',
  ];
  for (const shape of e.shapes) {
    lines.push('', `#### ${shape.title}`);
    for (const q of shape.queries) {
      lines.push('', '```sql', q.sql, `-- parameters: ${JSON.stringify(q.params).slice(0, 300)}`, '```', '', '```', q.plan, '```');
      lines.push(q.warnings.length === 0 ? 'Bounded: no sequential scan, and no sort or count over the directory.' : `**Not bounded by the page:** ${q.warnings.join('; ')}.`);
    }
  }
  lines.push('', '</details>');
  return lines;
}

function renderProfile(p: ProfileSummary): string[] {
  return [
    `<details><summary>Server CPU profile (node --cpu-prof, ${(p.busyMs / 1000).toFixed(1)} s busy, idle excluded)</summary>`,
    '',
    '| self time by area | % |',
    '| --- | ---: |',
    ...p.areas.slice(0, 15).map((a) => `| ${a.area} | ${a.pct.toFixed(1)} |`),
    '',
    '| self time by function | where | % |',
    '| --- | --- | ---: |',
    ...p.functions.slice(0, 20).map((f) => `| \`${f.name}\` | ${f.where} | ${f.pct.toFixed(1)} |`),
    '',
    '| our functions, inclusive time | where | % |',
    '| --- | --- | ---: |',
    ...p.ours.slice(0, 20).map((f) => `| \`${f.name}\` | ${f.where} | ${f.pct.toFixed(1)} |`),
    '',
    '</details>',
  ];
}
