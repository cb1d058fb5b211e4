import { checkCursor, PageParams, pageOf } from '../db/pagination';
import { WEBHOOK_ENDPOINT_COLUMNS, WebhookEndpointMetadata } from './presentWebhookEndpoint';
import { CommandContext, confinedEnvironment } from '../tenancy/context';
import { findEnvironment } from '../tenancy/findEnvironment';

/** Lists the webhook endpoints the actor may see, optionally of one environment, oldest first. */
export async function listWebhookEndpoints(
  ctx: CommandContext,
  params: PageParams & { environmentId?: string },
): Promise<{ rows: WebhookEndpointMetadata[]; after: string | null }> {
  checkCursor(params.after, /^webhook_endpoint_[0-9A-Z]{26}$/);
  if (params.environmentId !== undefined) await findEnvironment(ctx, params.environmentId);
  // Ids are ULID-based, so id order is creation order; one extra row tells whether a next page exists.
  const rows: WebhookEndpointMetadata[] = await ctx.manager.query(
    `SELECT ${WEBHOOK_ENDPOINT_COLUMNS} FROM webhook_endpoints w
      WHERE ($1::text IS NULL OR w.environment_id = $1)
        AND ($2::text IS NULL OR w.environment_id = $2)
        AND ($3::text IS NULL OR w.id > $3)
      ORDER BY w.id
      LIMIT $4`,
    [params.environmentId ?? null, confinedEnvironment(ctx.actor) ?? null, params.after ?? null, params.limit + 1],
  );
  return pageOf(rows, params.limit);
}
