import { z } from 'zod';
import { recordAudit } from '../audit/recordAudit';
import { forbidden } from '../errors';
import { CommandContext, isOperator } from './context';
import { findApiKeyRateLimit } from './findApiKeyRateLimit';
import { RateLimitView, presentRateLimit, rateLimitColumns, setRateLimitInput } from './presentRateLimit';
import { API_KEY_RATE_LIMIT } from './rateLimits';

/**
 * Sets an environment API key's rate limit, or returns it to the default when `input` is
 * null. Operator only, like a directory's (src/tenancy/setDirectoryRateLimit.ts).
 */
export async function setApiKeyRateLimit(
  ctx: CommandContext,
  environmentId: string,
  keyId: string,
  input: z.infer<typeof setRateLimitInput> | null,
): Promise<RateLimitView> {
  const key = await findApiKeyRateLimit(ctx, environmentId, keyId, { lock: true });
  if (!isOperator(ctx.actor)) throw forbidden('Only the admin key can change rate limits');
  const before = presentRateLimit(key, API_KEY_RATE_LIMIT);
  const columns = rateLimitColumns(input);
  const after = presentRateLimit(columns, API_KEY_RATE_LIMIT);
  if (JSON.stringify(before) === JSON.stringify(after)) return before;
  await ctx.manager.query(`UPDATE api_keys SET rate_limit_per_second = $2, rate_limit_burst = $3 WHERE id = $1`, [
    keyId,
    columns.rate_limit_per_second,
    columns.rate_limit_burst,
  ]);
  await recordAudit(ctx, {
    environmentId,
    action: 'api_key.rate_limit_updated',
    targetType: 'api_key',
    targetId: keyId,
    details: { from: before, to: after },
  });
  return after;
}
