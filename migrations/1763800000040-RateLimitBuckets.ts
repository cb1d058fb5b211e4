import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The shared token buckets of the rate limits (src/tenancy/rateLimiter.ts): one row per
 * credential, so every server process draws on one budget. Each process takes tokens
 * in chunks with one upsert and serves requests from its local allowance.
 *
 * UNLOGGED: a bucket is a few seconds of state. Skipping the WAL makes its frequent
 * updates cheap; after a crash PostgreSQL empties the table and every bucket starts
 * full again, and standbys do not see it — both harmless for a rate limit.
 */
export class RateLimitBuckets1763800000040 implements MigrationInterface {
  name = 'RateLimitBuckets1763800000040';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE UNLOGGED TABLE rate_limit_buckets (
        bucket text PRIMARY KEY,
        tokens double precision NOT NULL,
        granted integer NOT NULL,
        refilled_at timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE rate_limit_buckets`);
  }
}
