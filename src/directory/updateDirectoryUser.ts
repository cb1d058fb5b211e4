import { queryReturning } from '../db/returning';
import { recordEvent } from '../events/recordEvent';
import { previousAttributes } from './rules/changes';
import { UserState } from './rules/deriveState';
import { directoryUserFields } from './rules/directoryUserFields';
import { DirectoryUserRow, presentDirectoryUser } from './presentDirectoryUser';
import { CommandContext } from '../tenancy/context';
import { groupRefsOf } from './directoryUserQueries';
import { scimTenantOf } from '../scim/scimTenant';

// Fields whose change is a visible change of the user (ids, groups and timestamps are not).
const COMPARED = ['external_id', 'username', 'emails', 'first_name', 'last_name', 'job_title', 'state', 'custom_attributes', 'raw_attributes'] as const;

/**
 * Brings a directory user in line with its SCIM resource and state. Records
 * `user.updated` with the old values of what changed, or nothing at all when nothing
 * visible changed (an IdP re-sending the same values).
 */
export async function updateDirectoryUser(
  ctx: CommandContext,
  current: DirectoryUserRow,
  resource: Record<string, unknown>,
  state: UserState,
): Promise<DirectoryUserRow> {
  const { directoryId, environmentId } = scimTenantOf(ctx);
  const next = { ...directoryUserFields(resource), state };
  const before = Object.fromEntries(COMPARED.map((k) => [k, current[k]]));
  const after = Object.fromEntries(COMPARED.map((k) => [k, next[k]]));
  const previous = previousAttributes(before, after);
  if (!previous) return current;
  const [user] = await queryReturning<DirectoryUserRow>(
    ctx.manager,
    `UPDATE directory_users
        SET external_id = $2, username = $3, emails = $4, first_name = $5, last_name = $6, job_title = $7,
            state = $8, custom_attributes = $9, raw_attributes = $10, updated_at = now()
      WHERE id = $1 RETURNING *`,
    [
      current.id,
      next.external_id,
      next.username,
      JSON.stringify(next.emails),
      next.first_name,
      next.last_name,
      next.job_title,
      next.state,
      JSON.stringify(next.custom_attributes),
      JSON.stringify(next.raw_attributes),
    ],
  );
  const refs = (await groupRefsOf(ctx.manager, [user])).get(user.id) ?? [];
  await recordEvent(ctx, {
    type: 'user.updated',
    environmentId,
    directoryId,
    data: presentDirectoryUser(user, refs),
    previousAttributes: previous,
    subjectId: user.id,
  });
  return user;
}
