import { Environment } from '../entities/Environment';
import { notFound } from '../errors';
import { isId } from '../ids';
import { CommandContext, assertCanAccessEnvironment } from './context';

/** Loads an environment the actor may see, or throws not_found (also for other tenants' ids). */
export async function findEnvironment(ctx: CommandContext, id: string): Promise<Environment> {
  if (!isId('env', id)) throw notFound('Environment');
  assertCanAccessEnvironment(ctx.actor, id);
  const env = await ctx.manager.findOneBy(Environment, { id });
  if (!env) throw notFound('Environment');
  return env;
}
