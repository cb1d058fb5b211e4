import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { claimDelivery } from '../src/webhooks/claimDelivery';
import { ExplainedShape, recordingManager } from './explain';

// A lease long enough that nothing expires while the plans are taken.
const LEASE_SECONDS = 60;

/**
 * EXPLAIN (ANALYZE, BUFFERS) of the worker's claim of the next delivery, through the
 * project's own claimDelivery, with `backlog` deliveries of the endpoint pending (the
 * endpoint's latest deliveries are set back to pending, as they stood at the peak of a
 * run): first the claim that takes one, then the claim the worker makes next, which
 * finds the endpoint busy. Everything is rolled back.
 */
export async function explainClaims(db: Client, endpointId: string, backlogs: number[]): Promise<ExplainedShape[]> {
  const shapes: ExplainedShape[] = [];
  let current: ExplainedShape | undefined;
  const manager = recordingManager(db, () => current?.queries, growsWithBacklog);
  // claimDelivery only opens a transaction and queries through its manager.
  const ds = { transaction: <T>(fn: (m: typeof manager) => Promise<T>) => fn(manager) } as unknown as DataSource;
  await db.query('BEGIN');
  try {
    for (const backlog of backlogs) {
      await db.query('SAVEPOINT backlog');
      await db.query(
        `UPDATE webhook_deliveries
            SET status = 'pending', next_attempt_at = now(), lease_expires_at = NULL, delivered_at = NULL
          WHERE id IN (SELECT id FROM webhook_deliveries WHERE endpoint_id = $1 ORDER BY event_position DESC LIMIT $2)`,
        [endpointId, backlog],
      );
      current = { title: `claim with ${backlog.toLocaleString('en-US')} deliveries pending: takes the next`, queries: [] };
      shapes.push(current);
      await claimDelivery(ds, LEASE_SECONDS);
      current = { title: `claim with ${backlog.toLocaleString('en-US')} pending and one in flight: finds the endpoint busy`, queries: [] };
      shapes.push(current);
      await claimDelivery(ds, LEASE_SECONDS);
      current = undefined;
      await db.query('ROLLBACK TO SAVEPOINT backlog');
    }
  } finally {
    await db.query('ROLLBACK');
  }
  return shapes;
}

// Rows a plan reads or filters away beyond a handful: what makes a claim cost more as the backlog grows.
function growsWithBacklog(plan: string): string[] {
  const read = [...plan.matchAll(/\(actual time=[\d.]+\.\.[\d.]+ rows=(\d+) loops=(\d+)\)/g)].map((m) => Number(m[1]) * Number(m[2]));
  const removed = [...plan.matchAll(/Rows Removed by Filter: (\d+)/g)].map((m) => Number(m[1]));
  const most = Math.max(0, ...read, ...removed);
  return most > 100 ? [`reads or filters ${most.toLocaleString('en-US')} rows for one claim: grows with the backlog`] : [];
}
