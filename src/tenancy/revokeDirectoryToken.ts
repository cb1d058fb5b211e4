import { recordAudit } from '../audit/recordAudit';
import { DirectoryToken } from '../entities/DirectoryToken';
import { notFound } from '../errors';
import { isId } from '../ids';
import { CommandContext } from './context';
import { findDirectory } from './findDirectory';

/** Revokes one SCIM token at once. Revoking a revoked token is a no-op. */
export async function revokeDirectoryToken(
  ctx: CommandContext,
  directoryId: string,
  tokenId: string,
): Promise<DirectoryToken> {
  const directory = await findDirectory(ctx, directoryId, { lock: true });
  // Checked before SQL: a malformed id (a NUL byte, say) is simply not found.
  if (!isId('scim_token', tokenId)) throw notFound('Token');
  const token = await ctx.manager.findOneBy(DirectoryToken, { id: tokenId, directoryId });
  if (!token) throw notFound('Token');
  if (token.revokedAt) return token;
  await ctx.manager.update(DirectoryToken, { id: tokenId }, { revokedAt: () => 'now()' });
  await recordAudit(ctx, {
    environmentId: directory.environmentId,
    action: 'directory.token_revoked',
    targetType: 'scim_token',
    targetId: tokenId,
    details: { directory_id: directoryId },
  });
  return ctx.manager.findOneByOrFail(DirectoryToken, { id: tokenId });
}
