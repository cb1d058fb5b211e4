import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A directory's idle rule: after how long without activity a person is idle, what then
 * happens, the warning before it, and who is never flagged. `enabled_at` moves whenever
 * the rule changes, so a change never flags anyone at once.
 */
export class IdleRules1763800000031 implements MigrationInterface {
  name = 'IdleRules1763800000031';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE idle_rules (
        directory_id text PRIMARY KEY REFERENCES directories(id) ON DELETE CASCADE,
        after text NOT NULL,
        after_ms bigint NOT NULL CHECK (after_ms > 0),
        action text NOT NULL CHECK (action IN ('notify', 'deactivate', 'unassign')),
        warn_before text,
        warn_before_ms bigint CHECK (warn_before_ms >= 0),
        exclude_user_ids text[] NOT NULL DEFAULT '{}',
        exclude_group_ids text[] NOT NULL DEFAULT '{}',
        enabled_at timestamptz NOT NULL DEFAULT now(),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE idle_rules`);
  }
}
