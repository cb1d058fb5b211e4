import { MigrationInterface, QueryRunner } from 'typeorm';

/** SCIM bearer tokens and admin-API keys, stored only as SHA-256 hashes. */
export class CreateCredentials1763800000001 implements MigrationInterface {
  name = 'CreateCredentials1763800000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE directory_tokens (
        id text PRIMARY KEY,
        directory_id text NOT NULL REFERENCES directories(id) ON DELETE CASCADE,
        token_hash text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
        prefix text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      )`);
    await q.query(`CREATE INDEX directory_tokens_directory_id_idx ON directory_tokens (directory_id, id)`);
    await q.query(`
      CREATE TABLE api_keys (
        id text PRIMARY KEY,
        environment_id text REFERENCES environments(id) ON DELETE CASCADE,
        scope text NOT NULL CHECK (scope IN ('admin', 'environment')),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        key_hash text NOT NULL UNIQUE CHECK (key_hash ~ '^[0-9a-f]{64}$'),
        prefix text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        CHECK ((scope = 'admin') = (environment_id IS NULL))
      )`);
    await q.query(`CREATE INDEX api_keys_environment_id_idx ON api_keys (environment_id, id)`);
    // At most one generated admin key is live, so concurrent first starts agree on it.
    await q.query(
      `CREATE UNIQUE INDEX api_keys_one_generated_admin ON api_keys (scope) WHERE scope = 'admin' AND revoked_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE api_keys`);
    await q.query(`DROP TABLE directory_tokens`);
  }
}
