import { PageParams, checkCursor, pageOf } from '../db/pagination';
import { EnvironmentRow } from '../db/tables/environments';
import { CommandContext, confinedEnvironment } from './context';

/** Lists the environments the actor may see, oldest first. */
export async function listEnvironments(ctx: CommandContext, params: PageParams) {
  checkCursor(params.after, /^env_[0-9A-Z]{26}$/);
  const rows: EnvironmentRow[] = await ctx.manager.query(
    `SELECT * FROM environments
      WHERE ($1::text IS NULL OR id = $1)
        AND ($2::text IS NULL OR id > $2)
      ORDER BY id LIMIT $3`,
    [confinedEnvironment(ctx.actor) ?? null, params.after ?? null, params.limit + 1],
  );
  return pageOf(rows, params.limit);
}
