import { ApiKeyRow } from '../db/tables/apiKeys';
import { notFound } from '../errors';
import { isId } from '../ids';
import { CommandContext } from './context';
import { findEnvironment } from './findEnvironment';

/** An environment API key's id with its rate-limit override. */
export type ApiKeyRateLimitRow = Pick<ApiKeyRow, 'id' | 'rate_limit_per_second' | 'rate_limit_burst'>;

/** Loads an environment key's rate-limit override, or throws not_found (also for other tenants' keys). */
export async function findApiKeyRateLimit(
  ctx: CommandContext,
  environmentId: string,
  keyId: string,
  opts: { lock?: boolean } = {},
): Promise<ApiKeyRateLimitRow> {
  await findEnvironment(ctx, environmentId);
  if (!isId('key', keyId)) throw notFound('API key');
  const rows: ApiKeyRateLimitRow[] = await ctx.manager.query(
    `SELECT id, rate_limit_per_second, rate_limit_burst FROM api_keys
      WHERE id = $1 AND environment_id = $2${opts.lock ? ' FOR UPDATE' : ''}`,
    [keyId, environmentId],
  );
  if (rows.length === 0) throw notFound('API key');
  return rows[0];
}
