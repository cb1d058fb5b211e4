import { IdleRuleRow } from '../db/tables/idleRules';
import { notFound } from '../errors';
import { CommandContext } from '../tenancy/context';
import { findDirectory } from '../tenancy/findDirectory';

/** A directory's idle rule, or not_found when it has none (or the directory is not the actor's). */
export async function getIdleRule(ctx: CommandContext, directoryId: string): Promise<IdleRuleRow> {
  await findDirectory(ctx, directoryId);
  const [rule]: IdleRuleRow[] = await ctx.manager.query(`SELECT * FROM idle_rules WHERE directory_id = $1`, [directoryId]);
  if (!rule) throw notFound('Idle rule');
  return rule;
}
