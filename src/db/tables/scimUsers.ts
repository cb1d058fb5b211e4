/** A `scim_users` row: a SCIM User as the IdP pushed it (RFC 7643 §4.1); the indexed columns are derived from `resource`. */
export type ScimUserRow = {
  /** A UUID. */
  id: string;
  directory_id: string;
  user_name: string;
  external_id: string | null;
  active: boolean;
  display_name: string | null;
  resource: Record<string, unknown>;
  version: number;
  created_at: Date;
  updated_at: Date;
  /** Each source's standing decision about the person's state; unknown until parsed (src/directory/rules/stateSignals.ts). */
  state_signals: unknown;
};
