/** A `directory_users` row: a person as apps see them in a directory, derived from a SCIM user by the lifecycle rules. */
export type DirectoryUserRow = {
  id: string;
  directory_id: string;
  environment_id: string;
  scim_user_id: string;
  external_id: string | null;
  username: string;
  emails: { value: string; type: string | null; primary: boolean }[];
  first_name: string | null;
  last_name: string | null;
  job_title: string | null;
  state: 'active' | 'inactive';
  custom_attributes: Record<string, unknown>;
  raw_attributes: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
};
