import { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { IdpCalls } from '../activity/idp/idpCalls';
import { runIdleScan } from '../activity/runIdleScan';

/** The graphile-worker task that scans every directory whose idle scan is due (a crontab item, every minute). */
export const IDLE_SCAN_TASK = 'idle_scan_due';

/**
 * Scans each directory with an idle rule whose last scan finished `intervalMs` ago or
 * more (or never ran), one after another. A directory another process is scanning right
 * now is skipped: that scan is this one. Each tick is queued once across every process
 * (graphile-worker's crontab), and scans of one directory never overlap (runIdleScan).
 * `idp` is how directories with an Entra connection have their sign-ins pulled first.
 */
export async function scanIdleDirectories(
  ds: DataSource,
  logger: Logger,
  opts: { intervalMs: number; batchSize?: number },
  idp?: IdpCalls,
): Promise<number> {
  const due: { directory_id: string }[] = await ds.query(
    `SELECT directory_id FROM idle_rules
      WHERE last_scanned_at IS NULL OR last_scanned_at <= now() - $1 * interval '1 millisecond'
      ORDER BY last_scanned_at NULLS FIRST, directory_id`,
    [opts.intervalMs],
  );
  let scanned = 0;
  for (const { directory_id } of due) {
    try {
      const results = await runIdleScan(ds, { kind: 'system', name: 'idle-scan' }, directory_id, { skipIfBusy: true, idp, batchSize: opts.batchSize });
      if (results === null) continue;
      scanned++;
      if (results.length > 0) logger.info({ directory_id, people: results.length }, 'idle scan acted');
    } catch (err) {
      // One directory's failure must not hold back the others; it is tried again at the next tick.
      logger.error({ err, directory_id }, 'idle scan failed');
    }
  }
  return scanned;
}
