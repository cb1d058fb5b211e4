import { z } from 'zod';
import { recordAudit } from '../audit/recordAudit';
import { forbidden } from '../errors';
import { CommandContext, isOperator } from './context';
import { findDirectory } from './findDirectory';
import { RateLimitView, presentRateLimit, rateLimitColumns, setRateLimitInput } from './presentRateLimit';
import { SCIM_TOKEN_RATE_LIMIT } from './rateLimits';

/**
 * Sets the rate limit of a directory's SCIM tokens, or returns it to the default when
 * `input` is null. Operator only: the limits protect the server, so a tenant may read its
 * own but not raise it. Applies to each process's next chunk of tokens (within a second).
 */
export async function setDirectoryRateLimit(
  ctx: CommandContext,
  directoryId: string,
  input: z.infer<typeof setRateLimitInput> | null,
): Promise<RateLimitView> {
  const directory = await findDirectory(ctx, directoryId, { lock: true });
  if (!isOperator(ctx.actor)) throw forbidden('Only the admin key can change rate limits');
  const before = presentRateLimit(directory, SCIM_TOKEN_RATE_LIMIT);
  const columns = rateLimitColumns(input);
  const after = presentRateLimit(columns, SCIM_TOKEN_RATE_LIMIT);
  if (JSON.stringify(before) === JSON.stringify(after)) return before;
  await ctx.manager.query(
    `UPDATE directories SET rate_limit_per_second = $2, rate_limit_burst = $3, updated_at = now() WHERE id = $1`,
    [directoryId, columns.rate_limit_per_second, columns.rate_limit_burst],
  );
  await recordAudit(ctx, {
    environmentId: directory.environment_id,
    action: 'directory.rate_limit_updated',
    targetType: 'directory',
    targetId: directoryId,
    details: { from: before, to: after },
  });
  return after;
}
