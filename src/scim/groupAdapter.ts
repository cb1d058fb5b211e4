import { EntityManager } from 'typeorm';
import { createScimGroup } from './createScimGroup';
import { deleteScimGroup } from './deleteScimGroup';
import { replaceScimGroup } from './replaceScimGroup';
import { Loaded, ResourceAdapter } from './resourceAdapter';
import { presentGroup } from './scimPresenter';
import { GroupRow, selectGroup, selectMembers, selectPage } from './scimRows';

/** SCIM Groups (RFC 7643 §4.2) on scim_groups and scim_group_members. */
export const groupAdapter: ResourceAdapter<GroupRow> = {
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
  async create(ctx, stored, validated) {
    const row = await createScimGroup(ctx, stored, memberIds(validated) ?? []);
    return { row, members: await selectMembers(ctx.manager, row.directory_id, [row.id]) };
  },
  async replace(ctx, current, stored, validated) {
    const row = await replaceScimGroup(ctx, current.row, stored, memberIds(validated) ?? []);
    return { row, members: await selectMembers(ctx.manager, row.directory_id, [row.id]) };
  },
  remove: (ctx, current) => deleteScimGroup(ctx, current.row.id),
};

// RFC 7643 §4.2: members[].value is the member's id.
function memberIds(validated: Record<string, unknown>): string[] | undefined {
  const members = validated.members;
  if (!Array.isArray(members)) return undefined;
  return members.map((m) => String((m as { value?: unknown }).value ?? ''));
}

async function withMembers(
  m: EntityManager,
  directoryId: string,
  rows: GroupRow[],
  load: boolean,
): Promise<Loaded<GroupRow>[]> {
  if (!load) return rows.map((row) => ({ row }));
  const members = await selectMembers(m, directoryId, rows.map((r) => r.id));
  return rows.map((row) => ({ row, members: members.filter((x) => x.group_id === row.id) }));
}
