/** A `scim_group_members` row: a SCIM user in a SCIM group, both of `directory_id` (composite foreign keys). */
export type ScimGroupMemberRow = {
  directory_id: string;
  group_id: string;
  user_id: string;
  created_at: Date;
};
