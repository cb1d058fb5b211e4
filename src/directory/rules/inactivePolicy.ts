import { InactivePolicy } from '../../db/tables/environments';
import { UserState } from './deriveState';

/** What the IdP's push means for the SCIM resource's person. */
export type Target = UserState | 'deprovisioned';

/**
 * What to do with the directory user (what apps see). `erase` means the SCIM resource
 * keeps only the identifiers the IdP needs (id, userName, externalId, active=false).
 */
export type Decision =
  | { action: 'create'; state: UserState; erase: false }
  | { action: 'update'; state: UserState; erase: false }
  | { action: 'delete'; erase: boolean }
  | { action: 'none'; erase: boolean };

/**
 * The inactive-policy table (README, "Lifecycle"). `secure` (default) deletes a
 * directory user when the person becomes inactive and keeps no profile for inactive
 * people; a returning person becomes a new directory user. `retain` keeps inactive
 * directory users, so reactivation keeps the same user. Deprovisioning (SCIM DELETE)
 * deletes the directory user under both, and under secure redacts its stored events.
 */
export function decide(policy: InactivePolicy, hasDirectoryUser: boolean, target: Target): Decision {
  // Under secure a deprovisioned person's profile also leaves the stored event log.
  if (target === 'deprovisioned') {
    return hasDirectoryUser ? { action: 'delete', erase: policy === 'secure' } : { action: 'none', erase: false };
  }
  if (target === 'active') {
    return hasDirectoryUser ? { action: 'update', state: 'active', erase: false } : { action: 'create', state: 'active', erase: false };
  }
  if (policy === 'secure') return hasDirectoryUser ? { action: 'delete', erase: true } : { action: 'none', erase: true };
  return hasDirectoryUser ? { action: 'update', state: 'inactive', erase: false } : { action: 'create', state: 'inactive', erase: false };
}
