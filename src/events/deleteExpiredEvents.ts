import { DataSource } from 'typeorm';
import { queryReturning } from '../db/returning';
import { EventRow } from '../db/tables/events';

/**
 * Deletes events older than the retention period in batches (their deliveries go
 * with them), so one run never holds long locks. Returns how many were deleted.
 * The event with the highest position is always kept: the sequencer numbers new events
 * from it, and were it gone positions would start again at 1, behind every consumer's
 * cursor. Events not yet positioned are kept too (nobody has seen them).
 */
export async function deleteExpiredEvents(ds: DataSource, retentionDays: number, batch = 5000): Promise<number> {
  let total = 0;
  for (;;) {
    const rows = await queryReturning<Pick<EventRow, 'id'>>(
      ds.manager,
      `DELETE FROM events WHERE id IN (
         SELECT id FROM events
          WHERE created_at < now() - make_interval(days => $1)
            AND position < (SELECT max(position) FROM events)
          LIMIT $2
       ) RETURNING id`,
      [retentionDays, batch],
    );
    total += rows.length;
    if (rows.length < batch) return total;
  }
}
