import { queryReturning } from '../db/returning';
import { recordEvent } from '../events/recordEvent';
import { newId } from '../ids';
import { previousAttributes } from './rules/changes';
import { DirectoryGroupRow, presentDirectoryGroup } from './presentDirectoryGroup';
import { DirectoryUserRow } from './presentDirectoryUser';
import { presentDirectoryUser } from './presentDirectoryUser';
import { CommandContext } from '../tenancy/context';
import { groupRefsOf } from './directoryUserQueries';
import { StoredResource } from '../scim/scimColumns';
import { scimTenantOf } from '../scim/scimTenant';

/** Creates the directory group of a new SCIM group and records `group.created`. */
export async function createDirectoryGroup(ctx: CommandContext, scimGroupId: string, stored: StoredResource): Promise<void> {
  const { directoryId, environmentId } = scimTenantOf(ctx);
  const [group] = await queryReturning<DirectoryGroupRow>(
    ctx.manager,
    `INSERT INTO directory_groups (id, directory_id, environment_id, scim_group_id, name, raw_attributes)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
    [newId('directory_group'), directoryId, environmentId, scimGroupId, String(stored.displayName), JSON.stringify(stored)],
  );
  await recordEvent(ctx, { type: 'group.created', environmentId, directoryId, data: presentDirectoryGroup(group), subjectId: group.id });
}

/** Brings a directory group in line with its SCIM group; `group.updated` only when something visible changed. */
export async function updateDirectoryGroup(ctx: CommandContext, scimGroupId: string, stored: StoredResource): Promise<void> {
  const { directoryId, environmentId } = scimTenantOf(ctx);
  const current = await groupOf(ctx, scimGroupId);
  if (!current) return;
  const before = { name: current.name, raw_attributes: current.raw_attributes };
  const after = { name: String(stored.displayName), raw_attributes: stored };
  const previous = previousAttributes(before, after);
  if (!previous) return;
  const [group] = await queryReturning<DirectoryGroupRow>(
    ctx.manager,
    `UPDATE directory_groups SET name = $2, raw_attributes = $3, updated_at = now() WHERE id = $1 RETURNING *`,
    [current.id, after.name, JSON.stringify(stored)],
  );
  await recordEvent(ctx, {
    type: 'group.updated',
    environmentId,
    directoryId,
    data: presentDirectoryGroup(group),
    previousAttributes: previous,
    subjectId: group.id,
  });
}

/** Records `group.deleted` for a SCIM group about to be deleted (its directory group cascades). */
export async function recordDirectoryGroupDeleted(ctx: CommandContext, scimGroupId: string): Promise<void> {
  const { directoryId, environmentId } = scimTenantOf(ctx);
  const group = await groupOf(ctx, scimGroupId);
  if (!group) return;
  await recordEvent(ctx, { type: 'group.deleted', environmentId, directoryId, data: presentDirectoryGroup(group), subjectId: group.id });
}

/**
 * Records `group.user_added` / `group.user_removed` for SCIM membership changes of
 * people who have a directory user (others are not visible to apps).
 */
export async function recordMembershipEvents(
  ctx: CommandContext,
  scimGroupId: string,
  change: { added: string[]; removed: string[] },
): Promise<void> {
  if (change.added.length === 0 && change.removed.length === 0) return;
  const { directoryId, environmentId } = scimTenantOf(ctx);
  const group = await groupOf(ctx, scimGroupId);
  if (!group) return;
  const users: DirectoryUserRow[] = await ctx.manager.query(
    `SELECT * FROM directory_users WHERE directory_id = $1 AND scim_user_id = ANY($2::uuid[]) ORDER BY id`,
    [directoryId, [...change.added, ...change.removed]],
  );
  const refs = await groupRefsOf(ctx.manager, users);
  const added = new Set(change.added.map((id) => id.toLowerCase()));
  for (const user of users) {
    await recordEvent(ctx, {
      type: added.has(user.scim_user_id) ? 'group.user_added' : 'group.user_removed',
      environmentId,
      directoryId,
      data: { user: presentDirectoryUser(user, refs.get(user.id) ?? []), group: presentDirectoryGroup(group) },
      subjectId: user.id,
    });
  }
}

async function groupOf(ctx: CommandContext, scimGroupId: string): Promise<DirectoryGroupRow | undefined> {
  const { directoryId } = scimTenantOf(ctx);
  const rows: DirectoryGroupRow[] = await ctx.manager.query(
    `SELECT * FROM directory_groups WHERE directory_id = $1 AND scim_group_id = $2`,
    [directoryId, scimGroupId],
  );
  return rows[0];
}
