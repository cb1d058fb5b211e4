import { recordAudit } from '../audit/recordAudit';
import { queryReturning } from '../db/returning';
import { CommandContext } from '../tenancy/context';
import { findWebhookEndpoint } from './findWebhookEndpoint';
import { WEBHOOK_ENDPOINT_COLUMNS, WebhookEndpointMetadata } from './presentWebhookEndpoint';

/**
 * Ends a rotation's overlap now: the previous secret is forgotten and every delivery
 * sent after the commit carries the current secret's signature only. Ending an overlap
 * that is already over changes nothing and is not audited.
 */
export async function endWebhookSecretOverlap(ctx: CommandContext, id: string): Promise<WebhookEndpointMetadata> {
  const current = await findWebhookEndpoint(ctx, id, { lock: true });
  const [endpoint] = await queryReturning<WebhookEndpointMetadata>(
    ctx.manager,
    `UPDATE webhook_endpoints AS w
        SET previous_secret_ciphertext = NULL, previous_secret_prefix = NULL, previous_secret_expires_at = NULL,
            updated_at = CASE WHEN w.previous_secret_ciphertext IS NULL THEN w.updated_at ELSE now() END
      WHERE w.id = $1
      RETURNING ${WEBHOOK_ENDPOINT_COLUMNS}`,
    [id],
  );
  if (current.previous_secret_prefix !== null) {
    await recordAudit(ctx, {
      environmentId: current.environment_id,
      action: 'webhook_endpoint.previous_secret_revoked',
      targetType: 'webhook_endpoint',
      targetId: id,
      details: { prefix: current.previous_secret_prefix },
    });
  }
  return endpoint;
}
