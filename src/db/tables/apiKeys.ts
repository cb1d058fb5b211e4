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
  /** Rate limit override (src/tenancy/rateLimits.ts): requests per second; null with `rate_limit_burst` means the default. */
  rate_limit_per_second: number | null;
  /** Rate limit override: the most requests in a burst; null with `rate_limit_per_second` means the default. */
  rate_limit_burst: number | null;
};
