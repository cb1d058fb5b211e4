import { ScimGroupRow as GroupRow } from '../db/tables/scimGroups';
import { ScimUserRow as UserRow } from '../db/tables/scimUsers';
import { Projection, project } from './projection';
import { ResourceKind, schemaFor } from './resourceMapping';
import { MemberRow } from './scimRows';

/** A resource's ETag (RFC 7644 §3.14): weak, from the row version. */
export const etagOf = (version: number) => `W/"${version}"`;

/** The SCIM representation of a user, with meta.location under this directory's base URL. */
export function presentUser(row: UserRow, baseUrl: string, projection: Projection = {}): Record<string, unknown> {
  return present('User', row, undefined, baseUrl, projection);
}

/** The SCIM representation of a group; `members` undefined means they were not loaded (excluded). */
export function presentGroup(
  row: GroupRow,
  members: MemberRow[] | undefined,
  baseUrl: string,
  projection: Projection = {},
): Record<string, unknown> {
  return present('Group', row, members, baseUrl, projection);
}

function present(
  kind: ResourceKind,
  row: UserRow | GroupRow,
  members: MemberRow[] | undefined,
  baseUrl: string,
  projection: Projection,
): Record<string, unknown> {
  const endpoint = kind === 'User' ? 'Users' : 'Groups';
  const full: Record<string, unknown> = {
    ...row.resource,
    id: row.id,
    meta: {
      resourceType: kind,
      created: new Date(row.created_at).toISOString(),
      lastModified: new Date(row.updated_at).toISOString(),
      version: etagOf(row.version),
    },
  };
  if (members) {
    full.members = members.map((m) => ({
      value: m.user_id,
      display: m.display_name ?? m.user_name,
      $ref: `${baseUrl}/Users/${m.user_id}`,
      type: 'User',
    }));
  }
  // The stored form was validated by scimmy on every write, so it is already what scimmy
  // would return; skipping its coercion is most of a GET's CPU time. A projection selects
  // from it, attributes scimmy does not declare included (RFC 7644 §3.4.2.5).
  const presented = fastPresent(full, row, `${baseUrl}/${endpoint}`, schemaFor(kind).definition.id);
  return project(kind, presented, projection);
}

function fastPresent(full: Record<string, unknown>, row: UserRow | GroupRow, location: string, schemaId: string) {
  const { schemas, externalId, meta, id, ...attributes } = full;
  return {
    schemas: schemas ?? [schemaId],
    id,
    ...(externalId === undefined ? {} : { externalId }),
    meta: { ...(meta as Record<string, unknown>), location: `${location}/${row.id}` },
    ...attributes,
  };
}
