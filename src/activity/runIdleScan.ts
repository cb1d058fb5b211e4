import { DataSource } from 'typeorm';
import { IdleRuleRow } from '../db/tables/idleRules';
import { inRetryingTransaction } from '../db/transaction';
import { conflict } from '../errors';
import { Actor } from '../tenancy/context';
import { findDirectory } from '../tenancy/findDirectory';
import { IdpCalls, defaultIdpCalls } from './idp/idpCalls';
import { pullEntraSignIns } from './idp/pullEntraSignIns';
import { IdleScanResult, scanIdleBatch } from './scanIdleBatch';

/** People per batch: one short transaction each, its marks committed with its actions. */
export const IDLE_SCAN_BATCH_SIZE = 500;

// pg_advisory_lock(classid, objid): the class names what is locked, the object which directory.
const IDLE_SCAN_LOCK_CLASS = 7301;

/**
 * Runs a directory's idle scan now, batch by batch, and returns what it did. One scan per
 * directory at a time across processes (a session advisory lock on a connection of its
 * own): another is refused with a conflict, or, with `skipIfBusy`, returns null. Each
 * batch is its own transaction, so a crash loses at most the batch in progress, which
 * the next scan redoes; nothing is done twice. A directory with an Entra connection has
 * its sign-ins pulled first (`idp`: how to call the IdP; private networks refused when absent).
 */
export async function runIdleScan(
  ds: DataSource,
  actor: Actor,
  directoryId: string,
  opts: { now?: Date; batchSize?: number; skipIfBusy?: boolean; idp?: IdpCalls } = {},
): Promise<IdleScanResult[] | null> {
  const directory = await findDirectory({ manager: ds.manager, actor }, directoryId);
  const lock = ds.createQueryRunner();
  await lock.connect();
  try {
    const [{ locked }] = await lock.query(`SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked`, [IDLE_SCAN_LOCK_CLASS, directoryId]);
    if (!locked) {
      if (opts.skipIfBusy) return null;
      throw conflict('An idle scan of this directory is already running; try again when it has finished');
    }
    try {
      const now = opts.now ?? new Date();
      const size = opts.batchSize ?? IDLE_SCAN_BATCH_SIZE;
      const tenant = { environmentId: directory.environment_id, directoryId };
      // Entra does not push sign-ins: read them first, with no transaction open, so the
      // batches see them. A failed read fails the scan (src/activity/idp/pullEntraSignIns.ts).
      const ruled: unknown[] = await ds.query(`SELECT 1 FROM idle_rules WHERE directory_id = $1`, [directoryId]);
      if (ruled.length > 0) await pullEntraSignIns(ds, actor, directoryId, opts.idp ?? defaultIdpCalls(), now);
      const results: IdleScanResult[] = [];
      for (;;) {
        const batch = await inRetryingTransaction(ds, async (manager) => {
          // Read in each batch: a rule changed or turned off mid-scan applies from the next batch.
          const [rule]: IdleRuleRow[] = await manager.query(`SELECT * FROM idle_rules WHERE directory_id = $1`, [directoryId]);
          return rule ? scanIdleBatch({ manager, actor }, tenant, rule, now, size) : [];
        });
        results.push(...batch);
        if (batch.length < size) break;
      }
      await ds.query(`UPDATE idle_rules SET last_scanned_at = now() WHERE directory_id = $1`, [directoryId]);
      return results;
    } finally {
      await lock.query(`SELECT pg_advisory_unlock($1, hashtext($2))`, [IDLE_SCAN_LOCK_CLASS, directoryId]);
    }
  } finally {
    await lock.release();
  }
}
