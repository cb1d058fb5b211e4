import { queryReturning } from '../db/returning';
import { newId } from '../ids';
import { generateSecret, hashSecret, secretPrefix } from '../secrets';
import { CommandContext } from './context';
import { DIRECTORY_TOKEN_COLUMNS, DirectoryTokenMetadata } from './presentDirectory';

/** Inserts a new SCIM token for a directory the caller has already checked. Returns the secret once. */
export async function issueDirectoryToken(
  ctx: CommandContext,
  directoryId: string,
): Promise<{ token: DirectoryTokenMetadata; secret: string }> {
  const secret = generateSecret('scim');
  const [token] = await queryReturning<DirectoryTokenMetadata>(
    ctx.manager,
    `INSERT INTO directory_tokens (id, directory_id, token_hash, prefix) VALUES ($1, $2, $3, $4)
     RETURNING ${DIRECTORY_TOKEN_COLUMNS}`,
    [newId('scim_token'), directoryId, hashSecret(secret), secretPrefix(secret)],
  );
  return { token, secret };
}
