import { MigrationInterface, QueryRunner } from 'typeorm';

/** Per-directory status mapping rules; NULL means the provider's preset applies. */
export class DirectoryStatusRules1763800000007 implements MigrationInterface {
  name = 'DirectoryStatusRules1763800000007';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE directories ADD COLUMN status_rules jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE directories DROP COLUMN status_rules`);
  }
}
