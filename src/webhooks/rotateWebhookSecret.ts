import { recordAudit } from '../audit/recordAudit';
import { queryReturning } from '../db/returning';
import { WEBHOOK_ENDPOINT_COLUMNS, WebhookEndpointMetadata } from './presentWebhookEndpoint';
import { CommandContext } from '../tenancy/context';
import { WebhookSettings, generateWebhookSecret } from './createWebhookEndpoint';
import { findWebhookEndpoint } from './findWebhookEndpoint';

/**
 * Replaces an endpoint's signing secret. The old secret stops at once: every delivery
 * sent after the commit is signed with the new one, so subscribers must switch right
 * away (an attempt already in flight may still carry the old signature).
 */
export async function rotateWebhookSecret(
  ctx: CommandContext,
  id: string,
  settings: WebhookSettings,
): Promise<{ endpoint: WebhookEndpointMetadata; secret: string }> {
  const current = await findWebhookEndpoint(ctx, id, { lock: true });
  const { secret, sealed, prefix } = await generateWebhookSecret(ctx, settings);
  const [endpoint] = await queryReturning<WebhookEndpointMetadata>(
    ctx.manager,
    `UPDATE webhook_endpoints AS w SET secret_ciphertext = $2, secret_prefix = $3, updated_at = now()
      WHERE w.id = $1
      RETURNING ${WEBHOOK_ENDPOINT_COLUMNS}`,
    [id, sealed, prefix],
  );
  await recordAudit(ctx, {
    environmentId: current.environment_id,
    action: 'webhook_endpoint.secret_rotated',
    targetType: 'webhook_endpoint',
    targetId: id,
    details: { from_prefix: current.secret_prefix, to_prefix: prefix },
  });
  return { endpoint, secret };
}
