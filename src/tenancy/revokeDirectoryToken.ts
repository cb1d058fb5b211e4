import { recordAudit } from '../audit/recordAudit';
import { queryReturning } from '../db/returning';
import { notFound } from '../errors';
import { isId } from '../ids';
import { CommandContext } from './context';
import { findDirectory } from './findDirectory';
import { DIRECTORY_TOKEN_COLUMNS, DirectoryTokenMetadata } from './presentDirectory';

/** Revokes one SCIM token at once. Revoking a revoked token is a no-op. */
export async function revokeDirectoryToken(
  ctx: CommandContext,
  directoryId: string,
  tokenId: string,
): Promise<DirectoryTokenMetadata> {
  const directory = await findDirectory(ctx, directoryId, { lock: true });
  // Checked before SQL: a malformed id (a NUL byte, say) is simply not found.
  if (!isId('scim_token', tokenId)) throw notFound('Token');
  const rows: DirectoryTokenMetadata[] = await ctx.manager.query(
    `SELECT ${DIRECTORY_TOKEN_COLUMNS} FROM directory_tokens WHERE id = $1 AND directory_id = $2`,
    [tokenId, directoryId],
  );
  if (rows.length === 0) throw notFound('Token');
  if (rows[0].revoked_at) return rows[0];
  const [revoked] = await queryReturning<DirectoryTokenMetadata>(
    ctx.manager,
    `UPDATE directory_tokens SET revoked_at = now() WHERE id = $1 RETURNING ${DIRECTORY_TOKEN_COLUMNS}`,
    [tokenId],
  );
  await recordAudit(ctx, {
    environmentId: directory.environment_id,
    action: 'directory.token_revoked',
    targetType: 'scim_token',
    targetId: tokenId,
    details: { directory_id: directoryId },
  });
  return revoked;
}
