import { recordAudit } from '../audit/recordAudit';
import { recordEvent } from '../events/recordEvent';
import { CommandContext } from './context';
import { directoryEventData } from './directoryEventData';
import { findDirectory } from './findDirectory';

/**
 * Deletes a directory with its tokens and SCIM data (foreign keys cascade). The
 * `directory.deleted` event and the audit entry outlive it.
 */
export async function deleteDirectory(ctx: CommandContext, id: string): Promise<void> {
  const directory = await findDirectory(ctx, id, { lock: true });
  await ctx.manager.query(`DELETE FROM directories WHERE id = $1`, [id]);
  await recordEvent(ctx, {
    type: 'directory.deleted',
    environmentId: directory.environment_id,
    directoryId: id,
    data: { ...directoryEventData(directory), state: 'deleted' },
  });
  await recordAudit(ctx, {
    environmentId: directory.environment_id,
    action: 'directory.deleted',
    targetType: 'directory',
    targetId: id,
    details: { name: directory.name },
  });
}
