import { MigrationInterface, QueryRunner } from 'typeorm';

/** Environments and the IdP connections (directories) inside them. */
export class CreateEnvironmentsAndDirectories1763800000000 implements MigrationInterface {
  name = 'CreateEnvironmentsAndDirectories1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE environments (
        id text PRIMARY KEY,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        inactive_policy text NOT NULL DEFAULT 'secure' CHECK (inactive_policy IN ('secure', 'retain')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE directories (
        id text PRIMARY KEY,
        environment_id text NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        organization_name text NOT NULL CHECK (length(organization_name) BETWEEN 1 AND 200),
        provider text NOT NULL CHECK (provider IN ('okta', 'entra', 'onelogin', 'jumpcloud', 'google', 'generic')),
        domains text[] NOT NULL DEFAULT '{}',
        state text NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'disabled')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX directories_environment_id_idx ON directories (environment_id, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE directories`);
    await q.query(`DROP TABLE environments`);
  }
}
