import { recordAudit } from '../audit/recordAudit';
import { queryReturning } from '../db/returning';
import { IdleRuleRow } from '../db/tables/idleRules';
import { notFound } from '../errors';
import { CommandContext } from '../tenancy/context';
import { findDirectory } from '../tenancy/findDirectory';
import { presentIdleRule } from './presentIdleRule';

/**
 * Turns a directory's idle rule off: nobody is flagged from now on. People the rule had
 * already deactivated stay so until they are seen again or support reactivates them:
 * turning a rule off is not a decision about any one person.
 */
export async function clearIdleRule(ctx: CommandContext, directoryId: string): Promise<void> {
  const directory = await findDirectory(ctx, directoryId, { lock: true });
  const [rule] = await queryReturning<IdleRuleRow>(ctx.manager, `DELETE FROM idle_rules WHERE directory_id = $1 RETURNING *`, [directoryId]);
  if (!rule) throw notFound('Idle rule');
  await recordAudit(ctx, {
    environmentId: directory.environment_id,
    action: 'directory.idle_rule_deleted',
    targetType: 'directory',
    targetId: directoryId,
    details: { from: presentIdleRule(rule) },
  });
}
