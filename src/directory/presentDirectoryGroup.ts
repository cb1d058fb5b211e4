import { DirectoryGroupRow } from '../db/tables/directoryGroups';

/** The directory group as the admin API returns it and as events carry it. */
export function presentDirectoryGroup(g: DirectoryGroupRow) {
  return {
    object: 'directory_group' as const,
    id: g.id,
    directory_id: g.directory_id,
    environment_id: g.environment_id,
    idp_id: g.scim_group_id,
    name: g.name,
    raw_attributes: g.raw_attributes,
    created_at: new Date(g.created_at).toISOString(),
    updated_at: new Date(g.updated_at).toISOString(),
  };
}
