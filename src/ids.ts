import { monotonicFactory } from 'ulid';

/**
 * App-facing ids: a kind prefix and a ULID, so they are opaque, tell what they name,
 * and sort by creation time (the admin API's cursors rely on that order).
 */
export type IdKind =
  | 'env'
  | 'directory'
  | 'directory_user'
  | 'directory_group'
  | 'scim_token'
  | 'key'
  | 'event'
  | 'audit'
  | 'job'
  | 'webhook_endpoint';

const nextUlid = monotonicFactory();

/** Returns a new id of the given kind, e.g. `directory_01JD3…`. */
export function newId(kind: IdKind): string {
  return `${kind}_${nextUlid()}`;
}

/** True when `value` has the shape of an id of `kind` (checked before it reaches SQL). */
export function isId(kind: IdKind, value: string): boolean {
  return new RegExp(`^${kind}_[0-9A-HJKMNP-TV-Z]{26}$`).test(value);
}
