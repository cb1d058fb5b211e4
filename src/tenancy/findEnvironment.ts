import { EnvironmentRow } from '../db/tables/environments';
import { notFound } from '../errors';
import { isId } from '../ids';
import { CommandContext, assertCanAccessEnvironment } from './context';

/** Loads an environment the actor may see, or throws not_found (also for other tenants' ids). */
export async function findEnvironment(ctx: CommandContext, id: string): Promise<EnvironmentRow> {
  if (!isId('env', id)) throw notFound('Environment');
  assertCanAccessEnvironment(ctx.actor, id);
  const rows: EnvironmentRow[] = await ctx.manager.query(`SELECT * FROM environments WHERE id = $1`, [id]);
  if (rows.length === 0) throw notFound('Environment');
  return rows[0];
}
