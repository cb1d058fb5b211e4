import { recordAudit } from '../audit/recordAudit';
import { CommandContext } from '../tenancy/context';
import { findWebhookEndpoint } from './findWebhookEndpoint';

/** Deletes a webhook endpoint with its deliveries (the foreign key cascades); nothing more is sent to it. */
export async function deleteWebhookEndpoint(ctx: CommandContext, id: string): Promise<void> {
  const endpoint = await findWebhookEndpoint(ctx, id, { lock: true });
  await ctx.manager.query(`DELETE FROM webhook_endpoints WHERE id = $1`, [id]);
  await recordAudit(ctx, {
    environmentId: endpoint.environment_id,
    action: 'webhook_endpoint.deleted',
    targetType: 'webhook_endpoint',
    targetId: id,
    details: { url: endpoint.url },
  });
}
