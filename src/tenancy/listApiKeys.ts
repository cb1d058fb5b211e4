import { ApiKey } from '../entities/ApiKey';
import { PageParams, checkCursor, pageById } from '../db/pagination';
import { CommandContext } from './context';
import { findEnvironment } from './findEnvironment';

/** Lists an environment's API keys (metadata only), oldest first. */
export async function listApiKeys(ctx: CommandContext, environmentId: string, params: PageParams) {
  await findEnvironment(ctx, environmentId);
  checkCursor(params.after, /^key_[0-9A-Z]{26}$/);
  const qb = ctx.manager.createQueryBuilder(ApiKey, 'k').where('k.environment_id = :environmentId', { environmentId });
  return pageById(qb, 'k', params);
}
