/** A `directory_tokens` row: a directory's SCIM bearer token, stored only as a SHA-256 hash; several may be live during a rotation. */
export type DirectoryTokenRow = {
  id: string;
  directory_id: string;
  token_hash: string;
  prefix: string;
  created_at: Date;
  revoked_at: Date | null;
};
