import { queryReturning } from '../db/returning';
import { UserRow } from './scimRows';
import { CommandContext } from '../tenancy/context';
import { StoredResource, userColumns } from './scimColumns';
import { scimTenantOf } from './scimTenant';
import { applyUserLifecycle, planUserLifecycle } from '../directory/userLifecycle';

/**
 * Stores a new SCIM user (RFC 7644 §3.3) and, through the lifecycle rules, its
 * directory user and events, in the caller's transaction. Uniqueness of userName
 * (case-insensitive) and externalId is enforced by the database (409 uniqueness).
 */
export async function createScimUser(ctx: CommandContext, stored: StoredResource): Promise<UserRow> {
  const { directoryId } = scimTenantOf(ctx);
  const plan = await planUserLifecycle(ctx, stored);
  const c = userColumns(plan.stored);
  const [row] = await queryReturning<UserRow>(
    ctx.manager,
    `INSERT INTO scim_users (directory_id, user_name, external_id, active, display_name, resource)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
    [directoryId, c.userName, c.externalId, c.active, c.displayName, JSON.stringify(plan.stored)],
  );
  await applyUserLifecycle(ctx, row, plan);
  return row;
}
