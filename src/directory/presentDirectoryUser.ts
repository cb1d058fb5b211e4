import { DirectoryUserRow } from '../db/tables/directoryUsers';

/** A group a user belongs to, as listed on the user. */
export type GroupRef = { object: 'directory_group'; id: string; name: string };

/** The directory user as the admin API returns it and as events carry it. */
export function presentDirectoryUser(u: DirectoryUserRow, groups: GroupRef[]) {
  return {
    object: 'directory_user' as const,
    id: u.id,
    directory_id: u.directory_id,
    environment_id: u.environment_id,
    idp_id: u.scim_user_id,
    external_id: u.external_id,
    username: u.username,
    emails: u.emails,
    first_name: u.first_name,
    last_name: u.last_name,
    job_title: u.job_title,
    state: u.state,
    groups,
    custom_attributes: u.custom_attributes,
    raw_attributes: u.raw_attributes,
    created_at: new Date(u.created_at).toISOString(),
    updated_at: new Date(u.updated_at).toISOString(),
  };
}

/** What remains of a directory user in stored events once the secure policy erased the person. */
export function redactedDirectoryUser(u: Pick<DirectoryUserRow, 'id' | 'directory_id' | 'environment_id' | 'scim_user_id' | 'username'>) {
  return {
    object: 'directory_user' as const,
    id: u.id,
    directory_id: u.directory_id,
    environment_id: u.environment_id,
    idp_id: u.scim_user_id,
    username: u.username,
    redacted: true,
  };
}
