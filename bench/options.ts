import path from 'node:path';
import { parseArgs } from 'node:util';

/** The scenarios the benchmark knows, in the order the report lists them. */
export const SCENARIO_NAMES = ['post', 'filter', 'patch', 'get', 'list'] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/** What one `npm run bench` does; every flag has a default that reproduces the recorded run. */
export type BenchOptions = {
  /** Users seeded into the directory before any scenario runs. */
  users: number;
  /**
   * Interleaved scaling mode: seed a second directory of `baselineUsers` beside the one of
   * `users`, and run the scenarios against each in turn, `rounds` times.
   */
  scaling: boolean;
  baselineUsers: number;
  rounds: number;
  /**
   * Event-latency mode: a webhook subscriber in the bench process, SCIM writes at a fixed
   * rate, and the time from each event's creation to its signed delivery.
   */
  events: boolean;
  /** Writes per second of the event-latency mode, one measured run per rate, in the order given. */
  rates: number[];
  /** Activity mode: the activity stream's throughput and idle scans over the seeded directory. */
  activity: boolean;
  /** Event-latency mode with the worker in its own process (`npm run worker`; the server runs with RUN_WORKER=false). */
  workerProcess: boolean;
  /** Seconds each scenario is measured for. */
  duration: number;
  /** Seconds each scenario runs, unmeasured, before it is measured (JIT, pool and cache warm-up). */
  warmup: number;
  /** Concurrent HTTP connections per scenario. */
  connections: number;
  /** The scenarios to run. */
  only: ScenarioName[];
  /** Run the server under `node --cpu-prof` and print where its CPU time went. */
  cpuProf: boolean;
  /** LOG_LEVEL for the server; `info` (the default) logs every request, as in production. */
  logLevel: string;
  /** Extra flags for the server's node (e.g. `--max-semi-space-size=4`), to try runtime settings. */
  nodeFlags: string[];
  /** Skip `tsc -p tsconfig.build.json` (dist/ must already be current). */
  skipBuild: boolean;
  /** Leave README.md alone (for trial runs). */
  noReadme: boolean;
  /** The README whose marked sections receive the results. */
  readmePath: string;
};

const USAGE = `Usage: npm run bench -- [options]
  --users N          users seeded before the scenarios run (default 10000; 1000000 with --scaling)
  --scaling          seed directories of --baseline-users and --users side by side and run the
                     scenarios (default filter,get) against each in turn, --rounds times, to
                     compare them under the same conditions
  --baseline-users N the smaller directory of --scaling (default 10000)
  --rounds N         rounds of --scaling (default 3)
  --events           event latency: a local webhook subscriber, SCIM writes (POST /Users and
                     PATCH active false/true) at --rate per second for --duration seconds, and
                     the time from each event's created_at to its signed delivery
  --rate R[,R…]      writes per second of --events (default 500); several rates run in turn
  --activity         POST /api/v1/activity throughput (100 signals a request) and the time of
                     idle scans over the seeded directory (use --users 100000)
  --worker-process   with --events: run the worker as its own process (npm run worker) and
                     the server with RUN_WORKER=false, instead of the worker inside the server
  --duration S       seconds measured per scenario (default 10)
  --warmup S         unmeasured seconds per scenario before measuring (default 2)
  --connections N    concurrent connections (default 16)
  --only a,b         scenarios to run, of ${SCENARIO_NAMES.join(', ')} (default all)
  --cpu-prof         profile the server with node --cpu-prof and print its top functions
  --log-level L      server LOG_LEVEL (default info: one log line per request, as deployed)
  --node-flags=F     extra node flags for the server, e.g. --node-flags=--max-semi-space-size=4
  --skip-build       run dist/ as it is instead of building first
  --no-readme        print the results only; leave bench/README.md untouched
  --readme PATH      write the results into PATH instead of bench/README.md
Environment: DATABASE_URL to use an existing database (kept); otherwise a fresh
database dsync_bench_<timestamp> is created on 127.0.0.1:5432 and dropped at the end.`;

/** Parses the command line; prints usage and exits on --help or a bad value. */
export function parseOptions(argv: string[]): BenchOptions {
  try {
    return fromValues(parse(argv));
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    return exitWithUsage(64);
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      users: { type: 'string' },
      scaling: { type: 'boolean', default: false },
      'baseline-users': { type: 'string', default: '10000' },
      rounds: { type: 'string', default: '3' },
      events: { type: 'boolean', default: false },
      activity: { type: 'boolean', default: false },
      rate: { type: 'string', default: '500' },
      'worker-process': { type: 'boolean', default: false },
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '2' },
      connections: { type: 'string', default: '16' },
      only: { type: 'string' },
      'cpu-prof': { type: 'boolean', default: false },
      'log-level': { type: 'string', default: 'info' },
      'node-flags': { type: 'string', default: '' },
      'skip-build': { type: 'boolean', default: false },
      'no-readme': { type: 'boolean', default: false },
      readme: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  }).values;
}

function fromValues(values: ReturnType<typeof parse>): BenchOptions {
  if (values.help) exitWithUsage(0);
  const scaling = values.scaling ?? false;
  if (scaling && values.events) {
    process.stderr.write('--scaling and --events are separate runs; give one of them\n');
    exitWithUsage(64);
  }
  if (values['worker-process'] && !values.events) {
    process.stderr.write('--worker-process applies to --events only\n');
    exitWithUsage(64);
  }
  return {
    users: positiveInteger('users', values.users ?? (scaling ? '1000000' : '10000'), 1),
    scaling,
    baselineUsers: positiveInteger('baseline-users', values['baseline-users'], 1),
    rounds: positiveInteger('rounds', values.rounds, 1),
    events: values.events ?? false,
    activity: values.activity ?? false,
    rates: (values.rate ?? '500').split(',').map((r) => positiveInteger('rate', r.trim(), 1)),
    workerProcess: values['worker-process'] ?? false,
    duration: positiveInteger('duration', values.duration, 1),
    warmup: positiveInteger('warmup', values.warmup, 0),
    connections: positiveInteger('connections', values.connections, 1),
    only: scenarioList(values.only ?? (scaling ? 'filter,get' : undefined)),
    cpuProf: values['cpu-prof'] ?? false,
    logLevel: values['log-level'] ?? 'info',
    nodeFlags: (values['node-flags'] ?? '').split(/\s+/).filter(Boolean),
    skipBuild: values['skip-build'] ?? false,
    noReadme: values['no-readme'] ?? false,
    readmePath: values.readme ? path.resolve(values.readme) : path.resolve(__dirname, 'README.md'),
  };
}

function positiveInteger(name: string, raw: string | undefined, min: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) {
    process.stderr.write(`--${name} must be an integer ≥ ${min}, got ${raw}\n`);
    exitWithUsage(64);
  }
  return n;
}

function scenarioList(raw: string | undefined): ScenarioName[] {
  if (raw === undefined) return [...SCENARIO_NAMES];
  const names = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !(SCENARIO_NAMES as readonly string[]).includes(n));
  if (unknown.length > 0 || names.length === 0) {
    process.stderr.write(`--only: unknown scenario ${unknown.join(', ') || '(none given)'}\n`);
    exitWithUsage(64);
  }
  return SCENARIO_NAMES.filter((n) => names.includes(n));
}

function exitWithUsage(code: number): never {
  (code === 0 ? process.stdout : process.stderr).write(`${USAGE}\n`);
  process.exit(code);
}
