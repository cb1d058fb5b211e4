import { Environment } from '../entities/Environment';
import { PageParams, checkCursor, pageById } from '../db/pagination';
import { CommandContext, confinedEnvironment } from './context';

/** Lists the environments the actor may see, oldest first. */
export async function listEnvironments(ctx: CommandContext, params: PageParams) {
  checkCursor(params.after, /^env_[0-9A-Z]{26}$/);
  const qb = ctx.manager.createQueryBuilder(Environment, 'e');
  const confined = confinedEnvironment(ctx.actor);
  if (confined !== undefined) qb.where('e.id = :id', { id: confined });
  return pageById(qb, 'e', params);
}
