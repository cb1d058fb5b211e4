import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Event payloads as `json`, not `jsonb`: jsonb reorders object keys (shortest first),
 * so consumers would see `id` after `state` and `emails`. `json` keeps the text we
 * wrote, in the presenter's order; nothing queries inside these columns.
 */
export class EventDataAsJson1763800000012 implements MigrationInterface {
  name = 'EventDataAsJson1763800000012';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE events ALTER COLUMN data TYPE json USING data::json`);
    await q.query(`ALTER TABLE events ALTER COLUMN previous_attributes TYPE json USING previous_attributes::json`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE events ALTER COLUMN data TYPE jsonb USING data::jsonb`);
    await q.query(`ALTER TABLE events ALTER COLUMN previous_attributes TYPE jsonb USING previous_attributes::jsonb`);
  }
}
