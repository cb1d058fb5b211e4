import { EntityManager } from 'typeorm';
import { ScimGroupMemberRow } from '../db/tables/scimGroupMembers';
import { ScimGroupRow } from '../db/tables/scimGroups';
import { ScimUserRow } from '../db/tables/scimUsers';

/** A group member as SCIM shows it (RFC 7643 §4.2: value, $ref, display, type). */
export type MemberRow = Pick<ScimGroupMemberRow, 'group_id' | 'user_id'> & Pick<ScimUserRow, 'user_name' | 'display_name'>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when `id` can be one of our SCIM ids; anything else is a 404 without a query. */
export const isScimId = (id: string) => UUID.test(id);

/** Reads one user of the directory, optionally locking it for the rest of the transaction. */
export async function selectUser(
  m: EntityManager,
  directoryId: string,
  id: string,
  forUpdate = false,
): Promise<ScimUserRow | undefined> {
  if (!isScimId(id)) return undefined;
  const rows: ScimUserRow[] = await m.query(
    `SELECT * FROM scim_users WHERE directory_id = $1 AND id = $2${forUpdate ? ' FOR UPDATE' : ''}`,
    [directoryId, id],
  );
  return rows[0];
}

/** Reads one group of the directory, optionally locking it for the rest of the transaction. */
export async function selectGroup(
  m: EntityManager,
  directoryId: string,
  id: string,
  forUpdate = false,
): Promise<ScimGroupRow | undefined> {
  if (!isScimId(id)) return undefined;
  const rows: ScimGroupRow[] = await m.query(
    `SELECT * FROM scim_groups WHERE directory_id = $1 AND id = $2${forUpdate ? ' FOR UPDATE' : ''}`,
    [directoryId, id],
  );
  return rows[0];
}

/** The members of the given groups, in a stable order, in one query. */
export async function selectMembers(m: EntityManager, directoryId: string, groupIds: string[]): Promise<MemberRow[]> {
  if (groupIds.length === 0) return [];
  return m.query(
    `SELECT gm.group_id, gm.user_id, u.user_name, u.display_name
       FROM scim_group_members gm JOIN scim_users u ON u.directory_id = gm.directory_id AND u.id = gm.user_id
      WHERE gm.directory_id = $1 AND gm.group_id = ANY($2::uuid[])
      ORDER BY gm.group_id, gm.created_at, gm.user_id`,
    [directoryId, groupIds],
  );
}

/**
 * One page of rows matching `where` (already translated from the SCIM filter, with
 * parameters numbered from $2) and the total count. Ordered by creation then id, so
 * pages are stable (RFC 7644 §3.4.2.4 leaves the order to the server).
 */
export async function selectPage<R>(
  m: EntityManager,
  table: 'scim_users' | 'scim_groups',
  directoryId: string,
  where: { sql: string; params: unknown[] } | undefined,
  offset: number,
  limit: number,
): Promise<{ rows: R[]; total: number }> {
  const condition = where ? ` AND (${where.sql})` : '';
  const params = [directoryId, ...(where?.params ?? [])];
  const rows: R[] =
    limit === 0
      ? []
      : await m.query(
          `SELECT * FROM ${table} r WHERE r.directory_id = $1${condition}
            ORDER BY r.created_at, r.id OFFSET ${Math.floor(offset)} LIMIT ${Math.floor(limit)}`,
          params,
        );
  // A first page that is not full holds every match: no count needed (Okta's existence check).
  if (offset === 0 && rows.length < limit) return { rows, total: rows.length };
  const countRows: { total: string }[] = await m.query(
    `SELECT count(*) AS total FROM ${table} r WHERE r.directory_id = $1${condition}`,
    params,
  );
  const total = Number(countRows[0].total);
  return { rows, total };
}
