import { DataSource } from 'typeorm';
import { queryReturning } from '../db/returning';
import { EventRow } from '../db/tables/events';

// pg_advisory_xact_lock key: "dsyncpos" folded into an int.
const SEQUENCER_LOCK = 0x64737970;

/**
 * Gives committed events their consumer position, oldest insert first, and lets
 * `afterAssign` (webhook fan-out) act on them in the same transaction. Only one
 * sequencer runs at a time (a transaction-scoped advisory lock), so positions become
 * visible strictly in order. Rows of transactions still in flight are invisible here
 * and are picked up by a later call. Returns how many events were positioned.
 */
export async function assignPositions(
  ds: DataSource,
  opts: { batch?: number; afterAssign?: (manager: import('typeorm').EntityManager, ids: string[]) => Promise<void> } = {},
): Promise<number> {
  return ds.transaction(async (manager) => {
    const [{ locked }] = await manager.query(`SELECT pg_try_advisory_xact_lock($1) AS locked`, [SEQUENCER_LOCK]);
    if (!locked) return 0;
    // Under the lock nobody else assigns, so max(position) + row number is gap-free and ordered.
    // SKIP LOCKED: an event row locked by a redaction (secure policy) is positioned on a
    // later pass instead of waiting, so the sequencer never takes part in a deadlock.
    const rows = await queryReturning<Pick<EventRow, 'id'>>(
      manager,
      `WITH pending AS (
         SELECT id, seq FROM events WHERE position IS NULL ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED
       ), numbered AS (
         SELECT id, (SELECT coalesce(max(position), 0) FROM events) + row_number() OVER (ORDER BY seq) AS position
           FROM pending
       )
       UPDATE events e SET position = n.position FROM numbered n WHERE e.id = n.id RETURNING e.id`,
      [opts.batch ?? 1000],
    );
    if (rows.length > 0 && opts.afterAssign) await opts.afterAssign(manager, rows.map((r) => r.id));
    return rows.length;
  });
}

/** Positions every committed event pending now (bounded), batch after batch. */
export async function assignAllPositions(
  ds: DataSource,
  opts: Parameters<typeof assignPositions>[1] = {},
  maxBatches = 50,
): Promise<number> {
  const batch = opts.batch ?? 1000;
  let total = 0;
  for (let i = 0; i < maxBatches; i++) {
    const n = await assignPositions(ds, { ...opts, batch });
    total += n;
    if (n < batch) break;
  }
  return total;
}
