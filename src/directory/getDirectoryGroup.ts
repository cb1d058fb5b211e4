import { notFound } from '../errors';
import { isId } from '../ids';
import { DirectoryGroupRow } from '../db/tables/directoryGroups';
import { CommandContext, confinedEnvironment } from '../tenancy/context';

/** Loads one directory group the actor may see, or throws not_found (also for other tenants' ids). */
export async function getDirectoryGroup(ctx: CommandContext, id: string): Promise<DirectoryGroupRow> {
  if (!isId('directory_group', id)) throw notFound('Directory group');
  const confined = confinedEnvironment(ctx.actor);
  const rows: DirectoryGroupRow[] = await ctx.manager.query(
    `SELECT * FROM directory_groups WHERE id = $1 AND ($2::text IS NULL OR environment_id = $2)`,
    [id, confined ?? null],
  );
  if (rows.length === 0) throw notFound('Directory group');
  return rows[0];
}
