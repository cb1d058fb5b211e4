import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { recordAudit } from '../audit/recordAudit';
import { Config } from '../config';
import { queryReturning } from '../db/returning';
import { invalidRequest } from '../errors';
import { EVENT_TYPES } from '../events/eventTypes';
import { newId } from '../ids';
import { WEBHOOK_ENDPOINT_COLUMNS, WebhookEndpointMetadata } from './presentWebhookEndpoint';
import { checkWebhookUrl } from './urlPolicy';
import { resolveSecretsKey, secretBox } from './secretBox';
import { CommandContext } from '../tenancy/context';
import { findEnvironment } from '../tenancy/findEnvironment';

/** Longest accepted webhook URL, before and after normalisation (what most HTTP stacks accept). */
export const MAX_WEBHOOK_URL_LENGTH = 2048;

/** The URL as sent; its policy (scheme, credentials, private addresses) is checked by the command. */
export const webhookUrlField = z.string().min(1).max(MAX_WEBHOOK_URL_LENGTH);

/** Subscribed event types; empty means every type. Duplicates are dropped. */
export const webhookEventsField = z
  .array(z.enum(EVENT_TYPES))
  .max(100)
  .transform((types) => [...new Set(types)]);

export const createWebhookEndpointInput = z
  .object({
    environment_id: z.string().min(1),
    url: webhookUrlField,
    events: webhookEventsField.default([]),
    enabled: z.boolean().default(true),
  })
  .strict();

/** What webhook commands take from configuration rather than from the request. */
export type WebhookSettings = { allowPrivateNetworks: boolean; secretsKey: Buffer | undefined };

/** The webhook settings of a loaded configuration. */
export function webhookSettings(config: Config): WebhookSettings {
  return { allowPrivateNetworks: config.webhook.allowPrivateNetworks, secretsKey: config.secretsKey };
}

/**
 * Checks a webhook URL against the URL policy and returns it in WHATWG serialised
 * form (lower-case scheme and host, percent-encoded path), which is what is stored
 * and called. Failures are invalid_request errors naming the `url` field.
 */
export function normalizeWebhookUrl(raw: string, settings: WebhookSettings): string {
  const fail = (message: string) => invalidRequest(`url: ${message}`, { errors: [{ field: 'url', message }] });
  const problem = checkWebhookUrl(raw, settings.allowPrivateNetworks);
  if (problem) throw fail(problem);
  const href = new URL(raw).href;
  if (href.length > MAX_WEBHOOK_URL_LENGTH) throw fail(`url must be at most ${MAX_WEBHOOK_URL_LENGTH} characters`);
  return href;
}

/**
 * A new signing secret: `whsec_` and 256 random bits, base64url. Returned to the
 * caller once; stored only sealed, with its first characters as a display prefix.
 */
export async function generateWebhookSecret(
  ctx: CommandContext,
  settings: WebhookSettings,
): Promise<{ secret: string; sealed: string; prefix: string }> {
  const secret = `whsec_${randomBytes(32).toString('base64url')}`;
  const box = secretBox(await resolveSecretsKey(ctx.manager, settings.secretsKey));
  return { secret, sealed: box.seal(secret), prefix: secret.slice(0, 'whsec_'.length + 4) };
}

/** Creates a webhook endpoint in an environment; its signing secret is returned here only. */
export async function createWebhookEndpoint(
  ctx: CommandContext,
  input: z.infer<typeof createWebhookEndpointInput>,
  settings: WebhookSettings,
): Promise<{ endpoint: WebhookEndpointMetadata; secret: string }> {
  // The URL is part of the body, so it is judged before the environment is looked up.
  const url = normalizeWebhookUrl(input.url, settings);
  await findEnvironment(ctx, input.environment_id);
  const { secret, sealed, prefix } = await generateWebhookSecret(ctx, settings);
  const [endpoint] = await queryReturning<WebhookEndpointMetadata>(
    ctx.manager,
    `INSERT INTO webhook_endpoints AS w (id, environment_id, url, events, enabled, secret_ciphertext, secret_prefix)
     VALUES ($1, $2, $3, $4::text[], $5, $6, $7)
     RETURNING ${WEBHOOK_ENDPOINT_COLUMNS}`,
    [newId('webhook_endpoint'), input.environment_id, url, input.events, input.enabled, sealed, prefix],
  );
  await recordAudit(ctx, {
    environmentId: endpoint.environment_id,
    action: 'webhook_endpoint.created',
    targetType: 'webhook_endpoint',
    targetId: endpoint.id,
    details: { url: endpoint.url, events: endpoint.events, enabled: endpoint.enabled },
  });
  return { endpoint, secret };
}
