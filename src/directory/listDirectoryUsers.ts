import { PageParams, checkCursor } from '../db/pagination';
import { DirectoryUserRow } from '../db/tables/directoryUsers';
import { PersonActivityRow } from '../db/tables/personActivity';
import { GroupRef } from './presentDirectoryUser';
import { CommandContext, confinedEnvironment } from '../tenancy/context';
import { groupRefsOf } from './directoryUserQueries';
import { findDirectory } from '../tenancy/findDirectory';
import { getDirectoryGroup } from './getDirectoryGroup';

export const LIFECYCLES = ['current', 'past', 'external'] as const;
/** Where a person stands for the app: a current or past member of the organization, or an outsider. */
export type Lifecycle = (typeof LIFECYCLES)[number];

/** When the person was last seen using the app, and their idle episode (src/activity/). */
export type UserActivity = Pick<PersonActivityRow, 'last_seen_at' | 'idle_since' | 'idle_action'>;

/** A directory user with what the admin API shows beside the row: its groups, lifecycle and activity. */
export type DirectoryUserView = { user: DirectoryUserRow; groups: GroupRef[]; lifecycle: Lifecycle; activity: UserActivity };

/** Narrowing filters of the directory-user list; every one is applied in SQL. */
export type DirectoryUserFilter = {
  directoryId?: string;
  /** A directory group id: only that group's members (SCIM members who have a directory user). */
  groupId?: string;
  state?: 'active' | 'inactive';
  lifecycle?: Lifecycle;
  /** true: only people an idle rule flagged in an open episode; false: only the others. */
  idle?: boolean;
};

// `du` is the directory user, `d` its directory. Someone is external when none of their
// email domains (the part after the last "@", RFC 5321 §4.1.2) is one of the
// directory's domains, which are stored lower-cased; a user without any email is
// external too. A directory that lists no domains claims nobody as external.
const LIFECYCLE_SQL = `CASE
    WHEN cardinality(d.domains) > 0 AND NOT EXISTS (
      SELECT 1 FROM jsonb_array_elements(du.emails) e
       WHERE lower(substring(e->>'value' from '@([^@]*)$')) = ANY (d.domains))
    THEN 'external'
    WHEN du.state = 'active' THEN 'current'
    ELSE 'past'
  END`;

/**
 * Lists the directory users the actor may see, oldest first: all environments' for the
 * operator, its own environment's otherwise; optionally of one directory or group.
 */
export async function listDirectoryUsers(
  ctx: CommandContext,
  params: PageParams & DirectoryUserFilter,
): Promise<{ rows: DirectoryUserView[]; after: string | null }> {
  checkCursor(params.after, /^directory_user_[0-9A-Z]{26}$/);
  if (params.directoryId !== undefined) await findDirectory(ctx, params.directoryId);
  if (params.groupId !== undefined) await getDirectoryGroup(ctx, params.groupId);
  const rows = await queryDirectoryUsers(ctx, { ...params, limit: params.limit + 1 });
  const more = rows.length > params.limit;
  const page = more ? rows.slice(0, params.limit) : rows;
  return { rows: page, after: more ? page[page.length - 1].user.id : null };
}

/**
 * Reads directory users in id order with their lifecycle and groups (one query for the
 * groups of the whole page). Confines to the actor's environment; the caller checks
 * that the directory or group it filters on is visible.
 */
export async function queryDirectoryUsers(
  ctx: CommandContext,
  q: DirectoryUserFilter & { id?: string; after?: string; limit: number },
): Promise<DirectoryUserView[]> {
  const args: unknown[] = [];
  const arg = (value: unknown) => `$${args.push(value)}`;
  const where: string[] = [];
  const confined = confinedEnvironment(ctx.actor);
  if (confined !== undefined) where.push(`du.environment_id = ${arg(confined)}`);
  if (q.id !== undefined) where.push(`du.id = ${arg(q.id)}`);
  if (q.directoryId !== undefined) where.push(`du.directory_id = ${arg(q.directoryId)}`);
  if (q.state !== undefined) where.push(`du.state = ${arg(q.state)}`);
  if (q.lifecycle !== undefined) where.push(`(${LIFECYCLE_SQL}) = ${arg(q.lifecycle)}`);
  if (q.groupId !== undefined) {
    where.push(`EXISTS (
      SELECT 1 FROM scim_group_members gm JOIN directory_groups g ON g.scim_group_id = gm.group_id
       WHERE g.id = ${arg(q.groupId)} AND gm.directory_id = du.directory_id AND gm.user_id = du.scim_user_id)`);
  }
  if (q.idle !== undefined) where.push(`pa.idle_since IS ${q.idle ? 'NOT ' : ''}NULL`);
  if (q.after !== undefined) where.push(`du.id > ${arg(q.after)}`);
  const rows: (DirectoryUserRow & { lifecycle: Lifecycle } & UserActivity)[] = await ctx.manager.query(
    `SELECT du.*, ${LIFECYCLE_SQL} AS lifecycle, pa.last_seen_at, pa.idle_since, pa.idle_action
       FROM directory_users du JOIN directories d ON d.id = du.directory_id
       LEFT JOIN person_activity pa ON pa.scim_user_id = du.scim_user_id
      ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY du.id LIMIT ${arg(q.limit)}`,
    args,
  );
  const groups = await groupRefsOf(ctx.manager, rows);
  return rows.map(({ lifecycle, last_seen_at, idle_since, idle_action, ...user }) => ({
    user,
    groups: groups.get(user.id) ?? [],
    lifecycle,
    activity: { last_seen_at, idle_since, idle_action },
  }));
}
