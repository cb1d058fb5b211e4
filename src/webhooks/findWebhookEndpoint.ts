import { notFound } from '../errors';
import { isId } from '../ids';
import { WEBHOOK_ENDPOINT_COLUMNS, WebhookEndpointMetadata } from './presentWebhookEndpoint';
import { CommandContext, confinedEnvironment } from '../tenancy/context';

/**
 * Loads a webhook endpoint the actor may see, or throws not_found (also for other
 * tenants' ids). With `lock`, the row is locked for the rest of the transaction.
 */
export async function findWebhookEndpoint(
  ctx: CommandContext,
  id: string,
  opts: { lock?: boolean } = {},
): Promise<WebhookEndpointMetadata> {
  if (!isId('webhook_endpoint', id)) throw notFound('Webhook endpoint');
  const confined = confinedEnvironment(ctx.actor);
  const rows: WebhookEndpointMetadata[] = await ctx.manager.query(
    `SELECT ${WEBHOOK_ENDPOINT_COLUMNS} FROM webhook_endpoints w
      WHERE w.id = $1 AND ($2::text IS NULL OR w.environment_id = $2)
      ${opts.lock ? 'FOR UPDATE' : ''}`,
    [id, confined ?? null],
  );
  if (rows.length === 0) throw notFound('Webhook endpoint');
  return rows[0];
}
