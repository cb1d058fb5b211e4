import { CommandContext } from './context';
import { scimTenantOf } from './scimTenant';

/** Deletes a SCIM group (RFC 7644 §3.6); its memberships go with it. */
export async function deleteScimGroup(ctx: CommandContext, id: string): Promise<void> {
  const { directoryId } = scimTenantOf(ctx);
  await ctx.manager.query(`DELETE FROM scim_groups WHERE directory_id = $1 AND id = $2`, [directoryId, id]);
}
