import { recordAudit } from '../audit/recordAudit';
import { CommandContext } from './context';
import { findDirectory } from './findDirectory';
import { issueDirectoryToken } from './issueDirectoryToken';
import { DirectoryTokenMetadata } from './presentDirectory';

/**
 * Issues an additional SCIM token. Older tokens keep working until revoked, so the
 * IdP can be switched to the new one without a failed push in between.
 */
export async function rotateDirectoryToken(
  ctx: CommandContext,
  directoryId: string,
): Promise<{ token: DirectoryTokenMetadata; secret: string }> {
  const directory = await findDirectory(ctx, directoryId, { lock: true });
  const issued = await issueDirectoryToken(ctx, directoryId);
  await recordAudit(ctx, {
    environmentId: directory.environment_id,
    action: 'directory.token_created',
    targetType: 'scim_token',
    targetId: issued.token.id,
    details: { directory_id: directoryId },
  });
  return issued;
}
