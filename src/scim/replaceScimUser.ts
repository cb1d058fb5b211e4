import { isDeepStrictEqual } from 'node:util';
import { queryReturning } from '../db/returning';
import { AppError } from '../errors';
import { UserRow } from './scimRows';
import { CommandContext } from '../tenancy/context';
import { StoredResource, userColumns } from './scimColumns';
import { scimTenantOf } from './scimTenant';
import { applyUserLifecycle, planUserLifecycle } from '../directory/userLifecycle';

/**
 * Replaces a SCIM user's stored form (PUT, and the write half of PATCH) and applies
 * the lifecycle rules to its directory user. The row was locked by the caller; the
 * version check is a second guard so an update is never lost.
 */
export async function replaceScimUser(ctx: CommandContext, current: UserRow, stored: StoredResource): Promise<UserRow> {
  const { directoryId } = scimTenantOf(ctx);
  const plan = await planUserLifecycle(ctx, stored, current);
  // Under secure, pushes to an inactive person erase down to the same identifiers: nothing
  // changed, so the version (the client's ETag) stays.
  if (isDeepStrictEqual(plan.stored, current.resource)) {
    await applyUserLifecycle(ctx, current, plan);
    return current;
  }
  const c = userColumns(plan.stored);
  const rows = await queryReturning<UserRow>(
    ctx.manager,
    `UPDATE scim_users
        SET user_name = $4, external_id = $5, active = $6, display_name = $7, resource = $8,
            version = version + 1, updated_at = now()
      WHERE directory_id = $1 AND id = $2 AND version = $3
      RETURNING *`,
    [directoryId, current.id, current.version, c.userName, c.externalId, c.active, c.displayName, JSON.stringify(plan.stored)],
  );
  if (rows.length === 0) throw new AppError('precondition_failed', 'The resource changed concurrently; retry');
  await applyUserLifecycle(ctx, rows[0], plan);
  return rows[0];
}
