import type { Pool } from 'pg';

/**
 * The mirror's tables, in a schema of their own so they sit beside the app's tables
 * without clashing. Created on start if missing (a real app would use its migrations).
 *
 * - `users`: one row per directory user, as of the event in `position`.
 * - `removed_users`: ids whose `user.deleted` was applied, so an older event arriving late
 *   (a retried webhook) cannot bring the user back.
 * - `sync_state`: the events-API cursor, saved with each event catch-up applies.
 */
export async function ensureMirrorSchema(pool: Pool, schema: string): Promise<void> {
  await pool.query(`
    CREATE SCHEMA IF NOT EXISTS ${schema};
    CREATE TABLE IF NOT EXISTS ${schema}.users (
      id           text PRIMARY KEY,
      directory_id text NOT NULL,
      username     text NOT NULL,
      email        text,
      first_name   text,
      last_name    text,
      job_title    text,
      state        text NOT NULL CHECK (state IN ('active', 'inactive')),
      groups       jsonb NOT NULL DEFAULT '[]',
      position     bigint NOT NULL,
      updated_at   timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE IF NOT EXISTS ${schema}.removed_users (
      id       text PRIMARY KEY,
      position bigint NOT NULL
    );
    CREATE TABLE IF NOT EXISTS ${schema}.sync_state (
      singleton      boolean PRIMARY KEY DEFAULT true CHECK (singleton),
      after_position bigint
    );
    INSERT INTO ${schema}.sync_state (singleton, after_position) VALUES (true, NULL) ON CONFLICT DO NOTHING;
  `);
}
