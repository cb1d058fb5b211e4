import { MigrationInterface, QueryRunner } from 'typeorm';

/** Administrative actions: actor, action, target, reason. */
export class CreateAuditLog1763800000004 implements MigrationInterface {
  name = 'CreateAuditLog1763800000004';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_log (
        id text PRIMARY KEY,
        environment_id text,
        actor text NOT NULL,
        action text NOT NULL,
        target_type text NOT NULL,
        target_id text NOT NULL,
        reason text,
        details jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX audit_log_environment_idx ON audit_log (environment_id, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_log`);
  }
}
