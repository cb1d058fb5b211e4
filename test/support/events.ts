import { DataSource } from 'typeorm';

/** A stored event as subscribers receive it: its type, data and previous_attributes. */
export type StoredEvent = {
  type: string;
  data: Record<string, unknown>;
  previous_attributes: Record<string, unknown> | null;
};

/** Where a directory's event log stood at one moment; events after it are what happened since. */
export type EventMark = { directoryId: string; seq: string };

/** The directory a test's events belong to: its id and environment, as the admin API returned them. */
export type DirectoryIds = { id: string; environment_id: string };

/**
 * The events of one directory in the order they were recorded (`seq`, which follows
 * commit order within a directory's writes), optionally only those after a mark.
 */
export async function eventsOf(ds: DataSource, directoryId: string, after?: EventMark): Promise<StoredEvent[]> {
  const rows: StoredEvent[] = await ds.query(
    `SELECT type, data, previous_attributes FROM events
      WHERE directory_id = $1 AND seq > $2::bigint ORDER BY seq`,
    [directoryId, after?.seq ?? '0'],
  );
  return rows;
}

/** Marks the directory's event log as it stands now, so a test reads only what its next requests recorded. */
export async function markEvents(ds: DataSource, directoryId: string): Promise<EventMark> {
  const [row]: { seq: string }[] = await ds.query(
    `SELECT coalesce(max(seq), 0)::text AS seq FROM events WHERE directory_id = $1`,
    [directoryId],
  );
  return { directoryId, seq: row.seq };
}

/** The events recorded for a directory since `mark`, in order. */
export function eventsSince(ds: DataSource, mark: EventMark): Promise<StoredEvent[]> {
  return eventsOf(ds, mark.directoryId, mark);
}

/** The profile part of a directory user as events carry it (src/directory/presentDirectoryUser.ts). */
export type UserProfile = {
  external_id: string | null;
  username: string;
  emails: { value: string; type: string | null; primary: boolean }[];
  first_name: string | null;
  last_name: string | null;
  job_title: string | null;
  state: 'active' | 'inactive';
  groups: { object: 'directory_group'; id: string; name: string }[];
  custom_attributes: Record<string, unknown>;
  raw_attributes: Record<string, unknown>;
};

const ANY_DIRECTORY_USER_ID = /^directory_user_[0-9A-HJKMNP-TV-Z]{26}$/;
const ANY_DIRECTORY_GROUP_ID = /^directory_group_[0-9A-HJKMNP-TV-Z]{26}$/;

/**
 * The whole `data` of a user event: the directory user with `profile`. `id` is the
 * directory user's id when the test knows it, or any well-formed one.
 */
export function userEventData(directory: DirectoryIds, idpId: string, profile: UserProfile, id?: string) {
  return {
    object: 'directory_user',
    id: id ?? expect.stringMatching(ANY_DIRECTORY_USER_ID),
    directory_id: directory.id,
    environment_id: directory.environment_id,
    idp_id: idpId,
    ...profile,
    created_at: expect.any(String),
    updated_at: expect.any(String),
  };
}

/**
 * What remains of a directory user erased under the secure policy: identifiers only.
 * The deletion events add `state: "inactive"`; events stored earlier carry no state.
 */
export function redactedUserData(directory: DirectoryIds, idpId: string, username: string, id: string, state?: 'inactive') {
  return {
    object: 'directory_user',
    id,
    directory_id: directory.id,
    environment_id: directory.environment_id,
    idp_id: idpId,
    username,
    redacted: true,
    ...(state ? { state } : {}),
  };
}

/** The whole `data` of a group event (src/directory/presentDirectoryGroup.ts). */
export function groupEventData(directory: DirectoryIds, idpId: string, name: string, rawAttributes: Record<string, unknown>, id?: string) {
  return {
    object: 'directory_group',
    id: id ?? expect.stringMatching(ANY_DIRECTORY_GROUP_ID),
    directory_id: directory.id,
    environment_id: directory.environment_id,
    idp_id: idpId,
    name,
    raw_attributes: rawAttributes,
    created_at: expect.any(String),
    updated_at: expect.any(String),
  };
}
