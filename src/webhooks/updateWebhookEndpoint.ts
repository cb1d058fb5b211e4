import { z } from 'zod';
import { recordAudit } from '../audit/recordAudit';
import { queryReturning } from '../db/returning';
import { WEBHOOK_ENDPOINT_COLUMNS, WebhookEndpointMetadata } from './presentWebhookEndpoint';
import { CommandContext } from '../tenancy/context';
import { WebhookSettings, normalizeWebhookUrl, webhookEventsField, webhookUrlField } from './createWebhookEndpoint';
import { findWebhookEndpoint } from './findWebhookEndpoint';

export const updateWebhookEndpointInput = z
  .object({
    url: webhookUrlField,
    events: webhookEventsField,
    enabled: z.boolean(),
  })
  .partial()
  .strict();

type Changes = Partial<Pick<WebhookEndpointMetadata, 'url' | 'events' | 'enabled'>>;

/**
 * Changes an endpoint's URL, subscribed events or enabled flag; audits what changed.
 * Enabling a disabled endpoint clears its failing streak and `disabled_reason`, so the
 * worker's automatic disabling starts counting afresh. Deliveries still pending resume.
 */
export async function updateWebhookEndpoint(
  ctx: CommandContext,
  id: string,
  input: z.infer<typeof updateWebhookEndpointInput>,
  settings: WebhookSettings,
): Promise<WebhookEndpointMetadata> {
  const url = input.url === undefined ? undefined : normalizeWebhookUrl(input.url, settings);
  const current = await findWebhookEndpoint(ctx, id, { lock: true });
  const next: Changes = { url, events: input.events, enabled: input.enabled };
  const changed: Record<string, { from: unknown; to: unknown }> = {};
  for (const [key, value] of Object.entries(next) as [keyof Changes, Changes[keyof Changes]][]) {
    if (value === undefined || JSON.stringify(value) === JSON.stringify(current[key])) continue;
    changed[key] = { from: current[key], to: value };
  }
  if (Object.keys(changed).length === 0) return current;
  const reenabled = changed.enabled?.to === true;
  const [updated] = await queryReturning<WebhookEndpointMetadata>(
    ctx.manager,
    `UPDATE webhook_endpoints AS w
        SET url = coalesce($2, w.url),
            events = coalesce($3::text[], w.events),
            enabled = coalesce($4, w.enabled),
            failing_since = CASE WHEN $5 THEN NULL ELSE w.failing_since END,
            disabled_reason = CASE WHEN $5 THEN NULL ELSE w.disabled_reason END,
            updated_at = now()
      WHERE w.id = $1
      RETURNING ${WEBHOOK_ENDPOINT_COLUMNS}`,
    [id, changed.url ? url : null, changed.events ? input.events : null, changed.enabled ? input.enabled : null, reenabled],
  );
  await recordAudit(ctx, {
    environmentId: current.environment_id,
    action: 'webhook_endpoint.updated',
    targetType: 'webhook_endpoint',
    targetId: id,
    details: changed,
  });
  return updated;
}
