import { queryReturning } from '../db/returning';
import { changeUserState } from '../directory/changeUserState';
import { parseSignals } from '../directory/rules/stateSignals';
import { ScimUserRow } from '../db/tables/scimUsers';
import { CommandContext } from '../tenancy/context';

/**
 * Ends the idle episode of each person seen after it began: `idle_since` (and a warning
 * given before it) return to null, so the next crossing is a new episode. Where the idle
 * rule had deactivated the person, the activity lifts that decision through the
 * directory domain: under retain the same directory user is active again, under secure a
 * new one is created, as for any reactivation. A signal dated before the episode began
 * (late, out of order) ends nothing.
 */
export async function endIdleEpisodes(ctx: CommandContext, scimUserIds: string[]): Promise<number> {
  const ended = await queryReturning<{ scim_user_id: string; directory_id: string; environment_id: string; last_seen_at: Date }>(
    ctx.manager,
    `UPDATE person_activity pa
        SET idle_since = NULL, idle_warned_at = NULL, idle_action = NULL, idle_action_sent_at = NULL, updated_at = now()
       FROM directories d
      WHERE pa.scim_user_id = ANY($1::uuid[]) AND d.id = pa.directory_id
        AND ((pa.idle_since IS NOT NULL AND pa.last_seen_at > pa.idle_since)
          OR (pa.idle_since IS NULL AND pa.idle_warned_at IS NOT NULL AND pa.last_seen_at > pa.idle_warned_at))
      RETURNING pa.scim_user_id, pa.directory_id, d.environment_id, pa.last_seen_at`,
    [scimUserIds],
  );
  for (const person of ended) {
    const [record]: ScimUserRow[] = await ctx.manager.query(`SELECT * FROM scim_users WHERE id = $1 FOR UPDATE`, [person.scim_user_id]);
    if (!record || !parseSignals(record.state_signals).idle) continue;
    await changeUserState(ctx, {
      tenant: { environmentId: person.environment_id, directoryId: person.directory_id },
      source: 'idle',
      record,
      change: { source: 'idle', state: 'active', reason: `seen at ${new Date(person.last_seen_at).toISOString()}` },
    });
  }
  return ended.length;
}
