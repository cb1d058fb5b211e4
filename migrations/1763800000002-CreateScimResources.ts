import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SCIM Users, Groups and memberships. Uniqueness lives here, not in code:
 * userName is unique per directory case-insensitively (RFC 7643 §4.1.1 declares it
 * caseExact false, uniqueness server), externalId unique per directory when present.
 * Composite foreign keys keep a membership inside one directory.
 */
export class CreateScimResources1763800000002 implements MigrationInterface {
  name = 'CreateScimResources1763800000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE scim_users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        directory_id text NOT NULL REFERENCES directories(id) ON DELETE CASCADE,
        user_name text NOT NULL CHECK (length(user_name) >= 1),
        external_id text,
        active boolean NOT NULL DEFAULT true,
        display_name text,
        resource jsonb NOT NULL DEFAULT '{}',
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (directory_id, id)
      )`);
    await q.query(`CREATE UNIQUE INDEX scim_users_user_name_key ON scim_users (directory_id, lower(user_name))`);
    await q.query(
      `CREATE UNIQUE INDEX scim_users_external_id_key ON scim_users (directory_id, external_id) WHERE external_id IS NOT NULL`,
    );
    await q.query(`
      CREATE TABLE scim_groups (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        directory_id text NOT NULL REFERENCES directories(id) ON DELETE CASCADE,
        display_name text NOT NULL CHECK (length(display_name) >= 1),
        external_id text,
        resource jsonb NOT NULL DEFAULT '{}',
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (directory_id, id)
      )`);
    await q.query(`CREATE INDEX scim_groups_display_name_idx ON scim_groups (directory_id, lower(display_name))`);
    await q.query(
      `CREATE UNIQUE INDEX scim_groups_external_id_key ON scim_groups (directory_id, external_id) WHERE external_id IS NOT NULL`,
    );
    await q.query(`
      CREATE TABLE scim_group_members (
        directory_id text NOT NULL,
        group_id uuid NOT NULL,
        user_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (group_id, user_id),
        FOREIGN KEY (directory_id, group_id) REFERENCES scim_groups (directory_id, id) ON DELETE CASCADE,
        FOREIGN KEY (directory_id, user_id) REFERENCES scim_users (directory_id, id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX scim_group_members_user_idx ON scim_group_members (directory_id, user_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE scim_group_members`);
    await q.query(`DROP TABLE scim_groups`);
    await q.query(`DROP TABLE scim_users`);
  }
}
