import { DataSource } from 'typeorm';

/**
 * Every row one directory owns that a SCIM request can change: the IdP's records, memberships,
 * the directory's own users and groups, and how many events were recorded. Whole rows, so a
 * version, a timestamp or a stray attribute that moved shows up as a difference.
 */
export async function directorySnapshot(db: DataSource, directoryId: string): Promise<unknown> {
  const rows = (table: string, order: string) =>
    `(SELECT coalesce(jsonb_agg(to_jsonb(t) ORDER BY ${order}), '[]'::jsonb) FROM ${table} t WHERE t.directory_id = $1)`;
  const [row]: { snapshot: unknown }[] = await db.query(
    `SELECT jsonb_build_object(
       'scim_users', ${rows('scim_users', 't.id')},
       'scim_groups', ${rows('scim_groups', 't.id')},
       'scim_group_members', ${rows('scim_group_members', 't.group_id, t.user_id')},
       'directory_users', ${rows('directory_users', 't.id')},
       'directory_groups', ${rows('directory_groups', 't.id')},
       'events', (SELECT count(*) FROM events e WHERE e.directory_id = $1)
     ) AS snapshot`,
    [directoryId],
  );
  return row.snapshot;
}
