import { CommandContext } from '../tenancy/context';
import { recordDirectoryGroupDeleted } from '../directory/groupLifecycle';
import { scimTenantOf } from './scimTenant';

/** Deletes a SCIM group (RFC 7644 §3.6) with `group.deleted`; its memberships and directory group go with it. */
export async function deleteScimGroup(ctx: CommandContext, id: string): Promise<void> {
  const { directoryId } = scimTenantOf(ctx);
  await recordDirectoryGroupDeleted(ctx, id);
  await ctx.manager.query(`DELETE FROM scim_groups WHERE directory_id = $1 AND id = $2`, [directoryId, id]);
}
