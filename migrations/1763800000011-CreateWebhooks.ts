import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhook endpoints and their deliveries. A delivery row is created for each
 * (endpoint, event) when the event gets its position, in the sequencer's transaction,
 * so none is lost; workers claim due rows with FOR UPDATE SKIP LOCKED and a lease, so
 * a crashed worker's claim is retried (at least once) and two workers never send the
 * same attempt.
 */
export class CreateWebhooks1763800000011 implements MigrationInterface {
  name = 'CreateWebhooks1763800000011';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhook_endpoints (
        id text PRIMARY KEY,
        environment_id text NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
        url text NOT NULL CHECK (url ~ '^https?://'),
        events text[] NOT NULL DEFAULT '{}',
        enabled boolean NOT NULL DEFAULT true,
        secret_ciphertext text NOT NULL,
        secret_prefix text NOT NULL,
        failing_since timestamptz,
        disabled_reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX webhook_endpoints_environment_idx ON webhook_endpoints (environment_id, id)`);
    await q.query(`
      CREATE TABLE webhook_deliveries (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        endpoint_id text NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
        event_id text NOT NULL REFERENCES events(id) ON DELETE CASCADE,
        event_position bigint NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivering', 'succeeded', 'failed')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        lease_expires_at timestamptz,
        last_status_code integer,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        delivered_at timestamptz,
        UNIQUE (endpoint_id, event_id)
      )`);
    // Due work per endpoint, in event order.
    await q.query(
      `CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (endpoint_id, event_position)
        WHERE status IN ('pending', 'delivering')`,
    );
    await q.query(`CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, id)`);
    await q.query(`CREATE INDEX webhook_deliveries_event_idx ON webhook_deliveries (event_id)`);
    // A key for webhook-secret encryption when SECRETS_KEY is not configured.
    await q.query(`CREATE TABLE instance_keys (name text PRIMARY KEY, value text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE instance_keys`);
    await q.query(`DROP TABLE webhook_deliveries`);
    await q.query(`DROP TABLE webhook_endpoints`);
  }
}
