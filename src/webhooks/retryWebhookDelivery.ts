import { recordAudit } from '../audit/recordAudit';
import { WebhookDeliveryRow } from '../db/tables/webhookDeliveries';
import { conflict, notFound } from '../errors';
import { WEBHOOK_DELIVERY_COLUMNS, WebhookDeliveryListing, deliveryRowId } from './presentWebhookEndpoint';
import { CommandContext } from '../tenancy/context';
import { findWebhookEndpoint } from './findWebhookEndpoint';

/**
 * Makes a delivery due now, whatever its state: a pending one skips its backoff, a
 * failed or succeeded one is sent again. It is one more attempt: `attempts` keeps
 * counting, so a delivery that had used all its attempts is failed again if this one
 * fails. A delivery being sent under a live lease is refused (409): its outcome is
 * still to be recorded. Workers are woken when the transaction commits.
 */
export async function retryWebhookDelivery(
  ctx: CommandContext,
  endpointId: string,
  id: string,
): Promise<WebhookDeliveryListing> {
  const endpoint = await findWebhookEndpoint(ctx, endpointId);
  const rowId = deliveryRowId(id);
  if (rowId === undefined) throw notFound('Delivery');
  const locked: (Pick<WebhookDeliveryRow, 'status'> & { leased: boolean })[] = await ctx.manager.query(
    `SELECT status, coalesce(lease_expires_at > now(), false) AS leased
       FROM webhook_deliveries WHERE id = $1 AND endpoint_id = $2 FOR UPDATE`,
    [rowId, endpointId],
  );
  if (locked.length === 0) throw notFound('Delivery');
  if (locked[0].status === 'delivering' && locked[0].leased) {
    throw conflict('The delivery is being sent now; retry it once this attempt is recorded');
  }
  await ctx.manager.query(
    `UPDATE webhook_deliveries
        SET status = 'pending', next_attempt_at = now(), lease_expires_at = NULL, updated_at = now()
      WHERE id = $1`,
    [rowId],
  );
  await ctx.manager.query(`SELECT pg_notify('dsync_deliveries', '')`);
  await recordAudit(ctx, {
    environmentId: endpoint.environment_id,
    action: 'webhook_delivery.retried',
    targetType: 'webhook_delivery',
    targetId: id,
    details: { endpoint_id: endpointId, previous_status: locked[0].status },
  });
  const [row]: WebhookDeliveryListing[] = await ctx.manager.query(
    `SELECT ${WEBHOOK_DELIVERY_COLUMNS} FROM webhook_deliveries d JOIN events e ON e.id = d.event_id WHERE d.id = $1`,
    [rowId],
  );
  return row;
}
