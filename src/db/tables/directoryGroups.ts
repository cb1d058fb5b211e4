/** A `directory_groups` row: a group as apps see it, derived from a SCIM group; its members are the SCIM members who have a directory user. */
export type DirectoryGroupRow = {
  id: string;
  directory_id: string;
  environment_id: string;
  scim_group_id: string;
  name: string;
  raw_attributes: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
};
