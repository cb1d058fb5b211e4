import { invalidRequest } from '../errors';
import { isScimId } from './scimRows';
import { queryReturning } from '../db/returning';
import { CommandContext } from '../tenancy/context';
import { recordMembershipEvents } from '../directory/groupLifecycle';
import { scimTenantOf } from './scimTenant';

/**
 * Makes a group's members exactly `userIds`, writing only the difference. Every id
 * must be a user of the same directory: another directory's user is reported as
 * unknown, exactly like an id that does not exist. Records the membership events.
 */
export async function setGroupMembers(
  ctx: CommandContext,
  groupId: string,
  userIds: string[],
): Promise<{ added: string[]; removed: string[] }> {
  const { directoryId } = scimTenantOf(ctx);
  const wanted = [...new Set(userIds.map((id) => id.toLowerCase()))];
  const malformed = wanted.filter((id) => !isScimId(id));
  if (malformed.length > 0) throw invalidRequest(`Unknown member id(s): ${malformed.slice(0, 5).join(', ')}`);
  const found = await queryReturning<{ id: string }>(ctx.manager, 
    `SELECT id FROM scim_users WHERE directory_id = $1 AND id = ANY($2::uuid[])`,
    [directoryId, wanted],
  );
  if (found.length !== wanted.length) {
    const known = new Set(found.map((r) => r.id));
    const missing = wanted.filter((id) => !known.has(id.toLowerCase()) && !known.has(id));
    throw invalidRequest(`Unknown member id(s): ${missing.slice(0, 5).join(', ')}`);
  }
  const removedRows = await queryReturning<{ user_id: string }>(ctx.manager, 
    `DELETE FROM scim_group_members WHERE directory_id = $1 AND group_id = $2 AND NOT (user_id = ANY($3::uuid[]))
     RETURNING user_id`,
    [directoryId, groupId, wanted],
  );
  const addedRows = await queryReturning<{ user_id: string }>(ctx.manager, 
    `INSERT INTO scim_group_members (directory_id, group_id, user_id)
     SELECT $1, $2, u FROM unnest($3::uuid[]) AS u
     ON CONFLICT DO NOTHING RETURNING user_id`,
    [directoryId, groupId, wanted],
  );
  const change = { added: addedRows.map((r) => r.user_id), removed: removedRows.map((r) => r.user_id) };
  await recordMembershipEvents(ctx, groupId, change);
  return change;
}
