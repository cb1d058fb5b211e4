import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { Client } from 'pg';
import { createDataSource } from '../../src/db/dataSource';
import { runMigrations } from '../../src/db/migrate';

/** A migrated database that belongs to one test file, and the means to drop it. */
export type OwnDatabase = { url: string; drop(): Promise<void> };

/**
 * Creates and migrates a database of the test file's own on the test server. A worker
 * claims due deliveries of every endpoint in its database, so a file that runs workers
 * with its own settings (private networks refused, endpoints disabled at the first
 * failure) must not share the database with files whose endpoints it would then serve.
 */
export async function createOwnDatabase(label: string): Promise<OwnDatabase> {
  const name = `dsync_${label}_${randomBytes(5).toString('hex')}`;
  await asAdmin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(String(process.env.DATABASE_URL));
  url.pathname = `/${name}`;
  // A pool of one: the migrations run on the connection that holds the migration lock.
  const ds = createDataSource(url.toString(), 1);
  await ds.initialize();
  try {
    await runMigrations(ds);
  } finally {
    await ds.destroy();
  }
  return { url: url.toString(), drop: () => asAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)) };
}

async function asAdmin(run: (c: Client) => Promise<unknown>): Promise<void> {
  const admin = new Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  try {
    await run(admin);
  } finally {
    await admin.end();
  }
}

/** A loopback TCP port that was free a moment ago (for a subscriber that starts later). */
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
