import { CommandContext } from './context';
import { scimTenantOf } from './scimTenant';

/** Deletes a SCIM user (RFC 7644 §3.6); memberships go with it (foreign keys cascade). */
export async function deleteScimUser(ctx: CommandContext, id: string): Promise<void> {
  const { directoryId } = scimTenantOf(ctx);
  await ctx.manager.query(`DELETE FROM scim_users WHERE directory_id = $1 AND id = $2`, [directoryId, id]);
}
