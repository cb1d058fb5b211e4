import { PageParams, checkCursor, pageOf } from '../db/pagination';
import { DirectoryGroupRow } from '../db/tables/directoryGroups';
import { CommandContext, confinedEnvironment } from '../tenancy/context';
import { findDirectory } from '../tenancy/findDirectory';

/**
 * Lists the directory groups the actor may see, oldest first: all environments' for the
 * operator, its own environment's otherwise; optionally of one directory.
 */
export async function listDirectoryGroups(
  ctx: CommandContext,
  params: PageParams & { directoryId?: string },
): Promise<{ rows: DirectoryGroupRow[]; after: string | null }> {
  checkCursor(params.after, /^directory_group_[0-9A-Z]{26}$/);
  if (params.directoryId !== undefined) await findDirectory(ctx, params.directoryId);
  const confined = confinedEnvironment(ctx.actor);
  const rows: DirectoryGroupRow[] = await ctx.manager.query(
    `SELECT * FROM directory_groups
      WHERE ($1::text IS NULL OR environment_id = $1)
        AND ($2::text IS NULL OR directory_id = $2)
        AND ($3::text IS NULL OR id > $3)
      ORDER BY id LIMIT $4`,
    [confined ?? null, params.directoryId ?? null, params.after ?? null, params.limit + 1],
  );
  return pageOf(rows, params.limit);
}
