import { z } from 'zod';
import { recordAudit } from '../audit/recordAudit';
import { queryReturning } from '../db/returning';
import { WebhookDeliveryRow } from '../db/tables/webhookDeliveries';
import { WebhookEndpointMetadata } from './presentWebhookEndpoint';
import { CommandContext } from '../tenancy/context';
import { findWebhookEndpoint } from './findWebhookEndpoint';

// Positions are bigints; 18 digits stay below the maximum, so the value never fails a cast.
const position = z.string().regex(/^[1-9][0-9]{0,17}$/, 'must be an event position (a whole number from 1)');

export const replayEventsInput = z
  .object({ from: position, to: position.optional() })
  .strict()
  .refine((r) => r.to === undefined || BigInt(r.to) >= BigInt(r.from), {
    path: ['to'],
    message: 'must not be before from',
  });

/**
 * Queues the events of the endpoint's environment with a position in [from, to]
 * (to open-ended when omitted) and of a type the endpoint subscribes to, for delivery
 * again: missing deliveries are created, existing ones are made due now with a fresh
 * retry schedule. A delivery being sent under a live lease is left to that attempt.
 * Events past retention are gone and cannot be replayed. Returns how many were queued.
 */
export async function replayEventsToEndpoint(
  ctx: CommandContext,
  endpointId: string,
  input: z.infer<typeof replayEventsInput>,
): Promise<{ endpoint: WebhookEndpointMetadata; queued: number }> {
  const endpoint = await findWebhookEndpoint(ctx, endpointId, { lock: true });
  const queued = await queryReturning<Pick<WebhookDeliveryRow, 'id'>>(
    ctx.manager,
    `INSERT INTO webhook_deliveries AS d (endpoint_id, event_id, event_position)
     SELECT w.id, e.id, e.position
       FROM webhook_endpoints w
       JOIN events e ON e.environment_id = w.environment_id
      WHERE w.id = $1
        AND e.position >= $2::bigint AND ($3::bigint IS NULL OR e.position <= $3::bigint)
        AND (cardinality(w.events) = 0 OR e.type = ANY(w.events))
      ORDER BY e.position
     ON CONFLICT (endpoint_id, event_id) DO UPDATE
        SET status = 'pending', next_attempt_at = now(), lease_expires_at = NULL, attempts = 0, updated_at = now()
      WHERE NOT (d.status = 'delivering' AND d.lease_expires_at > now())
     RETURNING d.id`,
    [endpointId, input.from, input.to ?? null],
  );
  await ctx.manager.query(`SELECT pg_notify('dsync_deliveries', '')`);
  await recordAudit(ctx, {
    environmentId: endpoint.environment_id,
    action: 'webhook_endpoint.events_replayed',
    targetType: 'webhook_endpoint',
    targetId: endpointId,
    details: { from: input.from, to: input.to ?? null, queued: queued.length },
  });
  return { endpoint, queued: queued.length };
}
