import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const SERVER_ENTRY = path.join(ROOT, 'dist', 'src', 'main.js');
const WORKER_ENTRY = path.join(ROOT, 'dist', 'src', 'workerMain.js');

/** The server under test, running as a child process. */
export type RunningServer = {
  baseUrl: string;
  pid: number;
  /** Where the server's stdout and stderr (its JSON request log) go. */
  logPath: string;
  /** SIGTERM, then wait for the graceful shutdown (which also writes a CPU profile). */
  stop(): Promise<void>;
};

/** How to start the server under test. */
export type ServerOptions = {
  databaseUrl: string;
  adminKey: string;
  logLevel: string;
  /** When set, the server runs under `node --cpu-prof` and writes its profile here on exit. */
  cpuProfDir?: string;
  /** Extra node flags for the server. */
  nodeFlags: string[];
  /** Extra environment variables for the server; they win over the bench's own environment. */
  env?: Record<string, string>;
};

/**
 * Compiles the sources with tsconfig.build.json, as `npm start` does. tsc writes dist/
 * even when it reports type errors (noEmitOnError is off), so errors in files still being
 * written elsewhere do not stop the benchmark; they are shown so the run is not mistaken for clean.
 */
export function buildServer(): void {
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (tsc.status !== 0) {
    process.stderr.write(`warning: tsc reported errors; benchmarking the JavaScript it emitted anyway:\n${tsc.stdout}${tsc.stderr}\n`);
  }
  for (const entry of [SERVER_ENTRY, WORKER_ENTRY]) if (!fs.existsSync(entry)) throw new Error(`${entry} was not built`);
}

/**
 * Starts `node dist/src/main.js` on a free loopback port against `databaseUrl` (it applies
 * migrations itself) and resolves once /readyz answers 200.
 */
export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const profiling = opts.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${opts.cpuProfDir}`] : [];
  const child = spawnNode(SERVER_ENTRY, 'server', [...opts.nodeFlags, ...profiling], {
    DATABASE_URL: opts.databaseUrl,
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_URL: baseUrl,
    ADMIN_API_KEY: opts.adminKey,
    LOG_LEVEL: opts.logLevel,
    // The benchmark measures throughput, which the per-token budgets would cap.
    RATE_LIMITS: 'off',
    ...opts.env,
  });
  try {
    await waitUntil(child, `/readyz answering 200 at ${baseUrl}`, async () => {
      const res = await fetch(`${baseUrl}/readyz`);
      return res.status === 200;
    });
  } catch (err) {
    child.process.kill('SIGKILL');
    throw err;
  }
  return { baseUrl, pid: child.process.pid!, logPath: child.logPath, stop: child.stop };
}

/** A background worker (`npm run worker`) running as its own child process. */
export type RunningWorker = { pid: number; logPath: string; stop(): Promise<void> };

/**
 * Starts `node dist/src/workerMain.js` (the event sequencer and webhook deliveries alone,
 * as installs that run web servers with RUN_WORKER=false do) against a database the
 * server has already migrated, and resolves once it logs that it has started.
 */
export async function startWorkerProcess(opts: Omit<ServerOptions, 'adminKey' | 'cpuProfDir'>): Promise<RunningWorker> {
  const child = spawnNode(WORKER_ENTRY, 'worker', opts.nodeFlags, {
    DATABASE_URL: opts.databaseUrl,
    // Below info the worker would not say that it has started.
    LOG_LEVEL: ['fatal', 'error', 'warn', 'silent'].includes(opts.logLevel) ? 'info' : opts.logLevel,
    ...opts.env,
  });
  try {
    await waitUntil(child, '"worker started" in its log', async () => fs.readFileSync(child.logPath, 'utf8').includes('"worker started"'));
  } catch (err) {
    child.process.kill('SIGKILL');
    throw err;
  }
  return { pid: child.process.pid!, logPath: child.logPath, stop: child.stop };
}

type Child = { process: ChildProcess; logPath: string; exited: Promise<number | null>; stop(): Promise<void> };

// `node <flags> <entry>` from the repository root, as deployed (NODE_ENV=production), with
// stdout and stderr in a log file in the temp directory.
function spawnNode(entry: string, role: string, nodeFlags: string[], env: Record<string, string>): Child {
  const logPath = path.join(os.tmpdir(), `dsync-bench-${role}-${process.pid}.log`);
  const log = fs.openSync(logPath, 'w');
  const child = spawn(process.execPath, [...nodeFlags, entry], {
    cwd: ROOT,
    // A file, not a pipe: reading a pipe would cost this process CPU the load generator needs.
    stdio: ['ignore', log, log],
    env: { ...process.env, NODE_ENV: 'production', ...env },
  });
  fs.closeSync(log);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    process: child,
    logPath,
    exited,
    // SIGTERM, then wait for the graceful shutdown (which also writes a CPU profile).
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function waitUntil(child: Child, what: string, ready: () => Promise<boolean>): Promise<void> {
  let gone: number | null | undefined;
  void child.exited.then((code) => (gone = code));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (gone !== undefined) throw new Error(`${child.logPath}: exited with ${gone} before ${what}:\n${tail(child.logPath)}`);
    try {
      if (await ready()) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`pid ${child.process.pid}: no ${what} after 60 s:\n${tail(child.logPath)}`);
}

function tail(file: string): string {
  return fs.readFileSync(file, 'utf8').split('\n').slice(-20).join('\n');
}

// Bind port 0, note the port, release it: the server binds it a moment later.
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
