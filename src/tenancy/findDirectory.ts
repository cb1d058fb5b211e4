import { DirectoryRow } from '../db/tables/directories';
import { notFound } from '../errors';
import { isId } from '../ids';
import { CommandContext, confinedEnvironment } from './context';

/**
 * Loads a directory the actor may see, or throws not_found (also for other tenants' ids).
 * With `lock`, the row is locked FOR UPDATE for the rest of the transaction.
 */
export async function findDirectory(ctx: CommandContext, id: string, opts: { lock?: boolean } = {}): Promise<DirectoryRow> {
  if (!isId('directory', id)) throw notFound('Directory');
  const rows: DirectoryRow[] = await ctx.manager.query(
    `SELECT * FROM directories WHERE id = $1 AND ($2::text IS NULL OR environment_id = $2)${opts.lock ? ' FOR UPDATE' : ''}`,
    [id, confinedEnvironment(ctx.actor) ?? null],
  );
  if (rows.length === 0) throw notFound('Directory');
  return rows[0];
}
