import { isDeepStrictEqual } from 'node:util';
import { queryReturning } from '../db/returning';
import { applyUserChange, deprovisionUser, planUserChange } from '../directory/changeDirectoryUser';
import { AppError } from '../errors';
import { CommandContext, DirectoryTenant } from '../tenancy/context';
import { ResourceAdapter } from './resourceAdapter';
import { StoredResource, userColumns } from './scimColumns';
import { presentUser } from './scimPresenter';
import { ScimUserRow as UserRow } from '../db/tables/scimUsers';
import { selectPage, selectUser } from './scimRows';

/**
 * SCIM Users (RFC 7643 §4.1) on scim_users: each write stores the IdP's record of the
 * person and hands the push to the directory domain (src/directory/changeDirectoryUser.ts),
 * which decides the directory user under the environment's inactive policy.
 */
export const userIngest: ResourceAdapter<UserRow> = {
  kind: 'User',
  async load(m, directoryId, id, o) {
    const row = await selectUser(m, directoryId, id, o.forUpdate);
    return row && { row };
  },
  async loadPage(m, directoryId, page) {
    const { rows, total } = await selectPage<UserRow>(m, 'scim_users', directoryId, page.where, page.offset, page.limit);
    return { items: rows.map((row) => ({ row })), total };
  },
  present: (item, baseUrl, projection) => presentUser(item.row, baseUrl, projection),
  create: async (ctx, tenant, stored) => ({ row: await createUser(ctx, tenant, stored) }),
  replace: async (ctx, tenant, current, stored) => ({ row: await replaceUser(ctx, tenant, current.row, stored) }),
  remove: (ctx, tenant, current) => deleteUser(ctx, tenant, current.row.id),
};

// RFC 7644 §3.3. Uniqueness of userName (case-insensitive) and externalId is the
// database's (409 uniqueness).
async function createUser(ctx: CommandContext, tenant: DirectoryTenant, stored: StoredResource): Promise<UserRow> {
  const plan = await planUserChange(ctx, { tenant, source: 'scim', resource: stored, change: 'push' });
  const c = userColumns(plan.stored);
  const [row] = await queryReturning<UserRow>(
    ctx.manager,
    `INSERT INTO scim_users (directory_id, user_name, external_id, active, display_name, resource, state_signals)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
    [tenant.directoryId, c.userName, c.externalId, c.active, c.displayName, JSON.stringify(plan.stored), JSON.stringify(plan.signals)],
  );
  await applyUserChange(ctx, plan, row);
  return row;
}

// PUT (RFC 7644 §3.5.1) and the write half of PATCH (§3.5.2). The row was locked by the
// route; the version check is a second guard so an update is never lost.
async function replaceUser(ctx: CommandContext, tenant: DirectoryTenant, current: UserRow, stored: StoredResource): Promise<UserRow> {
  const person = { scimUserId: current.id, active: current.active, stateSignals: current.state_signals };
  const plan = await planUserChange(ctx, { tenant, source: 'scim', person, resource: stored, change: 'push' });
  const signals = JSON.stringify(plan.signals);
  // Under secure, pushes to an inactive person erase down to the same identifiers: nothing
  // changed, so the version (the client's ETag) stays.
  if (isDeepStrictEqual(plan.stored, current.resource)) {
    if (!isDeepStrictEqual(plan.signals, current.state_signals)) {
      await ctx.manager.query(`UPDATE scim_users SET state_signals = $2 WHERE id = $1`, [current.id, signals]);
    }
    await applyUserChange(ctx, plan, current);
    return current;
  }
  const c = userColumns(plan.stored);
  const rows = await queryReturning<UserRow>(
    ctx.manager,
    `UPDATE scim_users
        SET user_name = $4, external_id = $5, active = $6, display_name = $7, resource = $8, state_signals = $9,
            version = version + 1, updated_at = now()
      WHERE directory_id = $1 AND id = $2 AND version = $3
      RETURNING *`,
    [tenant.directoryId, current.id, current.version, c.userName, c.externalId, c.active, c.displayName, JSON.stringify(plan.stored), signals],
  );
  if (rows.length === 0) throw new AppError('precondition_failed', 'The resource changed concurrently; retry');
  await applyUserChange(ctx, plan, rows[0]);
  return rows[0];
}

// RFC 7644 §3.6: the person is deprovisioned. Their memberships cascade, so the groups
// they were in change too: their version and lastModified move (RFC 7644 §3.14 ETags).
async function deleteUser(ctx: CommandContext, tenant: DirectoryTenant, id: string): Promise<void> {
  await deprovisionUser(ctx, tenant, id);
  await ctx.manager.query(
    `UPDATE scim_groups SET version = version + 1, updated_at = now()
      WHERE directory_id = $1 AND id IN (SELECT group_id FROM scim_group_members WHERE directory_id = $1 AND user_id = $2)`,
    [tenant.directoryId, id],
  );
  await ctx.manager.query(`DELETE FROM scim_users WHERE directory_id = $1 AND id = $2`, [tenant.directoryId, id]);
}
