import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The event outbox. Rows are inserted in the transaction that makes the change.
 * `seq` gives the order; `txid` (the inserting transaction) lets the events API
 * stop its cursor before transactions still in flight. No foreign key to
 * directories: the log outlives a deleted directory.
 */
export class CreateEvents1763800000003 implements MigrationInterface {
  name = 'CreateEvents1763800000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE events (
        id text PRIMARY KEY,
        seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        environment_id text NOT NULL,
        directory_id text,
        type text NOT NULL,
        data jsonb NOT NULL,
        previous_attributes jsonb,
        txid xid8 NOT NULL DEFAULT pg_current_xact_id(),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX events_environment_seq_idx ON events (environment_id, seq)`);
    await q.query(`CREATE INDEX events_created_at_idx ON events (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE events`);
  }
}
