import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A directory's Okta event hook: the hash of the secret Okta sends in the header of every
 * call (the secret itself is shown once). One per directory; a new one replaces it.
 */
export class OktaEventHooks1763800000050 implements MigrationInterface {
  name = 'OktaEventHooks1763800000050';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE okta_event_hooks (
        directory_id text PRIMARY KEY REFERENCES directories(id) ON DELETE CASCADE,
        secret_hash text NOT NULL,
        secret_prefix text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE okta_event_hooks`);
  }
}
