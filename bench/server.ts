import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const ENTRY = path.join(ROOT, 'dist', 'src', 'main.js');

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
  if (!fs.existsSync(ENTRY)) throw new Error(`${ENTRY} was not built`);
}

/**
 * Starts `node dist/src/main.js` on a free loopback port against `databaseUrl` (it applies
 * migrations itself) and resolves once /readyz answers 200.
 */
export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const logPath = path.join(os.tmpdir(), `dsync-bench-server-${process.pid}.log`);
  const log = fs.openSync(logPath, 'w');
  const profiling = opts.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${opts.cpuProfDir}`] : [];
  const child = spawn(process.execPath, [...opts.nodeFlags, ...profiling, ENTRY], {
    cwd: ROOT,
    // A file, not a pipe: reading a pipe would cost this process CPU the load generator needs.
    stdio: ['ignore', log, log],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: opts.databaseUrl,
      HOST: '127.0.0.1',
      PORT: String(port),
      PUBLIC_URL: baseUrl,
      ADMIN_API_KEY: opts.adminKey,
      LOG_LEVEL: opts.logLevel,
    },
  });
  fs.closeSync(log);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    await waitUntilReady(baseUrl, child, exited, logPath);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    baseUrl,
    pid: child.pid!,
    logPath,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function waitUntilReady(baseUrl: string, child: ChildProcess, exited: Promise<number | null>, logPath: string) {
  let gone: number | null | undefined;
  void exited.then((code) => (gone = code));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (gone !== undefined) throw new Error(`server exited with ${gone} before it was ready:\n${tail(logPath)}`);
    try {
      const res = await fetch(`${baseUrl}/readyz`);
      if (res.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`server (pid ${child.pid}) not ready after 60 s:\n${tail(logPath)}`);
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
