import { EntityManager } from 'typeorm';
import { DirectoryGroupRow } from '../db/tables/directoryGroups';
import { DirectoryUserRow } from '../db/tables/directoryUsers';
import { GroupRef } from './presentDirectoryUser';

/** The directory user of a SCIM user, if any, locked for the rest of the transaction. */
export async function lockDirectoryUserOf(m: EntityManager, directoryId: string, scimUserId: string) {
  const rows: DirectoryUserRow[] = await m.query(
    `SELECT * FROM directory_users WHERE directory_id = $1 AND scim_user_id = $2 FOR UPDATE`,
    [directoryId, scimUserId],
  );
  return rows[0] as DirectoryUserRow | undefined;
}

/** The directory groups a SCIM user is a member of (through the SCIM membership). */
export async function directoryGroupsOfScimUser(m: EntityManager, directoryId: string, scimUserId: string) {
  const rows: DirectoryGroupRow[] = await m.query(
    `SELECT g.* FROM scim_group_members gm JOIN directory_groups g ON g.scim_group_id = gm.group_id
      WHERE gm.directory_id = $1 AND gm.user_id = $2 ORDER BY g.id`,
    [directoryId, scimUserId],
  );
  return rows;
}

/** Group references for the users given, keyed by directory user id, in one query. */
export async function groupRefsOf(m: EntityManager, users: DirectoryUserRow[]): Promise<Map<string, GroupRef[]>> {
  const refs = new Map<string, GroupRef[]>(users.map((u) => [u.id, []]));
  if (users.length === 0) return refs;
  const rows: { user_id: string; id: string; name: string }[] = await m.query(
    `SELECT du.id AS user_id, g.id, g.name
       FROM directory_users du
       JOIN scim_group_members gm ON gm.directory_id = du.directory_id AND gm.user_id = du.scim_user_id
       JOIN directory_groups g ON g.scim_group_id = gm.group_id
      WHERE du.id = ANY($1::text[]) ORDER BY g.id`,
    [users.map((u) => u.id)],
  );
  for (const r of rows) refs.get(r.user_id)?.push({ object: 'directory_group', id: r.id, name: r.name });
  return refs;
}
