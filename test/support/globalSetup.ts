import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createDataSource } from '../../src/db/dataSource';
import { startEmbeddedPostgres } from '../../src/db/embedded';
import { runMigrations } from '../../src/db/migrate';

/**
 * With DATABASE_URL set, tests use that server; without it, they start the embedded
 * PostgreSQL in a temporary directory, as `npm start` would. Migrations run once here;
 * test files then build their own tenants with factories, so nothing is truncated.
 */
export default async function globalSetup(): Promise<void> {
  if (!process.env.DATABASE_URL) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsync-test-'));
    const db = await startEmbeddedPostgres({ dataDir, port: await freePort() });
    process.env.DATABASE_URL = db.url;
    process.env.DSYNC_TEST_EMBEDDED = '1';
    (globalThis as Record<string, unknown>).__dsyncEmbedded = { stop: db.stop, dataDir };
  }
  const ds = createDataSource(process.env.DATABASE_URL, 2);
  await ds.initialize();
  try {
    await runMigrations(ds);
  } finally {
    await ds.destroy();
  }
}

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
