import { queryReturning } from '../db/returning';
import { recordEvent } from '../events/recordEvent';
import { newId } from '../ids';
import { CommandContext, DirectoryTenant } from '../tenancy/context';
import { groupRefsOf } from './directoryUserQueries';
import { DirectoryGroupRow } from '../db/tables/directoryGroups';
import { DirectoryUserRow } from '../db/tables/directoryUsers';
import { presentDirectoryGroup } from './presentDirectoryGroup';
import { presentDirectoryUser } from './presentDirectoryUser';
import { previousAttributes } from './rules/changes';

/** A group's record at its source (today the IdP's SCIM group): its id there, its name and attributes as pushed. */
export type GroupRecord = { scimGroupId: string; name: string; attributes: Record<string, unknown> };

/** Creates the directory group of a new source group and records `group.created`. */
export async function createDirectoryGroup(ctx: CommandContext, t: DirectoryTenant, record: GroupRecord): Promise<void> {
  const [group] = await queryReturning<DirectoryGroupRow>(
    ctx.manager,
    `INSERT INTO directory_groups (id, directory_id, environment_id, scim_group_id, name, raw_attributes)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
    [newId('directory_group'), t.directoryId, t.environmentId, record.scimGroupId, record.name, JSON.stringify(record.attributes)],
  );
  await recordEvent(ctx, { type: 'group.created', ...t, data: presentDirectoryGroup(group), subjectId: group.id });
}

/** Brings a directory group in line with its source group; `group.updated` only when something visible changed. */
export async function updateDirectoryGroup(ctx: CommandContext, t: DirectoryTenant, record: GroupRecord): Promise<void> {
  const current = await groupOf(ctx, t, record.scimGroupId);
  if (!current) return;
  const before = { name: current.name, raw_attributes: current.raw_attributes };
  const previous = previousAttributes(before, { name: record.name, raw_attributes: record.attributes });
  if (!previous) return;
  const [group] = await queryReturning<DirectoryGroupRow>(
    ctx.manager,
    `UPDATE directory_groups SET name = $2, raw_attributes = $3, updated_at = now() WHERE id = $1 RETURNING *`,
    [current.id, record.name, JSON.stringify(record.attributes)],
  );
  await recordEvent(ctx, { type: 'group.updated', ...t, data: presentDirectoryGroup(group), previousAttributes: previous, subjectId: group.id });
}

/**
 * Records the end of a group about to be deleted at its source (its directory group and
 * memberships cascade): `group.user_removed` for each member with a directory user, so
 * subscribers that track memberships need no special case, then `group.deleted`.
 */
export async function deleteDirectoryGroup(ctx: CommandContext, t: DirectoryTenant, scimGroupId: string): Promise<void> {
  const group = await groupOf(ctx, t, scimGroupId);
  if (!group) return;
  const members: { user_id: string }[] = await ctx.manager.query(
    `SELECT user_id FROM scim_group_members WHERE directory_id = $1 AND group_id = $2 ORDER BY created_at, user_id`,
    [t.directoryId, scimGroupId],
  );
  await recordMembershipEvents(ctx, t, scimGroupId, { added: [], removed: members.map((m) => m.user_id) }, { withoutGroup: group });
  await recordEvent(ctx, { type: 'group.deleted', ...t, data: presentDirectoryGroup(group), subjectId: group.id });
}

/**
 * Records `group.user_added` / `group.user_removed` for membership changes of people who
 * have a directory user (others are not visible to apps), in the order given: the order
 * of the request's operations, so a subscriber replaying them ends where the source did.
 */
export async function recordMembershipEvents(
  ctx: CommandContext,
  t: DirectoryTenant,
  scimGroupId: string,
  change: { added: string[]; removed: string[]; order?: string[] },
  opts: { withoutGroup?: DirectoryGroupRow } = {},
): Promise<void> {
  if (change.added.length === 0 && change.removed.length === 0) return;
  const group = opts.withoutGroup ?? (await groupOf(ctx, t, scimGroupId));
  if (!group) return;
  const users: DirectoryUserRow[] = await ctx.manager.query(
    `SELECT * FROM directory_users WHERE directory_id = $1 AND scim_user_id = ANY($2::uuid[])`,
    [t.directoryId, [...change.added, ...change.removed]],
  );
  const refs = await groupRefsOf(ctx.manager, users);
  const added = new Set(change.added.map((id) => id.toLowerCase()));
  // A deleted group is already gone from the users' group lists.
  const groupsOf = (u: DirectoryUserRow) => (refs.get(u.id) ?? []).filter((g) => !opts.withoutGroup || g.id !== group.id);
  for (const user of inOrder(users, change)) {
    await recordEvent(ctx, {
      type: added.has(user.scim_user_id) ? 'group.user_added' : 'group.user_removed',
      ...t,
      data: { user: presentDirectoryUser(user, groupsOf(user)), group: presentDirectoryGroup(group) },
      subjectId: user.id,
    });
  }
}

// The request's order where it says one, then adds and removals in the order listed.
function inOrder(users: DirectoryUserRow[], change: { added: string[]; removed: string[]; order?: string[] }): DirectoryUserRow[] {
  const rank = new Map<string, number>();
  for (const id of [...(change.order ?? []), ...change.added, ...change.removed]) {
    const key = id.toLowerCase();
    if (!rank.has(key)) rank.set(key, rank.size);
  }
  return [...users].sort((a, b) => (rank.get(a.scim_user_id) ?? 0) - (rank.get(b.scim_user_id) ?? 0));
}

async function groupOf(ctx: CommandContext, t: DirectoryTenant, scimGroupId: string): Promise<DirectoryGroupRow | undefined> {
  const rows: DirectoryGroupRow[] = await ctx.manager.query(
    `SELECT * FROM directory_groups WHERE directory_id = $1 AND scim_group_id = $2`,
    [t.directoryId, scimGroupId],
  );
  return rows[0];
}
