import { DataSource, EntityManager } from 'typeorm';
import { queryReturning } from '../db/returning';
import { WebhookDeliveryRow } from '../db/tables/webhookDeliveries';
import { WebhookEndpointRow } from '../db/tables/webhookEndpoints';

/**
 * A claimed delivery with what is needed to send it: the endpoint's current URL and sealed
 * secret, and the previous secret while a rotation's overlap lasts (else null).
 */
export type ClaimedDelivery = Pick<WebhookDeliveryRow, 'id' | 'endpoint_id' | 'event_id' | 'attempts'> &
  Pick<WebhookEndpointRow, 'url' | 'secret_ciphertext' | 'previous_secret_ciphertext'>;

/**
 * Claims the next due delivery of one endpoint that has nothing in flight, so an
 * endpoint receives one delivery at a time, in event order. The endpoint row is
 * locked with SKIP LOCKED while claiming (two workers never take the same endpoint's
 * next delivery), and the claim is a lease: if the worker dies, the delivery becomes
 * due again when the lease expires (at least once, never lost).
 */
export async function claimDelivery(ds: DataSource, leaseSeconds: number): Promise<ClaimedDelivery | undefined> {
  return ds.transaction(async (m) => {
    const endpoints: Pick<WebhookEndpointRow, 'id'>[] = await m.query(
      `SELECT w.id FROM webhook_endpoints w
        WHERE w.enabled
          AND EXISTS (SELECT 1 FROM webhook_deliveries d
                       WHERE d.endpoint_id = w.id
                         AND ((d.status = 'pending' AND d.next_attempt_at <= now())
                           OR (d.status = 'delivering' AND d.lease_expires_at <= now())))
          AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d
                           WHERE d.endpoint_id = w.id AND d.status = 'delivering' AND d.lease_expires_at > now())
        ORDER BY random()
        LIMIT 1
        FOR UPDATE OF w SKIP LOCKED`,
    );
    const endpoint = endpoints[0];
    if (!endpoint) return undefined;
    const claimed = await claimNextOf(m, endpoint.id, leaseSeconds);
    return claimed;
  });
}

/**
 * Claims an endpoint's next due delivery, in position order, unless one is in flight or
 * the endpoint is disabled. The caller holds the endpoint row lock.
 * Used by claimDelivery (which has locked the endpoint row) and after a recorded
 * attempt (whose own delivery was the endpoint's in-flight one), so a worker goes on
 * with the same endpoint without a new scan of all endpoints.
 */
export async function claimNextOf(
  m: EntityManager,
  endpointId: string,
  leaseSeconds: number,
): Promise<ClaimedDelivery | undefined> {
  const [claimed] = await queryReturning<Omit<ClaimedDelivery, 'endpoint_id'>>(
    m,
    `UPDATE webhook_deliveries
        SET status = 'delivering', attempts = attempts + 1, lease_expires_at = now() + make_interval(secs => $2),
            updated_at = now()
      WHERE id = (SELECT d.id FROM webhook_deliveries d
                   WHERE d.endpoint_id = $1
                     AND ((d.status = 'pending' AND d.next_attempt_at <= now())
                       OR (d.status = 'delivering' AND d.lease_expires_at <= now()))
                   ORDER BY d.event_position LIMIT 1)
        -- Checked again in this statement's snapshot: the endpoint query's snapshot was taken
        -- before its row lock was granted, so it can miss a claim committed by the previous holder.
        AND NOT EXISTS (SELECT 1 FROM webhook_deliveries f
                         WHERE f.endpoint_id = $1 AND f.status = 'delivering' AND f.lease_expires_at > now())
        AND EXISTS (SELECT 1 FROM webhook_endpoints w WHERE w.id = $1 AND w.enabled)
      -- The endpoint's current URL and secrets: a PATCH, a secret rotation or the end of its
      -- overlap takes effect on the next delivery, also for a worker going through a backlog.
      RETURNING id, event_id, attempts,
                (SELECT w.url FROM webhook_endpoints w WHERE w.id = $1) AS url,
                (SELECT w.secret_ciphertext FROM webhook_endpoints w WHERE w.id = $1) AS secret_ciphertext,
                (SELECT CASE WHEN w.previous_secret_expires_at > now() THEN w.previous_secret_ciphertext END
                   FROM webhook_endpoints w WHERE w.id = $1) AS previous_secret_ciphertext`,
    [endpointId, leaseSeconds],
  );
  return claimed && { ...claimed, id: String(claimed.id), endpoint_id: endpointId };
}
