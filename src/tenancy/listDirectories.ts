import { Directory } from '../entities/Directory';
import { PageParams, checkCursor, pageById } from '../db/pagination';
import { CommandContext, confinedEnvironment } from './context';
import { findEnvironment } from './findEnvironment';

/** Lists directories the actor may see, optionally of one environment, oldest first. */
export async function listDirectories(ctx: CommandContext, params: PageParams & { environmentId?: string }) {
  checkCursor(params.after, /^directory_[0-9A-Z]{26}$/);
  const qb = ctx.manager.createQueryBuilder(Directory, 'd');
  if (params.environmentId !== undefined) {
    await findEnvironment(ctx, params.environmentId);
    qb.andWhere('d.environment_id = :env', { env: params.environmentId });
  }
  const confined = confinedEnvironment(ctx.actor);
  if (confined !== undefined) qb.andWhere('d.environment_id = :own', { own: confined });
  return pageById(qb, 'd', params);
}
