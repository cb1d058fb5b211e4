import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The order consumers read events in. `seq` is taken at insert, so a transaction that
 * commits late can hold a smaller `seq` than events already visible; a cursor over
 * `seq` could skip it. `position` is handed out after commit by one sequencer at a
 * time (src/events/assignPositions.ts), in the order events become visible, so a
 * consumer polling `position > cursor` never misses one.
 */
export class EventPositions1763800000010 implements MigrationInterface {
  name = 'EventPositions1763800000010';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE events ADD COLUMN position bigint UNIQUE`);
    await q.query(`CREATE INDEX events_unpositioned_idx ON events (seq) WHERE position IS NULL`);
    await q.query(`CREATE INDEX events_environment_position_idx ON events (environment_id, position) WHERE position IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE events DROP COLUMN position`);
  }
}
