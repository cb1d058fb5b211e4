import { ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { ADMIN_KEY } from '../support/testApp';
import { OwnDatabase, createOwnDatabase } from '../webhooks/ownDatabase';

const ROOT = path.resolve(__dirname, '../..');

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

/** Resolves once the child has printed `text` on stdout; rejects if it exits first. */
function waitForOutput(child: ChildProcess, output: () => string, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (!output().includes(text)) return;
      child.stdout!.off('data', check);
      child.off('exit', onExit);
      resolve();
    };
    const onExit = (code: number | null) => reject(new Error(`server exited (${code}) before printing "${text}":\n${output()}`));
    child.stdout!.on('data', check);
    child.once('exit', onExit);
    check();
  });
}

/**
 * True when a TCP connection to the port is refused; false when something accepted it
 * (or reset it: a connection queued as the listener closed is reset, not refused).
 */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED') resolve(true);
      else if (err.code === 'ECONNRESET') resolve(false);
      else reject(err);
    });
  });
}

// The server runs the background work, whose job runner takes every job in its
// database (other files' policy switch batches too), so it gets a database of its own.
let db: OwnDatabase;
beforeAll(async () => {
  db = await createOwnDatabase('shutdown');
});
afterAll(() => db.drop());

let child: ChildProcess | undefined;
afterEach(() => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

test('SIGTERM stops accepting connections, finishes the request in flight, and exits 0', async () => {
  const port = await freePort();
  let stdout = '';
  let stderr = '';
  child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      DATABASE_URL: db.url,
      PORT: String(port),
      HOST: '127.0.0.1',
      ADMIN_API_KEY: ADMIN_KEY,
      LOG_LEVEL: 'info',
      // Far beyond the test's own timeout: the server must finish by itself, not be forced.
      SHUTDOWN_TIMEOUT_MS: '600000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));

  await waitForOutput(child, () => stdout, `dsync is listening on http://localhost:${port}`);
  const health = await fetch(`http://127.0.0.1:${port}/healthz`);
  expect(health.status).toBe(200);

  // A request whose body is still arriving: `Expect: 100-continue` tells us when the
  // server holds it, so the signal lands while the request is certainly in flight.
  const body = JSON.stringify({ name: `in flight ${port}` });
  const agent = new http.Agent({ keepAlive: true });
  const req = http.request({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: '/api/v1/environments',
    agent,
    headers: {
      Authorization: `Bearer ${ADMIN_KEY}`,
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(body),
      Expect: '100-continue',
    },
  });
  const response = new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    req.once('response', (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d));
      res.once('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.once('error', reject);
  });
  await new Promise<void>((resolve) => req.once('continue', () => resolve()));
  req.write(body.slice(0, 5));

  child.kill('SIGTERM');
  await waitForOutput(child, () => stdout, 'shutting down');
  // The listening socket closes in the same tick as that line; allow a few attempts
  // for the kernel to see it, each one a real connection attempt.
  let closed = false;
  for (let attempt = 0; attempt < 100 && !closed; attempt++) closed = await refused(port);
  expect(closed).toBe(true);

  req.end(body.slice(5));
  const res = await response;
  expect(res.status).toBe(201);
  // The keep-alive connection must not hold the process open once the response is out.
  expect(res.headers.connection).toBe('close');
  expect(JSON.parse(res.body)).toMatchObject({ name: `in flight ${port}` });

  expect(await exited).toBe(0);
  agent.destroy();
  expect(stdout).toContain('"msg":"stopped"');
  expect(stderr).toBe('');
  expect(await refused(port)).toBe(true);
}, 30_000);
