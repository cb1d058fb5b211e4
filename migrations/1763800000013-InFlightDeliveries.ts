import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The claim asks "does this endpoint have a delivery in flight?" on every pass; without
 * this index that reads every pending delivery of the endpoint, so claims got slower as
 * a backlog grew (bench/README.md: 0.56 ms with 10 pending, 2.9 ms with 1,508).
 */
export class InFlightDeliveries1763800000013 implements MigrationInterface {
  name = 'InFlightDeliveries1763800000013';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX webhook_deliveries_in_flight_idx ON webhook_deliveries (endpoint_id, lease_expires_at)
        WHERE status = 'delivering'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX webhook_deliveries_in_flight_idx`);
  }
}
