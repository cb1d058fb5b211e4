import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When the call that removes a person's app assignment in the IdP was last sent in the
 * current idle episode, written (and committed) just before it is sent. A later attempt
 * that finds nothing left to remove (Okta's 404, no Entra assignment) then knows an
 * earlier send did it, even when that attempt died before recording its answer.
 */
export class IdleActionSentAt1763800000051 implements MigrationInterface {
  name = 'IdleActionSentAt1763800000051';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE person_activity ADD COLUMN idle_action_sent_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE person_activity DROP COLUMN idle_action_sent_at`);
  }
}
