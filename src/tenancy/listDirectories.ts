import { PageParams, checkCursor, pageOf } from '../db/pagination';
import { DirectoryRow } from '../db/tables/directories';
import { CommandContext, confinedEnvironment } from './context';
import { findEnvironment } from './findEnvironment';

/** Lists directories the actor may see, optionally of one environment, oldest first. */
export async function listDirectories(ctx: CommandContext, params: PageParams & { environmentId?: string }) {
  checkCursor(params.after, /^directory_[0-9A-Z]{26}$/);
  if (params.environmentId !== undefined) await findEnvironment(ctx, params.environmentId);
  const rows: DirectoryRow[] = await ctx.manager.query(
    `SELECT * FROM directories
      WHERE ($1::text IS NULL OR environment_id = $1)
        AND ($2::text IS NULL OR environment_id = $2)
        AND ($3::text IS NULL OR id > $3)
      ORDER BY id LIMIT $4`,
    [params.environmentId ?? null, confinedEnvironment(ctx.actor) ?? null, params.after ?? null, params.limit + 1],
  );
  return pageOf(rows, params.limit);
}
