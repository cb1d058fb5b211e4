/** The closed list of event types delivered to subscribers. */
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
] as const;

export type EventType = (typeof EVENT_TYPES)[number];
