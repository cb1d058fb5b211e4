import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SCIM lists are ordered by (created_at, id) within a directory so pages are stable
 * (RFC 7644 §3.4.2.4); these indexes let PostgreSQL walk that order instead of sorting.
 */
export class ScimListingOrder1763800000005 implements MigrationInterface {
  name = 'ScimListingOrder1763800000005';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX scim_users_listing_idx ON scim_users (directory_id, created_at, id)`);
    await q.query(`CREATE INDEX scim_groups_listing_idx ON scim_groups (directory_id, created_at, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX scim_groups_listing_idx`);
    await q.query(`DROP INDEX scim_users_listing_idx`);
  }
}
