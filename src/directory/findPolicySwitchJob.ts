import { PolicySwitchJob } from '../entities/PolicySwitchJob';
import { notFound } from '../errors';
import { isId } from '../ids';
import { CommandContext, assertCanAccessEnvironment } from '../tenancy/context';

/**
 * Loads a policy switch job the actor may see: the operator sees every job, an
 * environment key those of its environment; other ids answer not_found.
 */
export async function findPolicySwitchJob(ctx: CommandContext, id: string): Promise<PolicySwitchJob> {
  if (!isId('job', id)) throw notFound('Policy switch job');
  const job = await ctx.manager.findOneBy(PolicySwitchJob, { id });
  if (!job) throw notFound('Policy switch job');
  assertCanAccessEnvironment(ctx.actor, job.environmentId, 'Policy switch job');
  return job;
}
