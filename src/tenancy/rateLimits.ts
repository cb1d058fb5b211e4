/** A token bucket's size: tokens added per second, and the most it holds (the largest burst). */
export type RateLimit = { requestsPerSecond: number; burst: number };

/** Whose budget a request draws on: the shared bucket's name and its size. */
export type RateBudget = { bucket: string; limit: RateLimit };

/**
 * Per SCIM token. Well above what IdPs send: Entra provisions at a few requests per
 * second per app, Okta at most a few dozen; an initial sync of a large group comes in
 * bursts that 200 absorbs.
 */
export const SCIM_TOKEN_RATE_LIMIT: RateLimit = { requestsPerSecond: 100, burst: 200 };

/** Per API key (environment and admin keys alike). */
export const API_KEY_RATE_LIMIT: RateLimit = { requestsPerSecond: 50, burst: 100 };

/** The columns that hold a directory's or a key's override; both null means the default. */
export type RateLimitColumns = { rate_limit_per_second: number | null; rate_limit_burst: number | null };

/** The limit in force for a directory or key: its override, or the default. */
export function rateLimitOf(row: RateLimitColumns, fallback: RateLimit): RateLimit {
  if (row.rate_limit_per_second === null || row.rate_limit_burst === null) return fallback;
  return { requestsPerSecond: row.rate_limit_per_second, burst: row.rate_limit_burst };
}
