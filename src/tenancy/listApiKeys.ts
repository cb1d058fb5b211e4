import { PageParams, checkCursor, pageOf } from '../db/pagination';
import { CommandContext } from './context';
import { findEnvironment } from './findEnvironment';
import { API_KEY_COLUMNS, ApiKeyMetadata } from './presentApiKey';

/** Lists an environment's API keys (metadata only), oldest first. */
export async function listApiKeys(ctx: CommandContext, environmentId: string, params: PageParams) {
  await findEnvironment(ctx, environmentId);
  checkCursor(params.after, /^key_[0-9A-Z]{26}$/);
  const rows: ApiKeyMetadata[] = await ctx.manager.query(
    `SELECT ${API_KEY_COLUMNS} FROM api_keys
      WHERE environment_id = $1 AND ($2::text IS NULL OR id > $2)
      ORDER BY id LIMIT $3`,
    [environmentId, params.after ?? null, params.limit + 1],
  );
  return pageOf(rows, params.limit);
}
