import SCIMMY from 'scimmy';
import { ResourceKind, extrasOf, schemaFor } from './resourceMapping';
import { ScimGroupRow as GroupRow } from '../db/tables/scimGroups';
import { ScimUserRow as UserRow } from '../db/tables/scimUsers';
import { MemberRow } from './scimRows';

/** Which attributes the client asked for (RFC 7644 §3.4.2.5), already parsed by scimmy. */
export type Projection = {
  filter?: InstanceType<typeof SCIMMY.Types.Filter>;
  include?: string[];
  exclude?: string[];
};

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
  const Schema = schemaFor(kind);
  // Without a projection the stored form (validated by scimmy on every write) is already
  // what scimmy would return; skipping its coercion is most of a GET's CPU time.
  if (!projection.filter) return fastPresent(full, row, `${baseUrl}/${endpoint}`, Schema.definition.id);
  const out = JSON.parse(JSON.stringify(new Schema(full, 'out', `${baseUrl}/${endpoint}`, projection.filter))) as Record<
    string,
    unknown
  >;
  // RFC 7643 §3: schemas and id are always returned, whatever the projection.
  const result: Record<string, unknown> = { schemas: full.schemas ?? [Schema.definition.id], id: row.id, ...out };
  for (const [key, value] of Object.entries(extrasOf(kind, row.resource))) {
    if (wanted(key, projection)) result[key] = value;
  }
  return result;
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

function wanted(key: string, p: Projection): boolean {
  const k = key.toLowerCase();
  if (p.include) return p.include.some((a) => a.toLowerCase() === k || a.toLowerCase().startsWith(`${k}:`));
  if (p.exclude) return !p.exclude.some((a) => a.toLowerCase() === k);
  return true;
}
