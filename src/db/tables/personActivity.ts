/** What a person's app usage was, as an activity signal says. */
export const ACTIVITY_KINDS = ['sign_in', 'token', 'active'] as const;
/** `sign_in` (an SSO sign-in), `token` (an API token used), `active` (any other use the app reports). */
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

/** What an idle rule's action did for one person: `unassign` calls the IdP and may be retried. */
export type IdleActionStatus = { action: 'notify' | 'deactivate' | 'unassign'; status: 'pending' | 'succeeded' | 'failed'; attempts: number; last_error: string | null };

/** A `person_activity` row: when a person (by their IdP record) was last seen, and their idle episode. */
export type PersonActivityRow = {
  scim_user_id: string;
  directory_id: string;
  last_seen_at: Date | null;
  last_kind: ActivityKind | null;
  /** When the current idle episode began (the limit was crossed); null when not idle. */
  idle_since: Date | null;
  /** When the current episode's warning was emitted. */
  idle_warned_at: Date | null;
  /** Unknown until checked; see `IdleActionStatus`. */
  idle_action: unknown;
  /** When the call removing the app assignment (unassign) was last sent in this episode. */
  idle_action_sent_at: Date | null;
  updated_at: Date;
};
