import { MigrationInterface, QueryRunner } from 'typeorm';

/** When each directory's idle scan last finished, so scheduled scans run every IDLE_SCAN_INTERVAL per directory. */
export class IdleScanTimes1763800000033 implements MigrationInterface {
  name = 'IdleScanTimes1763800000033';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE idle_rules ADD COLUMN last_scanned_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE idle_rules DROP COLUMN last_scanned_at`);
  }
}
