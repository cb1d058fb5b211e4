import { Client } from 'pg';

/** The database a run uses, and how to give it back. */
export type BenchDatabase = {
  url: string;
  /** True when this run created the database (and so drops it). */
  created: boolean;
  drop(): Promise<void>;
};

// The local server the project's tests use (trust authentication for user postgres).
const LOCAL_SERVER = 'postgresql://postgres@127.0.0.1:5432';

/**
 * DATABASE_URL when given (kept afterwards: each run seeds a directory of its own), or
 * a fresh `dsync_bench_<timestamp>` on the local server, dropped by `drop()`.
 */
export async function prepareDatabase(databaseUrl: string | undefined): Promise<BenchDatabase> {
  if (databaseUrl) return { url: databaseUrl, created: false, drop: async () => undefined };
  const name = `dsync_bench_${Date.now()}`;
  await onMaintenanceDb((c) => c.query(`CREATE DATABASE ${name}`));
  return {
    url: `${LOCAL_SERVER}/${name}`,
    created: true,
    // FORCE: a server that failed to stop must not keep the database alive (PostgreSQL ≥ 13).
    drop: () => onMaintenanceDb((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/** Opens a client on `url`, runs `fn`, and always closes the client. */
export async function withClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, application_name: 'dsync-bench' });
  // A query in flight rejects with the error anyway; this keeps a connection ended under us
  // (DROP DATABASE … WITH (FORCE) after Ctrl-C) from crashing the process as an unhandled event.
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function onMaintenanceDb<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  return withClient(`${LOCAL_SERVER}/postgres`, fn);
}
