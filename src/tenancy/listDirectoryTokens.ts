import { DirectoryToken } from '../entities/DirectoryToken';
import { PageParams, checkCursor, pageById } from '../db/pagination';
import { CommandContext } from './context';
import { findDirectory } from './findDirectory';

/** Lists a directory's SCIM tokens (metadata only), oldest first. */
export async function listDirectoryTokens(ctx: CommandContext, directoryId: string, params: PageParams) {
  await findDirectory(ctx, directoryId);
  checkCursor(params.after, /^scim_token_[0-9A-Z]{26}$/);
  const qb = ctx.manager
    .createQueryBuilder(DirectoryToken, 't')
    .where('t.directory_id = :directoryId', { directoryId });
  return pageById(qb, 't', params);
}
