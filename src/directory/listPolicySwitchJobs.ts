import { PageParams, checkCursor, pageById } from '../db/pagination';
import { PolicySwitchJob } from '../entities/PolicySwitchJob';
import { CommandContext } from '../tenancy/context';
import { findEnvironment } from '../tenancy/findEnvironment';

/** Lists an environment's policy switch jobs, oldest first. */
export async function listPolicySwitchJobs(ctx: CommandContext, environmentId: string, params: PageParams) {
  await findEnvironment(ctx, environmentId);
  checkCursor(params.after, /^job_[0-9A-Z]{26}$/);
  const qb = ctx.manager
    .createQueryBuilder(PolicySwitchJob, 'j')
    .where('j.environment_id = :environmentId', { environmentId });
  return pageById(qb, 'j', params);
}
