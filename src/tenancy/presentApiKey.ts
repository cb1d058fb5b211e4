import { ApiKey } from '../entities/ApiKey';

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
export function presentApiKey(k: ApiKey): ApiKeyView {
  return {
    object: 'api_key',
    id: k.id,
    environment_id: k.environmentId,
    name: k.name,
    prefix: k.prefix,
    created_at: k.createdAt.toISOString(),
    revoked_at: k.revokedAt ? k.revokedAt.toISOString() : null,
  };
}
