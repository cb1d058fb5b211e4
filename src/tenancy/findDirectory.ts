import { Directory } from '../entities/Directory';
import { notFound } from '../errors';
import { isId } from '../ids';
import { CommandContext, confinedEnvironment } from './context';

/** Loads a directory the actor may see, or throws not_found (also for other tenants' ids). */
export async function findDirectory(ctx: CommandContext, id: string, opts: { lock?: boolean } = {}): Promise<Directory> {
  if (!isId('directory', id)) throw notFound('Directory');
  const qb = ctx.manager.createQueryBuilder(Directory, 'd').where('d.id = :id', { id });
  const confined = confinedEnvironment(ctx.actor);
  if (confined !== undefined) qb.andWhere('d.environment_id = :env', { env: confined });
  if (opts.lock) qb.setLock('pessimistic_write');
  const directory = await qb.getOne();
  if (!directory) throw notFound('Directory');
  return directory;
}
