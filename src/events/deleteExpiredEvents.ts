import { DataSource } from 'typeorm';
import { queryReturning } from '../db/returning';

/**
 * Deletes events older than the retention period in batches (their deliveries go
 * with them), so one run never holds long locks. Returns how many were deleted.
 */
export async function deleteExpiredEvents(ds: DataSource, retentionDays: number, batch = 5000): Promise<number> {
  let total = 0;
  for (;;) {
    const rows = await queryReturning<{ id: string }>(
      ds.manager,
      `DELETE FROM events WHERE id IN (
         SELECT id FROM events WHERE created_at < now() - make_interval(days => $1) LIMIT $2
       ) RETURNING id`,
      [retentionDays, batch],
    );
    total += rows.length;
    if (rows.length < batch) return total;
  }
}
