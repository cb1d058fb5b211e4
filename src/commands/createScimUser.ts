import { UserRow } from '../scim/scimRows';
import { StoredResource, userColumns } from './scimColumns';
import { queryReturning } from '../db/returning';
import { CommandContext } from './context';
import { scimTenantOf } from './scimTenant';

/**
 * Stores a new SCIM user (RFC 7644 §3.3). Uniqueness of userName (case-insensitive)
 * and externalId is enforced by the database; a violation surfaces as 409 uniqueness.
 */
export async function createScimUser(ctx: CommandContext, stored: StoredResource): Promise<UserRow> {
  const { directoryId } = scimTenantOf(ctx);
  const c = userColumns(stored);
  const rows = await queryReturning<UserRow>(ctx.manager, 
    `INSERT INTO scim_users (directory_id, user_name, external_id, active, display_name, resource)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
    [directoryId, c.userName, c.externalId, c.active, c.displayName, JSON.stringify(stored)],
  );
  return rows[0];
}
