import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Directory users and groups: what apps see, derived from the SCIM resources by the
 * lifecycle rules. A SCIM user has at most one directory user at a time; under the
 * secure policy a returning person gets a new one. Group membership is the SCIM
 * membership restricted to people who have a directory user, so it is not stored twice.
 */
export class CreateDirectoryUsersAndGroups1763800000006 implements MigrationInterface {
  name = 'CreateDirectoryUsersAndGroups1763800000006';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE directory_users (
        id text PRIMARY KEY,
        directory_id text NOT NULL REFERENCES directories(id) ON DELETE CASCADE,
        environment_id text NOT NULL,
        scim_user_id uuid NOT NULL UNIQUE REFERENCES scim_users(id) ON DELETE CASCADE,
        external_id text,
        username text NOT NULL,
        emails jsonb NOT NULL DEFAULT '[]',
        first_name text,
        last_name text,
        job_title text,
        state text NOT NULL CHECK (state IN ('active', 'inactive')),
        custom_attributes jsonb NOT NULL DEFAULT '{}',
        raw_attributes jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX directory_users_directory_idx ON directory_users (directory_id, id)`);
    await q.query(`CREATE INDEX directory_users_environment_state_idx ON directory_users (environment_id, state, id)`);
    await q.query(`
      CREATE TABLE directory_groups (
        id text PRIMARY KEY,
        directory_id text NOT NULL REFERENCES directories(id) ON DELETE CASCADE,
        environment_id text NOT NULL,
        scim_group_id uuid NOT NULL UNIQUE REFERENCES scim_groups(id) ON DELETE CASCADE,
        name text NOT NULL,
        raw_attributes jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX directory_groups_directory_idx ON directory_groups (directory_id, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE directory_groups`);
    await q.query(`DROP TABLE directory_users`);
  }
}
