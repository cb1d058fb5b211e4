import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The directory user or group an event is about, so the secure policy can find and
 * redact every stored event carrying an erased person's profile.
 */
export class EventSubjects1763800000008 implements MigrationInterface {
  name = 'EventSubjects1763800000008';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE events ADD COLUMN subject_id text`);
    await q.query(`CREATE INDEX events_subject_idx ON events (subject_id) WHERE subject_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE events DROP COLUMN subject_id`);
  }
}
