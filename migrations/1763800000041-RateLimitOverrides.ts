import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-directory (its SCIM tokens) and per-API-key rate limits that replace the defaults;
 * both columns null means the default. Nullable columns without a default: no rewrite.
 */
export class RateLimitOverrides1763800000041 implements MigrationInterface {
  name = 'RateLimitOverrides1763800000041';

  async up(q: QueryRunner): Promise<void> {
    for (const table of ['directories', 'api_keys']) {
      await q.query(`
        ALTER TABLE ${table}
          ADD COLUMN rate_limit_per_second double precision,
          ADD COLUMN rate_limit_burst integer,
          ADD CONSTRAINT ${table}_rate_limit_check CHECK (
            (rate_limit_per_second IS NULL AND rate_limit_burst IS NULL)
            OR (rate_limit_per_second > 0 AND rate_limit_burst >= 1)
          )`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['directories', 'api_keys']) {
      await q.query(`ALTER TABLE ${table} DROP COLUMN rate_limit_per_second, DROP COLUMN rate_limit_burst`);
    }
  }
}
