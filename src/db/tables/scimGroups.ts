/** A `scim_groups` row: a SCIM Group resource (RFC 7643 §4.2), scoped to a directory; members are in `scim_group_members`. */
export type ScimGroupRow = {
  /** A UUID. */
  id: string;
  directory_id: string;
  display_name: string;
  external_id: string | null;
  resource: Record<string, unknown>;
  version: number;
  created_at: Date;
  updated_at: Date;
};
