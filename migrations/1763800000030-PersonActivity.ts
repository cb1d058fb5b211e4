import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One row per person (the IdP's record of them, so it outlives a directory user erased
 * under the secure policy): when they were last seen using the app, and their idle
 * episode. Narrow on purpose: activity arrives as a high-volume stream and each signal
 * rewrites this row, never the wide SCIM or directory-user rows.
 */
export class PersonActivity1763800000030 implements MigrationInterface {
  name = 'PersonActivity1763800000030';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE person_activity (
        scim_user_id uuid PRIMARY KEY,
        directory_id text NOT NULL,
        last_seen_at timestamptz,
        last_kind text CHECK (last_kind IN ('sign_in', 'token', 'active')),
        idle_since timestamptz,
        idle_warned_at timestamptz,
        idle_action jsonb,
        updated_at timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (directory_id, scim_user_id) REFERENCES scim_users (directory_id, id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX person_activity_idle_idx ON person_activity (directory_id) WHERE idle_since IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE person_activity`);
  }
}
