import { z } from 'zod';
import { invalidRequest } from '../errors';
import { DELIVERY_STATUSES } from '../db/tables/webhookDeliveries';
import { WEBHOOK_DELIVERY_COLUMNS, WebhookDeliveryListing, deliveryId, deliveryRowId } from './presentWebhookEndpoint';
import { listParams } from '../validation';
import { CommandContext } from '../tenancy/context';
import { findWebhookEndpoint } from './findWebhookEndpoint';

export const listWebhookDeliveriesInput = listParams.extend({ status: z.enum(DELIVERY_STATUSES).optional() }).strict();

/**
 * An endpoint's deliveries, most recently created first (what an operator looks at when
 * a subscriber reports trouble), optionally of one status. Ordered by id, which the
 * existing (endpoint_id, id) index serves; deliveries created by one fan-out are in no
 * particular order among themselves. The cursor is the last delivery id of the previous
 * page; the next page holds older deliveries.
 */
export async function listWebhookDeliveries(
  ctx: CommandContext,
  endpointId: string,
  input: z.infer<typeof listWebhookDeliveriesInput>,
): Promise<{ rows: WebhookDeliveryListing[]; after: string | null }> {
  const after = input.after === undefined ? undefined : deliveryRowId(input.after);
  if (input.after !== undefined && after === undefined) throw invalidRequest('after is not a valid cursor');
  await findWebhookEndpoint(ctx, endpointId);
  const rows: WebhookDeliveryListing[] = await ctx.manager.query(
    `SELECT ${WEBHOOK_DELIVERY_COLUMNS}
       FROM webhook_deliveries d JOIN events e ON e.id = d.event_id
      WHERE d.endpoint_id = $1
        AND ($2::text IS NULL OR d.status = $2)
        AND ($3::bigint IS NULL OR d.id < $3)
      ORDER BY d.id DESC
      LIMIT $4`,
    [endpointId, input.status ?? null, after ?? null, input.limit + 1],
  );
  const more = rows.length > input.limit;
  const page = more ? rows.slice(0, input.limit) : rows;
  return { rows: page, after: more ? deliveryId(String(page[page.length - 1].id)) : null };
}
