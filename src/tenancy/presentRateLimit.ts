import { z } from 'zod';
import { RateLimit, RateLimitColumns, rateLimitOf } from './rateLimits';

/** A directory's (its SCIM tokens') or an API key's rate limit as the admin API shows it. */
export type RateLimitView = {
  object: 'rate_limit';
  requests_per_second: number;
  burst: number;
  /** `default` when no override is set; `custom` otherwise. */
  source: 'default' | 'custom';
};

/** The body of PUT …/rate-limit. */
export const setRateLimitInput = z
  .object({
    requests_per_second: z.number().positive().max(100_000),
    burst: z.number().int().min(1).max(1_000_000),
  })
  .strict();

/** Serialises the limit in force for a row with override columns. */
export function presentRateLimit(row: RateLimitColumns, fallback: RateLimit): RateLimitView {
  const limit = rateLimitOf(row, fallback);
  return {
    object: 'rate_limit',
    requests_per_second: limit.requestsPerSecond,
    burst: limit.burst,
    source: row.rate_limit_per_second === null ? 'default' : 'custom',
  };
}

/** The override columns for an input, or both null to return to the default. */
export function rateLimitColumns(input: z.infer<typeof setRateLimitInput> | null): RateLimitColumns {
  return { rate_limit_per_second: input?.requests_per_second ?? null, rate_limit_burst: input?.burst ?? null };
}
