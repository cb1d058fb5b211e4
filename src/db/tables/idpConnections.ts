export const IDP_KINDS = ['okta', 'entra'] as const;
/** The identity providers dsync can call back: Okta's and Microsoft Graph's admin APIs. */
export type IdpKind = (typeof IDP_KINDS)[number];

/** An `idp_connections` row: how to call a directory's IdP; the secret is encrypted (src/webhooks/secretBox.ts). */
export type IdpConnectionRow = {
  directory_id: string;
  kind: IdpKind;
  /** Non-secret settings (org URL, app id, tenant id, …); unknown until checked. */
  settings: unknown;
  secret_ciphertext: string;
  created_at: Date;
  updated_at: Date;
};
