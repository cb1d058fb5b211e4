import fs from 'node:fs';
import type { RunData } from './report';

const BEGIN = '<!-- bench:results BEGIN (written by `npm run bench`; edits inside are replaced) -->';
const END = '<!-- bench:results END -->';
const SECTION = /^<!-- bench:run (\S+) -->$/m;
const DATA = /<!-- bench:data (.*) -->/;
/** The spec's bound on filter latency growth from 10,000 to 1,000,000 users. */
export const SCALING_LIMIT = 1.3;

/**
 * Writes a section into the README between the results markers: the section with the
 * same key (`users=10000`, `scaling`) is replaced, others are kept, and the comparison
 * across runs is recomputed from the data each run section carries. Text outside the
 * markers is never touched.
 */
export function updateReadme(file: string, key: string, section: string): void {
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  const [before, region, after] =
    start >= 0 && end > start
      ? [text.slice(0, start), text.slice(start + BEGIN.length, end), text.slice(end + END.length)]
      : [`${text.trimEnd()}\n\n`, '', '\n'];
  const sections = new Map(splitSections(region));
  sections.set(key, section);
  const ordered = [...sections.entries()].sort((a, b) => order(a[0]) - order(b[0])).map(([, s]) => s.trim());
  const body = [renderAcrossRuns(ordered.map(dataOf).filter((d): d is RunData => d !== undefined)), ...ordered].join('\n\n');
  fs.writeFileSync(file, `${before}${BEGIN}\n\n${body}\n\n${END}${after}`);
}

/** The marker line a section starts with. */
export function sectionMarker(key: string): string {
  return `<!-- bench:run ${key} -->`;
}

// The interleaved scaling section first, then runs by user count, then event latency.
function order(key: string): number {
  const users = /^users=(\d+)$/.exec(key);
  if (users) return Number(users[1]);
  if (key === 'events') return Number.MAX_SAFE_INTEGER - 1;
  return key.startsWith('events') ? Number.MAX_SAFE_INTEGER : -1;
}

function splitSections(region: string): [string, string][] {
  const parts = region.split(/(?=^<!-- bench:run \S+ -->$)/m);
  return parts.flatMap((part): [string, string][] => {
    const m = SECTION.exec(part);
    return m ? [[m[1], part]] : [];
  });
}

function dataOf(section: string): RunData | undefined {
  const m = DATA.exec(section);
  return m ? (JSON.parse(m[1]) as RunData) : undefined;
}

// Filter latency must stay within 1.3× of its 10,000-user value as the directory grows.
function renderAcrossRuns(runs: RunData[]): string {
  const withFilter = runs.filter((r) => r.scenarios.filter);
  const lines = ['### Filter by userName across the runs below', ''];
  if (withFilter.length < 2) {
    lines.push('Needs runs at two user counts (e.g. `--users 10000` and `--users 1000000 --only filter,get`).');
    return lines.join('\n');
  }
  const base = withFilter[0];
  const b = base.scenarios.filter;
  lines.push(
    `Target: latency at the larger directory within ${SCALING_LIMIT}× of that at ${base.users.toLocaleString('en-US')} users.`,
    'These runs happened minutes apart on a shared machine, so their latencies also differ by whatever else was',
    'running (see the load averages); the interleaved comparison below is the fairer test. Server CPU per request',
    'and the PostgreSQL execution time of the filter\'s statements are what could grow with the directory.',
    '',
    '| users | run | load before | filter req/s | p50 ms | p99 ms | p50 ratio | p99 ratio | verdict | server CPU ms/req | SQL ms | GET by id req/s | GET by id p99 ms |',
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |',
  );
  for (const run of withFilter) {
    const f = run.scenarios.filter;
    const p50 = f.p50Ms / Math.max(b.p50Ms, 0.01);
    const p99 = f.p99Ms / Math.max(b.p99Ms, 0.01);
    const verdict =
      run === base ? 'baseline' : p50 <= SCALING_LIMIT && p99 <= SCALING_LIMIT ? 'meets' : p50 <= SCALING_LIMIT ? 'p50 meets, **p99 misses**' : '**misses**';
    const g = run.scenarios.get;
    const cells = [
      run.users.toLocaleString('en-US'),
      run.date.slice(0, 16),
      orDash(run.loadBefore),
      Math.round(f.reqPerSec),
      f.p50Ms,
      f.p99Ms,
      `${p50.toFixed(2)}×`,
      `${p99.toFixed(2)}×`,
      verdict,
      orDash(f.cpuMsPerRequest),
      orDash(run.sqlMs?.filter),
      g ? Math.round(g.reqPerSec) : '—',
      g ? g.p99Ms : '—',
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

const orDash = (v: number | undefined) => (v === undefined ? '—' : String(v));
