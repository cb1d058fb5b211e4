import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A rotated-out signing secret that keeps signing beside the new one until
 * `previous_secret_expires_at` (src/webhooks/rotateWebhookSecret.ts), sealed like the
 * current one. The three columns are set and cleared together.
 */
export class WebhookPreviousSecret1763800000052 implements MigrationInterface {
  name = 'WebhookPreviousSecret1763800000052';

  async up(q: QueryRunner): Promise<void> {
    // Nullable columns without defaults: no table rewrite.
    await q.query(`
      ALTER TABLE webhook_endpoints
        ADD COLUMN previous_secret_ciphertext text,
        ADD COLUMN previous_secret_prefix text,
        ADD COLUMN previous_secret_expires_at timestamptz,
        ADD CONSTRAINT webhook_endpoints_previous_secret_whole CHECK (
          (previous_secret_ciphertext IS NULL) = (previous_secret_prefix IS NULL)
          AND (previous_secret_ciphertext IS NULL) = (previous_secret_expires_at IS NULL))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE webhook_endpoints
        DROP CONSTRAINT webhook_endpoints_previous_secret_whole,
        DROP COLUMN previous_secret_ciphertext,
        DROP COLUMN previous_secret_prefix,
        DROP COLUMN previous_secret_expires_at`);
  }
}
