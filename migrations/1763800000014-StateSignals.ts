import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each source's standing decision about a person's state (src/directory/rules/stateSignals.ts),
 * kept with the IdP's record of the person rather than with the directory user: under the
 * secure policy an inactive person has no directory user, yet a hold (e.g. idle time)
 * must outlive that until its source lifts it. `{}` means nothing recorded yet; the
 * IdP's signal is then read from `active` and the directory user's state.
 */
export class StateSignals1763800000014 implements MigrationInterface {
  name = 'StateSignals1763800000014';

  async up(q: QueryRunner): Promise<void> {
    // A constant default: no table rewrite (PostgreSQL 11+).
    await q.query(`ALTER TABLE scim_users ADD COLUMN state_signals jsonb NOT NULL DEFAULT '{}'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE scim_users DROP COLUMN state_signals`);
  }
}
