/** `admin` keys act on every environment; `environment` keys only on theirs. */
export type ApiKeyScope = 'admin' | 'environment';

/** An `api_keys` row: an admin-API key, stored only as a SHA-256 hash; `environment_id` is null exactly for `admin` keys. */
export type ApiKeyRow = {
  id: string;
  environment_id: string | null;
  scope: ApiKeyScope;
  name: string;
  key_hash: string;
  prefix: string;
  created_at: Date;
  revoked_at: Date | null;
};
