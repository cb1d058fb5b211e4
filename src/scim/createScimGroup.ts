import { GroupRow } from './scimRows';
import { StoredResource, groupColumns } from './scimColumns';
import { queryReturning } from '../db/returning';
import { CommandContext } from '../tenancy/context';
import { scimTenantOf } from './scimTenant';
import { createDirectoryGroup } from '../directory/groupLifecycle';
import { setGroupMembers } from './setGroupMembers';

/** Stores a new SCIM group with its initial members (Okta may include them in the POST). */
export async function createScimGroup(ctx: CommandContext, stored: StoredResource, memberIds: string[]): Promise<GroupRow> {
  const { directoryId } = scimTenantOf(ctx);
  const c = groupColumns(stored);
  const rows = await queryReturning<GroupRow>(ctx.manager, 
    `INSERT INTO scim_groups (directory_id, display_name, external_id, resource)
     VALUES ($1, $2, $3, $4) RETURNING *`,
    [directoryId, c.displayName, c.externalId, JSON.stringify(stored)],
  );
  await createDirectoryGroup(ctx, rows[0].id, stored);
  await setGroupMembers(ctx, rows[0].id, memberIds);
  return rows[0];
}
