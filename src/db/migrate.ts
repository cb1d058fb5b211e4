import { DataSource, MigrationExecutor } from 'typeorm';

// Arbitrary constant key for pg_advisory_lock: "dsync" as an int.
const MIGRATION_LOCK_KEY = 0x6473796e;

/**
 * Applies pending migrations while holding a session advisory lock, so several
 * processes starting at once against one database apply each migration once.
 * Returns the names of the migrations this call applied.
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
      return applied.map((m) => m.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
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
