import { recordEvent } from '../events/recordEvent';
import { presentDirectoryGroup } from './presentDirectoryGroup';
import { DirectoryUserRow, presentDirectoryUser, redactedDirectoryUser } from './presentDirectoryUser';
import { CommandContext } from '../tenancy/context';
import { directoryGroupsOfScimUser } from './directoryUserQueries';
import { scimTenantOf } from '../scim/scimTenant';

/**
 * Deletes a directory user: `group.user_removed` for each of its groups, then
 * `user.deleted`. With `erase` (the secure policy), the profile is also removed from
 * every stored event about this user, and the deletion events carry identifiers only.
 */
export async function deleteDirectoryUser(ctx: CommandContext, user: DirectoryUserRow, opts: { erase: boolean }): Promise<void> {
  const { directoryId, environmentId } = scimTenantOf(ctx);
  const groups = await directoryGroupsOfScimUser(ctx.manager, directoryId, user.scim_user_id);
  const redacted = redactedDirectoryUser(user);
  if (opts.erase) await redactEventsOf(ctx, user.id, redacted);
  // The user leaves every group with this deletion, so its events show it in none, as a
  // group.user_removed after a membership change does for the group it left.
  const data = opts.erase ? { ...redacted, state: 'inactive' } : presentDirectoryUser(user, []);
  for (const group of groups) {
    await recordEvent(ctx, {
      type: 'group.user_removed',
      environmentId,
      directoryId,
      data: { user: data, group: presentDirectoryGroup(group) },
      subjectId: user.id,
    });
  }
  await recordEvent(ctx, { type: 'user.deleted', environmentId, directoryId, data, subjectId: user.id });
  await ctx.manager.query(`DELETE FROM directory_users WHERE id = $1`, [user.id]);
}

// The outbox keeps events for their retention period; under the secure policy an
// inactive person's profile must not outlive the deactivation there either.
async function redactEventsOf(ctx: CommandContext, userId: string, redacted: Record<string, unknown>): Promise<void> {
  await ctx.manager.query(
    `UPDATE events
        SET data = CASE WHEN type IN ('group.user_added', 'group.user_removed')
                        THEN jsonb_set(data::jsonb, '{user}', $2::jsonb)::json ELSE $2::json END,
            previous_attributes = NULL
      WHERE subject_id = $1`,
    [userId, JSON.stringify(redacted)],
  );
}
