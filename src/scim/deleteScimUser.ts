import { decide } from '../directory/rules/inactivePolicy';
import { CommandContext } from '../tenancy/context';
import { deleteDirectoryUser } from '../directory/deleteDirectoryUser';
import { lockDirectoryUserOf } from '../directory/directoryUserQueries';
import { loadTenantPolicy } from '../directory/loadTenantPolicy';
import { scimTenantOf } from './scimTenant';

/**
 * Deletes a SCIM user (RFC 7644 §3.6): the person is deprovisioned, so their directory
 * user (if any) is deleted under every policy, with its events (redacted under secure);
 * memberships cascade.
 */
export async function deleteScimUser(ctx: CommandContext, id: string): Promise<void> {
  const { directoryId } = scimTenantOf(ctx);
  const { policy } = await loadTenantPolicy(ctx);
  const existing = await lockDirectoryUserOf(ctx.manager, directoryId, id);
  const decision = decide(policy, existing !== undefined, 'deprovisioned');
  if (existing && decision.action === 'delete') await deleteDirectoryUser(ctx, existing, { erase: decision.erase });
  await ctx.manager.query(`DELETE FROM scim_users WHERE directory_id = $1 AND id = $2`, [directoryId, id]);
}
