import { AppError } from '../errors';
import { GroupRow } from './scimRows';
import { StoredResource, groupColumns } from './scimColumns';
import { queryReturning } from '../db/returning';
import { CommandContext } from '../tenancy/context';
import { scimTenantOf } from './scimTenant';
import { updateDirectoryGroup } from '../directory/groupLifecycle';
import { setGroupMembers } from './setGroupMembers';

/**
 * Replaces a group's attributes and, when `memberIds` is given, its members (PUT, and
 * the write half of PATCH). Bumps the version when anything changed.
 */
export async function replaceScimGroup(
  ctx: CommandContext,
  current: GroupRow,
  stored: StoredResource,
  memberIds: string[] | undefined,
): Promise<GroupRow> {
  const { directoryId } = scimTenantOf(ctx);
  const c = groupColumns(stored);
  const rows = await queryReturning<GroupRow>(ctx.manager, 
    `UPDATE scim_groups
        SET display_name = $4, external_id = $5, resource = $6, version = version + 1, updated_at = now()
      WHERE directory_id = $1 AND id = $2 AND version = $3
      RETURNING *`,
    [directoryId, current.id, current.version, c.displayName, c.externalId, JSON.stringify(stored)],
  );
  if (rows.length === 0) throw new AppError('precondition_failed', 'The resource changed concurrently; retry');
  // Rename first, so membership events carry the group's new name.
  await updateDirectoryGroup(ctx, current.id, stored);
  if (memberIds !== undefined) await setGroupMembers(ctx, current.id, memberIds);
  return rows[0];
}
