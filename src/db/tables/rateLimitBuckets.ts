/**
 * A `rate_limit_buckets` row: the shared token bucket of one credential (`scim_token:…`,
 * `api_key:…`, `admin_key:ADMIN_API_KEY`), as of `refilled_at`. `granted` is what the last
 * take handed out, so the one upsert that takes tokens can return it.
 */
export type RateLimitBucketRow = {
  bucket: string;
  tokens: number;
  granted: number;
  refilled_at: Date;
};
