import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../../src/db/embedded';

/*
 * The real server as its own process, for tests that talk to it only over HTTP: the
 * client package (client/) and the example app (examples/). They use no server code
 * but this harness.
 */

const ROOT = path.resolve(__dirname, '../..');

/** The admin key of every server this harness starts. */
export const PROCESS_ADMIN_KEY = 'process-test-admin-key-0123456789abcdefghijklmnop';

/** A database for one test run, and the means to remove it. */
export type ScratchDatabase = { url: string; drop(): Promise<void> };

/**
 * A new, empty database: on the server of DATABASE_URL when it is set, else on an
 * embedded PostgreSQL started for it in a temporary directory (as test/support/globalSetup.ts
 * does). The dsync server applies its migrations when it starts.
 */
export async function createScratchDatabase(label: string): Promise<ScratchDatabase> {
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl) {
    const name = `dsync_${label}_${randomBytes(5).toString('hex')}`;
    await asAdmin(serverUrl, `CREATE DATABASE ${name}`);
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    return { url: url.toString(), drop: () => asAdmin(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `dsync-${label}-`));
  const db = await startEmbeddedPostgres({ dataDir, port: await freePort() });
  return {
    url: db.url,
    drop: async () => {
      await db.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A running server process: its origin, and how to stop it gracefully (SIGTERM) or not (SIGKILL). */
export type DsyncProcess = { url: string; port: number; output(): string; stop(): Promise<void>; kill(): Promise<void> };

/**
 * Starts `src/main.ts` (with the worker) on a database and resolves once it listens.
 * Webhooks to loopback are allowed, the worker polls often (deliveries to a test's local
 * subscriber arrive quickly) and rate limits are off; `env` overrides any of it.
 */
export async function startDsyncProcess(opts: { databaseUrl: string; port?: number; env?: Record<string, string> }): Promise<DsyncProcess> {
  const port = opts.port ?? (await freePort());
  let out = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      DATABASE_URL: opts.databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      ADMIN_API_KEY: PROCESS_ADMIN_KEY,
      LOG_LEVEL: 'warn',
      WORKER_POLL_MS: '50',
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      WEBHOOK_RETRY_BASE_SECONDS: '0.2',
      // As in test/support/testApp.ts: a test's burst of requests is not what budgets are for.
      RATE_LIMITS: 'off',
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const check = () => {
      if (!out.includes('dsync is listening on')) return;
      child.stdout!.off('data', check);
      child.off('exit', onExit);
      resolve();
    };
    const onExit = (code: number | null) => reject(new Error(`dsync exited (${code}) before listening:\n${out}`));
    child.stdout!.on('data', check);
    child.once('exit', onExit);
  });
  const end = (signal: NodeJS.Signals) => async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return { url: `http://127.0.0.1:${port}`, port, output: () => out, stop: end('SIGTERM'), kill: end('SIGKILL') };
}

/** A loopback TCP port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

async function asAdmin(serverUrl: string, sql: string): Promise<void> {
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}
