import type { DsyncClient } from '@dsync/client';
import type { Pool } from 'pg';
import { applyEvent } from './applyEvent';
import { inTransaction } from './transaction';

/**
 * Reads the events API from the saved cursor until it is caught up, applying each event
 * and saving its position in the same transaction: exactly once, even across a crash.
 * Returns how many events it applied.
 */
export async function catchUp(pool: Pool, schema: string, dsync: DsyncClient, environmentId: string, signal?: AbortSignal): Promise<number> {
  const { rows } = await pool.query<{ after_position: string | null }>(`SELECT after_position FROM ${schema}.sync_state`);
  let applied = 0;
  for await (const event of dsync.events.stream({ environmentId, after: rows[0]?.after_position, stopWhenCaughtUp: true, signal })) {
    await inTransaction(pool, async (db) => {
      await applyEvent(db, schema, event);
      await db.query(`UPDATE ${schema}.sync_state SET after_position = $1`, [event.position]);
    });
    applied++;
  }
  return applied;
}
