import { PageParams, checkCursor, pageOf } from '../db/pagination';
import { CommandContext } from './context';
import { findDirectory } from './findDirectory';
import { DIRECTORY_TOKEN_COLUMNS, DirectoryTokenMetadata } from './presentDirectory';

/** Lists a directory's SCIM tokens (metadata only), oldest first. */
export async function listDirectoryTokens(ctx: CommandContext, directoryId: string, params: PageParams) {
  await findDirectory(ctx, directoryId);
  checkCursor(params.after, /^scim_token_[0-9A-Z]{26}$/);
  const rows: DirectoryTokenMetadata[] = await ctx.manager.query(
    `SELECT ${DIRECTORY_TOKEN_COLUMNS} FROM directory_tokens
      WHERE directory_id = $1 AND ($2::text IS NULL OR id > $2)
      ORDER BY id LIMIT $3`,
    [directoryId, params.after ?? null, params.limit + 1],
  );
  return pageOf(rows, params.limit);
}
