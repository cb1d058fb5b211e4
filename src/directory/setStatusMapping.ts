import { z } from 'zod';
import { recordAudit } from '../audit/recordAudit';
import { STATUS_PRESETS } from './rules/statusMapping';
import { CommandContext } from '../tenancy/context';
import { findDirectory } from '../tenancy/findDirectory';
import { StatusMapping, statusMappingOf } from './getStatusMapping';
import { statusRulesSchema } from './loadTenantPolicy';

export const setStatusMappingInput = z.object({ rules: statusRulesSchema }).strict();

/**
 * Replaces a directory's status rules, or returns it to its provider's preset when
 * `rules` is null. The rules apply from the next SCIM write of each user; nobody is
 * re-evaluated now. Audits the rules in force before and after; no change, no entry.
 */
export async function setStatusMapping(
  ctx: CommandContext,
  directoryId: string,
  rules: z.infer<typeof statusRulesSchema> | null,
): Promise<StatusMapping> {
  // Locked so two concurrent changes audit a consistent before/after.
  const directory = await findDirectory(ctx, directoryId, { lock: true });
  const before = statusMappingOf(directory);
  const after: StatusMapping =
    rules === null ? { rules: STATUS_PRESETS[directory.provider], source: 'preset' } : { rules, source: 'custom' };
  // Both sides went through statusRulesSchema (or are the preset), so their key order
  // matches. A reset still clears stored rules that no longer parse (shown as the preset).
  const storesNothing = directory.status_rules === null || directory.status_rules === undefined;
  if (JSON.stringify(before) === JSON.stringify(after) && (rules !== null || storesNothing)) return before;
  await ctx.manager.query(`UPDATE directories SET status_rules = $2::jsonb, updated_at = now() WHERE id = $1`, [
    directoryId,
    rules === null ? null : JSON.stringify(rules),
  ]);
  await recordAudit(ctx, {
    environmentId: directory.environment_id,
    action: rules === null ? 'directory.status_mapping_reset' : 'directory.status_mapping_updated',
    targetType: 'directory',
    targetId: directoryId,
    details: { from: before, to: after },
  });
  return after;
}
