import { z } from 'zod';
import { recordAudit } from '../audit/recordAudit';
import { queryReturning } from '../db/returning';
import { WEBHOOK_ENDPOINT_COLUMNS, WebhookEndpointMetadata } from './presentWebhookEndpoint';
import { CommandContext } from '../tenancy/context';
import { WebhookSettings, generateWebhookSecret } from './createWebhookEndpoint';
import { findWebhookEndpoint } from './findWebhookEndpoint';
import { DEFAULT_SECRET_OVERLAP_SECONDS, parseSecretOverlap } from './secretOverlap';

/** The body of a rotation: how long the replaced secret keeps signing (ISO 8601 duration, default PT24H). */
export const rotateWebhookSecretInput = z
  .object({
    overlap: z
      .string()
      .transform((value, ctx) => {
        const parsed = parseSecretOverlap(value);
        if ('seconds' in parsed) return parsed.seconds;
        ctx.addIssue({ code: 'custom', message: parsed.problem });
        return z.NEVER;
      })
      .default(DEFAULT_SECRET_OVERLAP_SECONDS),
  })
  .strict();

/**
 * Replaces an endpoint's signing secret. With an overlap, the replaced secret keeps
 * signing beside the new one until the overlap ends (each delivery carries one `v1`
 * signature per secret), so subscribers can switch without refusing a delivery; with
 * none (`PT0S`) it stops at once. Rotating again during an overlap replaces the previous
 * secret: the one before it stops at once.
 */
export async function rotateWebhookSecret(
  ctx: CommandContext,
  id: string,
  input: z.infer<typeof rotateWebhookSecretInput>,
  settings: WebhookSettings,
): Promise<{ endpoint: WebhookEndpointMetadata; secret: string }> {
  const current = await findWebhookEndpoint(ctx, id, { lock: true });
  const { secret, sealed, prefix } = await generateWebhookSecret(ctx, settings);
  const overlapping = input.overlap > 0;
  // On the right-hand side, w.secret_* are the values before this update.
  const [endpoint] = await queryReturning<WebhookEndpointMetadata>(
    ctx.manager,
    `UPDATE webhook_endpoints AS w
        SET previous_secret_ciphertext = CASE WHEN $4 THEN w.secret_ciphertext END,
            previous_secret_prefix = CASE WHEN $4 THEN w.secret_prefix END,
            previous_secret_expires_at = CASE WHEN $4 THEN now() + make_interval(secs => $5) END,
            secret_ciphertext = $2, secret_prefix = $3, updated_at = now()
      WHERE w.id = $1
      RETURNING ${WEBHOOK_ENDPOINT_COLUMNS}`,
    [id, sealed, prefix, overlapping, input.overlap],
  );
  await recordAudit(ctx, {
    environmentId: current.environment_id,
    action: 'webhook_endpoint.secret_rotated',
    targetType: 'webhook_endpoint',
    targetId: id,
    details: {
      from_prefix: current.secret_prefix,
      to_prefix: prefix,
      overlap_seconds: input.overlap,
      previous_secret_expires_at: endpoint.previous_secret_expires_at ? new Date(endpoint.previous_secret_expires_at).toISOString() : null,
    },
  });
  return { endpoint, secret };
}
