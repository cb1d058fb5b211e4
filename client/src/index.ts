/*
 * The package's public surface, listed name by name: what `@dsync/client` exports.
 * Code inside the package imports from the defining modules, never from here.
 */
export { DsyncClient } from './dsyncClient.js';
export type { DsyncClientOptions, DirectoryUserListParams, EventListParams, Page, PageParams } from './dsyncClient.js';
export type { EventStreamOptions } from './eventStream.js';
export { DsyncApiError } from './apiError.js';
export type { ApiErrorCode } from './apiError.js';
export { verifyWebhook, signWebhook, WebhookVerificationError } from './verifyWebhook.js';
export type { VerifyWebhookOptions, WebhookVerificationErrorCode } from './verifyWebhook.js';
export { EVENT_TYPES, isRedacted } from './events.js';
export type {
  Directory,
  DirectoryActivatedEvent,
  DirectoryDeletedEvent,
  DirectoryGroup,
  DirectoryUser,
  DsyncEvent,
  EventDirectory,
  EventDirectoryUser,
  EventEnvelope,
  EventOfType,
  EventType,
  GroupCreatedEvent,
  GroupDeletedEvent,
  GroupPreviousAttributes,
  GroupUpdatedEvent,
  GroupUserAddedEvent,
  GroupUserRemovedEvent,
  IdleEventDirectoryUser,
  MembershipEventData,
  RedactedDirectoryUser,
  UserCreatedEvent,
  UserDeletedEvent,
  UserIdleEvent,
  UserIdleWarningEvent,
  UserPreviousAttributes,
  UserUpdatedEvent,
} from './events.js';
export type { components, operations, paths } from './generated/adminApi.js';
