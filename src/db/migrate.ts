import { Logger as JobQueueLogger, runMigrations as migrateJobQueue } from 'graphile-worker';
import { Pool } from 'pg';
import { DataSource, MigrationExecutor } from 'typeorm';

// Arbitrary constant key for pg_advisory_lock: "dsync" as an int.
const MIGRATION_LOCK_KEY = 0x6473796e;

/**
 * Applies pending migrations while holding a session advisory lock, so several
 * processes starting at once against one database apply each migration once; then,
 * still under the lock, installs or upgrades the job runner's schema (graphile-worker's
 * own forward-only migrations, in the `graphile_worker` schema). Returns the names of
 * our migrations this call applied.
 */
export async function runMigrations(ds: DataSource): Promise<string[]> {
  const runner = ds.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      // Migrate on the connection that holds the lock: asking the pool for a second
      // one would wait forever with DB_POOL_SIZE=1. A waiter sees the migrations table
      // only after the holder unlocks, so it finds nothing pending.
      const executor = new MigrationExecutor(ds, runner);
      executor.transaction = 'each';
      const applied = await executor.executePendingMigrations();
      await migrateJobQueueSchema(dataSourceUrl(ds));
      return applied.map((m) => m.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}

// graphile-worker migrates through a pool of its own: one short-lived connection besides
// the one holding the lock (which is TypeORM's, and may be the pool's only one). Its
// migrations are safe when several processes run them at once, too.
async function migrateJobQueueSchema(url: string): Promise<void> {
  const pgPool = new Pool({ connectionString: url, max: 1, application_name: 'dsync-migrate' });
  // A dropped connection fails the migration's query, which is what reports it.
  pgPool.on('error', () => undefined);
  pgPool.on('connect', (client) => client.on('error', () => undefined));
  try {
    await migrateJobQueue({ pgPool, logger: silentLogger });
  } finally {
    await pgPool.end();
  }
}

const silentLogger = new JobQueueLogger(() => () => undefined);

function dataSourceUrl(ds: DataSource): string {
  const url = (ds.options as { url?: string }).url;
  if (!url) throw new Error('the data source has no connection URL');
  return url;
}

/** Names of migrations the code knows but the database has not applied. */
export async function pendingMigrations(ds: DataSource): Promise<string[]> {
  const known = ds.migrations.map((m) => m.name ?? m.constructor.name);
  const exists = await ds.query(`SELECT to_regclass('public.migrations') IS NOT NULL AS ok`);
  if (!exists[0].ok) return known;
  const rows: { name: string }[] = await ds.query('SELECT name FROM migrations');
  const done = new Set(rows.map((r) => r.name));
  return known.filter((n) => !done.has(n));
}
