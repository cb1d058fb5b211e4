import type { components } from './generated/adminApi.js';

type Schemas = components['schemas'];

/** Every event type dsync records (the `EventType` enum of the admin API). */
export type EventType = Schemas['EventType'];

/** The event types as a list, e.g. to subscribe to all of them; a compile-time check keeps it equal to `EventType`. */
export const EVENT_TYPES = [
  'user.created',
  'user.updated',
  'user.deleted',
  'user.idle_warning',
  'user.idle',
  'group.created',
  'group.updated',
  'group.deleted',
  'group.user_added',
  'group.user_removed',
  'directory.activated',
  'directory.deleted',
] as const satisfies readonly EventType[];

/** A directory user as the admin API returns it (`GET /api/v1/directory-users/{id}`). */
export type DirectoryUser = Schemas['DirectoryUser'];
/** A directory group as the admin API returns it. */
export type DirectoryGroup = Schemas['DirectoryGroup'];
/** A directory as the admin API returns it. */
export type Directory = Schemas['Directory'];

/**
 * A directory user as events carry it: the API's shape without what is computed when the
 * user is read — `lifecycle` (it depends on the directory's current `domains`) and the
 * activity fields `last_seen_at`, `idle_since`, `idle_action`.
 */
export type EventDirectoryUser = Omit<DirectoryUser, 'lifecycle' | 'last_seen_at' | 'idle_since' | 'idle_action'>;

/**
 * The user in `user.idle_warning` and `user.idle`: the event shape plus when they were last
 * seen and, for `user.idle`, since when they count as idle (`null` in a warning).
 */
export type IdleEventDirectoryUser = EventDirectoryUser & Pick<DirectoryUser, 'last_seen_at' | 'idle_since'>;

/**
 * What stored events keep of a person once the `secure` policy erased them: identifiers
 * only. Events recorded before the erasure are rewritten to this shape, so an event read
 * (or delivered) after it may carry it even for `user.created`; `user.deleted` and
 * `group.user_removed` of the erasure itself add `state: "inactive"`.
 */
export type RedactedDirectoryUser = Pick<DirectoryUser, 'object' | 'id' | 'directory_id' | 'environment_id' | 'idp_id' | 'username'> & {
  redacted: true;
  state?: 'inactive';
};

/** The directory in `directory.*` events: the API's shape without `scim_url`, and `deleted` as a state of its own. */
export type EventDirectory = Omit<Directory, 'scim_url' | 'state'> & { state: Directory['state'] | 'deleted' };

/** The `data` of `group.user_added` and `group.user_removed`. */
export type MembershipEventData = { user: EventDirectoryUser | RedactedDirectoryUser; group: DirectoryGroup };

/**
 * `previous_attributes` of `user.updated`: the fields that changed, with their old values.
 * For `custom_attributes` and `raw_attributes` only the changed keys are listed.
 */
export type UserPreviousAttributes = Partial<
  Pick<EventDirectoryUser, 'external_id' | 'username' | 'emails' | 'first_name' | 'last_name' | 'job_title' | 'state'>
> & { custom_attributes?: Record<string, unknown>; raw_attributes?: Record<string, unknown> };

/** `previous_attributes` of `group.updated` (changed keys of `raw_attributes` only). */
export type GroupPreviousAttributes = { name?: string; raw_attributes?: Record<string, unknown> };

/** The fields every event has, whatever its type. */
export type EventEnvelope = Omit<Schemas['Event'], 'type' | 'data' | 'previous_attributes'>;

type EventOf<T extends EventType, D> = EventEnvelope & { type: T; data: D; previous_attributes?: undefined };
// Erasure under `secure` drops previous_attributes from stored events, so it is optional.
type UpdateEventOf<T extends EventType, D, P> = EventEnvelope & { type: T; data: D; previous_attributes?: P };

export type UserCreatedEvent = EventOf<'user.created', EventDirectoryUser | RedactedDirectoryUser>;
export type UserUpdatedEvent = UpdateEventOf<'user.updated', EventDirectoryUser | RedactedDirectoryUser, UserPreviousAttributes>;
export type UserDeletedEvent = EventOf<'user.deleted', EventDirectoryUser | RedactedDirectoryUser>;
export type UserIdleWarningEvent = EventOf<'user.idle_warning', IdleEventDirectoryUser | RedactedDirectoryUser>;
export type UserIdleEvent = EventOf<'user.idle', IdleEventDirectoryUser | RedactedDirectoryUser>;
export type GroupCreatedEvent = EventOf<'group.created', DirectoryGroup>;
export type GroupUpdatedEvent = UpdateEventOf<'group.updated', DirectoryGroup, GroupPreviousAttributes>;
export type GroupDeletedEvent = EventOf<'group.deleted', DirectoryGroup>;
export type GroupUserAddedEvent = EventOf<'group.user_added', MembershipEventData>;
export type GroupUserRemovedEvent = EventOf<'group.user_removed', MembershipEventData>;
export type DirectoryActivatedEvent = EventOf<'directory.activated', EventDirectory>;
export type DirectoryDeletedEvent = EventOf<'directory.deleted', EventDirectory>;

/**
 * An event as the events API returns it and as webhooks deliver it: a union
 * discriminated by `type`, so `switch (event.type)` narrows `data` and `previous_attributes`.
 */
export type DsyncEvent =
  | UserCreatedEvent
  | UserUpdatedEvent
  | UserDeletedEvent
  | UserIdleWarningEvent
  | UserIdleEvent
  | GroupCreatedEvent
  | GroupUpdatedEvent
  | GroupDeletedEvent
  | GroupUserAddedEvent
  | GroupUserRemovedEvent
  | DirectoryActivatedEvent
  | DirectoryDeletedEvent;

/** The event of one type, e.g. `EventOfType<'user.updated'>`. */
export type EventOfType<T extends EventType> = Extract<DsyncEvent, { type: T }>;

// Compile-time checks: the union and the list cover exactly the API's event types.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const unionCoversEveryType: Same<DsyncEvent['type'], EventType> = true;
const listCoversEveryType: Same<(typeof EVENT_TYPES)[number], EventType> = true;
void unionCoversEveryType;
void listCoversEveryType;

/** True when a user in an event carries identifiers only (erased under the `secure` policy). */
export function isRedacted(user: EventDirectoryUser | RedactedDirectoryUser): user is RedactedDirectoryUser {
  return 'redacted' in user && user.redacted === true;
}
