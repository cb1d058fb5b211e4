import { EntityManager } from 'typeorm';
import { queryReturning } from '../db/returning';
import { createDirectoryGroup, deleteDirectoryGroup, recordMembershipEvents, updateDirectoryGroup } from '../directory/changeDirectoryGroup';
import { AppError, invalidRequest } from '../errors';
import { CommandContext, DirectoryTenant } from '../tenancy/context';
import { Loaded, ResourceAdapter } from './resourceAdapter';
import { StoredResource, groupColumns } from './scimColumns';
import { presentGroup } from './scimPresenter';
import { ScimGroupRow as GroupRow } from '../db/tables/scimGroups';
import { isScimId, selectGroup, selectMembers, selectPage } from './scimRows';

/**
 * SCIM Groups (RFC 7643 §4.2) on scim_groups and scim_group_members: each write stores
 * the IdP's group and hands the change to the directory domain
 * (src/directory/changeDirectoryGroup.ts), which keeps directory groups and their events.
 */
export const groupIngest: ResourceAdapter<GroupRow> = {
  kind: 'Group',
  async load(m, directoryId, id, o) {
    const row = await selectGroup(m, directoryId, id, o.forUpdate);
    if (!row) return undefined;
    return { row, members: o.members ? await selectMembers(m, directoryId, [row.id]) : undefined };
  },
  async loadPage(m, directoryId, page) {
    const { rows, total } = await selectPage<GroupRow>(m, 'scim_groups', directoryId, page.where, page.offset, page.limit);
    return { items: await withMembers(m, directoryId, rows, page.members), total };
  },
  present: (item, baseUrl, projection) => presentGroup(item.row, item.members, baseUrl, projection),
  async create(ctx, tenant, stored, validated) {
    const c = groupColumns(stored);
    const [row] = await queryReturning<GroupRow>(
      ctx.manager,
      `INSERT INTO scim_groups (directory_id, display_name, external_id, resource) VALUES ($1, $2, $3, $4) RETURNING *`,
      [tenant.directoryId, c.displayName, c.externalId, JSON.stringify(stored)],
    );
    await createDirectoryGroup(ctx, tenant, { scimGroupId: row.id, name: c.displayName, attributes: stored });
    // Okta may include the initial members in the POST.
    const ids = memberIds(validated) ?? [];
    await setMembers(ctx, tenant, row.id, ids, ids);
    return { row, members: await selectMembers(ctx.manager, tenant.directoryId, [row.id]) };
  },
  async replace(ctx, tenant, current, stored, validated, request) {
    const c = groupColumns(stored);
    const rows = await queryReturning<GroupRow>(
      ctx.manager,
      `UPDATE scim_groups
          SET display_name = $4, external_id = $5, resource = $6, version = version + 1, updated_at = now()
        WHERE directory_id = $1 AND id = $2 AND version = $3
        RETURNING *`,
      [tenant.directoryId, current.row.id, current.row.version, c.displayName, c.externalId, JSON.stringify(stored)],
    );
    if (rows.length === 0) throw new AppError('precondition_failed', 'The resource changed concurrently; retry');
    // Rename first, so membership events carry the group's new name.
    await updateDirectoryGroup(ctx, tenant, { scimGroupId: current.row.id, name: c.displayName, attributes: stored });
    // RFC 7644 §3.5.1: a PUT without members leaves the group with none.
    const ids = memberIds(validated) ?? [];
    await setMembers(ctx, tenant, current.row.id, ids, request?.operations ? mentionedIds(request.operations) : ids);
    return { row: rows[0], members: await selectMembers(ctx.manager, tenant.directoryId, [current.row.id]) };
  },
  async remove(ctx, tenant, current) {
    await deleteDirectoryGroup(ctx, tenant, current.row.id);
    await ctx.manager.query(`DELETE FROM scim_groups WHERE directory_id = $1 AND id = $2`, [tenant.directoryId, current.row.id]);
  },
};

/**
 * Makes a group's members exactly `userIds`, writing only the difference. Every id must
 * be a user of the same directory: another directory's user is reported as unknown,
 * exactly like an id that does not exist. `order` is the request's order of mention.
 */
async function setMembers(ctx: CommandContext, t: DirectoryTenant, groupId: string, userIds: string[], order: string[]): Promise<void> {
  const wanted = [...new Set(userIds.map((id) => id.toLowerCase()))];
  const malformed = wanted.filter((id) => !isScimId(id));
  if (malformed.length > 0) throw invalidRequest(`Unknown member id(s): ${malformed.slice(0, 5).join(', ')}`);
  const found = await queryReturning<{ id: string }>(
    ctx.manager,
    `SELECT id FROM scim_users WHERE directory_id = $1 AND id = ANY($2::uuid[])`,
    [t.directoryId, wanted],
  );
  if (found.length !== wanted.length) {
    const known = new Set(found.map((r) => r.id));
    const missing = wanted.filter((id) => !known.has(id.toLowerCase()) && !known.has(id));
    throw invalidRequest(`Unknown member id(s): ${missing.slice(0, 5).join(', ')}`);
  }
  const removed = await queryReturning<{ user_id: string }>(
    ctx.manager,
    `DELETE FROM scim_group_members WHERE directory_id = $1 AND group_id = $2 AND NOT (user_id = ANY($3::uuid[]))
     RETURNING user_id`,
    [t.directoryId, groupId, wanted],
  );
  const added = await queryReturning<{ user_id: string }>(
    ctx.manager,
    `INSERT INTO scim_group_members (directory_id, group_id, user_id)
     SELECT $1, $2, u FROM unnest($3::uuid[]) AS u
     ON CONFLICT DO NOTHING RETURNING user_id`,
    [t.directoryId, groupId, wanted],
  );
  await recordMembershipEvents(ctx, t, groupId, {
    added: added.map((r) => r.user_id),
    removed: removed.map((r) => r.user_id),
    order: [...order, ...wanted],
  });
}

// RFC 7643 §4.2: members[].value is the member's id.
function memberIds(validated: Record<string, unknown>): string[] | undefined {
  const members = validated.members;
  if (!Array.isArray(members)) return undefined;
  return members.map((m) => String((m as { value?: unknown }).value ?? ''));
}

const MEMBER_FILTER = /members\s*\[\s*value\s+eq\s+"([^"]+)"\s*\]/gi;

// The member ids a PATCH names, in the order of its operations (RFC 7644 §3.5.2): values
// of add/replace/remove, and ids in `members[value eq "…"]` paths.
function mentionedIds(operations: unknown[]): string[] {
  const ids: string[] = [];
  const fromValue = (value: unknown) => {
    const list = Array.isArray(value) ? value : isObject(value) && Array.isArray(value.members) ? value.members : [];
    for (const m of list) if (isObject(m) && typeof m.value === 'string') ids.push(m.value);
  };
  for (const op of operations) {
    if (!isObject(op)) continue;
    if (typeof op.path === 'string') for (const match of op.path.matchAll(MEMBER_FILTER)) ids.push(match[1]);
    fromValue(op.value);
  }
  return ids;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

async function withMembers(m: EntityManager, directoryId: string, rows: GroupRow[], load: boolean): Promise<Loaded<GroupRow>[]> {
  if (!load) return rows.map((row) => ({ row }));
  const members = await selectMembers(m, directoryId, rows.map((r) => r.id));
  return rows.map((row) => ({ row, members: members.filter((x) => x.group_id === row.id) }));
}
