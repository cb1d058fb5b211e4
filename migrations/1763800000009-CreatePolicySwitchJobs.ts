import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Jobs that apply an environment's switch to the secure policy to the inactive users
 * it already holds, in batches. A job survives a crash and is resumed by any process.
 */
export class CreatePolicySwitchJobs1763800000009 implements MigrationInterface {
  name = 'CreatePolicySwitchJobs1763800000009';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE policy_switch_jobs (
        id text PRIMARY KEY,
        environment_id text NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
        from_policy text NOT NULL,
        to_policy text NOT NULL,
        reason text NOT NULL,
        actor text NOT NULL,
        status text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'completed', 'superseded')),
        total integer NOT NULL DEFAULT 0,
        processed integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz
      )`);
    await q.query(`CREATE INDEX policy_switch_jobs_running_idx ON policy_switch_jobs (created_at) WHERE status = 'running'`);
    await q.query(`CREATE INDEX policy_switch_jobs_environment_idx ON policy_switch_jobs (environment_id, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE policy_switch_jobs`);
  }
}
