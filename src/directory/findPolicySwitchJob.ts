import { PolicySwitchJobRow } from '../db/tables/policySwitchJobs';
import { notFound } from '../errors';
import { isId } from '../ids';
import { CommandContext, assertCanAccessEnvironment } from '../tenancy/context';

/**
 * Loads a policy switch job the actor may see: the operator sees every job, an
 * environment key those of its environment; other ids answer not_found.
 */
export async function findPolicySwitchJob(ctx: CommandContext, id: string): Promise<PolicySwitchJobRow> {
  if (!isId('job', id)) throw notFound('Policy switch job');
  const rows: PolicySwitchJobRow[] = await ctx.manager.query(`SELECT * FROM policy_switch_jobs WHERE id = $1`, [id]);
  if (rows.length === 0) throw notFound('Policy switch job');
  assertCanAccessEnvironment(ctx.actor, rows[0].environment_id, 'Policy switch job');
  return rows[0];
}
