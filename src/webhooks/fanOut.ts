import { EntityManager } from 'typeorm';

/**
 * Creates one delivery per (subscribed, enabled endpoint, newly positioned event), in
 * the sequencer's transaction: an event that has a position always has its deliveries.
 */
export async function fanOutDeliveries(m: EntityManager, eventIds: string[]): Promise<void> {
  if (eventIds.length === 0) return;
  await m.query(
    `INSERT INTO webhook_deliveries (endpoint_id, event_id, event_position)
     SELECT w.id, e.id, e.position
       FROM events e
       JOIN webhook_endpoints w
         ON w.environment_id = e.environment_id AND w.enabled
        AND (cardinality(w.events) = 0 OR e.type = ANY(w.events))
      WHERE e.id = ANY($1::text[])
      ORDER BY e.position, w.id
     ON CONFLICT (endpoint_id, event_id) DO NOTHING`,
    [eventIds],
  );
  await m.query(`SELECT pg_notify('dsync_deliveries', '')`);
}
