/** An `okta_event_hooks` row: the hashed secret of a directory's Okta event hook. */
export type OktaEventHookRow = {
  directory_id: string;
  /** SHA-256 of the secret Okta sends as the `Authorization` header (src/secrets.ts). */
  secret_hash: string;
  /** The secret's first characters, safe to show and log. */
  secret_prefix: string;
  created_at: Date;
  updated_at: Date;
};
