import { ApiKeyRow } from '../db/tables/apiKeys';

/** An api_keys row without its hash and rate-limit override, as API_KEY_COLUMNS reads it. */
export type ApiKeyMetadata = Omit<ApiKeyRow, 'key_hash' | 'rate_limit_per_second' | 'rate_limit_burst'>;

/** The api_keys columns of ApiKeyMetadata: the hash is only ever compared (src/tenancy/authenticateApiKey.ts), never read out. */
export const API_KEY_COLUMNS = 'id, environment_id, scope, name, prefix, created_at, revoked_at';

/** An API key's metadata (never the key itself, which is shown once at creation). */
export type ApiKeyView = {
  object: 'api_key';
  id: string;
  environment_id: string | null;
  name: string;
  prefix: string;
  created_at: string;
  revoked_at: string | null;
};

/** Serialises an API key's metadata. */
export function presentApiKey(k: ApiKeyMetadata): ApiKeyView {
  return {
    object: 'api_key',
    id: k.id,
    environment_id: k.environment_id,
    name: k.name,
    prefix: k.prefix,
    created_at: k.created_at.toISOString(),
    revoked_at: k.revoked_at ? k.revoked_at.toISOString() : null,
  };
}
