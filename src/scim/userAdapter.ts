import { createScimUser } from './createScimUser';
import { deleteScimUser } from './deleteScimUser';
import { replaceScimUser } from './replaceScimUser';
import { ResourceAdapter } from './resourceAdapter';
import { presentUser } from './scimPresenter';
import { UserRow, selectPage, selectUser } from './scimRows';

/** SCIM Users (RFC 7643 §4.1) on scim_users. */
export const userAdapter: ResourceAdapter<UserRow> = {
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
  create: async (ctx, stored) => ({ row: await createScimUser(ctx, stored) }),
  replace: async (ctx, current, stored) => ({ row: await replaceScimUser(ctx, current.row, stored) }),
  remove: (ctx, current) => deleteScimUser(ctx, current.row.id),
};
