import { DirectoryToken } from '../entities/DirectoryToken';
import { newId } from '../ids';
import { generateSecret, hashSecret, secretPrefix } from '../secrets';
import { CommandContext } from './context';

/** Inserts a new SCIM token for a directory the caller has already checked. Returns the secret once. */
export async function issueDirectoryToken(
  ctx: CommandContext,
  directoryId: string,
): Promise<{ token: DirectoryToken; secret: string }> {
  const secret = generateSecret('scim');
  const id = newId('scim_token');
  await ctx.manager.insert(DirectoryToken, {
    id,
    directoryId,
    tokenHash: hashSecret(secret),
    prefix: secretPrefix(secret),
  });
  return { token: await ctx.manager.findOneByOrFail(DirectoryToken, { id }), secret };
}
