import { PageParams, checkCursor, pageOf } from '../db/pagination';
import { PolicySwitchJobRow } from '../db/tables/policySwitchJobs';
import { CommandContext } from '../tenancy/context';
import { findEnvironment } from '../tenancy/findEnvironment';

/** Lists an environment's policy switch jobs, oldest first. */
export async function listPolicySwitchJobs(ctx: CommandContext, environmentId: string, params: PageParams) {
  await findEnvironment(ctx, environmentId);
  checkCursor(params.after, /^job_[0-9A-Z]{26}$/);
  const rows: PolicySwitchJobRow[] = await ctx.manager.query(
    `SELECT * FROM policy_switch_jobs
      WHERE environment_id = $1 AND ($2::text IS NULL OR id > $2)
      ORDER BY id LIMIT $3`,
    [environmentId, params.after ?? null, params.limit + 1],
  );
  return pageOf(rows, params.limit);
}
