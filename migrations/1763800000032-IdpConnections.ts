import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A directory's connection for the calls dsync makes to its identity provider (remove an
 * app assignment, read sign-in activity): the provider's kind, its non-secret settings,
 * and the secret (API token or client secret) encrypted like webhook secrets.
 */
export class IdpConnections1763800000032 implements MigrationInterface {
  name = 'IdpConnections1763800000032';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE idp_connections (
        directory_id text PRIMARY KEY REFERENCES directories(id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('okta', 'entra')),
        settings jsonb NOT NULL,
        secret_ciphertext text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE idp_connections`);
  }
}
