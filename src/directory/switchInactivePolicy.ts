import { z } from 'zod';
import { recordAudit } from '../audit/recordAudit';
import { queryReturning } from '../db/returning';
import { EnvironmentRow, INACTIVE_POLICIES } from '../db/tables/environments';
import { PolicySwitchJobRow } from '../db/tables/policySwitchJobs';
import { forbidden, notFound } from '../errors';
import { isId, newId } from '../ids';
import { queuePolicySwitchBatch } from '../jobs/queuePolicySwitchBatch';
import { CommandContext, actorLabel, assertCanAccessEnvironment, isOperator } from '../tenancy/context';

/** Why support staff changed the policy: trimmed, 1–500 characters, no U+0000 (PostgreSQL text cannot hold it). */
export const reasonField = z
  .string()
  .trim()
  .min(1)
  .max(500)
  .refine((s) => !s.includes('\u0000'), 'must not contain NUL characters');

export const switchInactivePolicyInput = z
  .object({ inactive_policy: z.enum(INACTIVE_POLICIES), reason: reasonField })
  .strict();

/** The outcome of a switch: the environment after it, and the job started for existing users, if any. */
export type PolicySwitch = { environment: EnvironmentRow; job: PolicySwitchJobRow | null; changed: boolean };

/**
 * Switches an environment's inactive policy, in the caller's transaction. Only the
 * operator may: the policy is a data-protection control that the customer's support
 * contract governs, not something the application itself decides.
 *
 * The environment row is locked FOR UPDATE, which waits for every SCIM write holding
 * FOR KEY SHARE on it (src/directory/loadTenantPolicy.ts) and holds back new ones until
 * commit: no write acts on the old policy after the switch, and none that read the old
 * policy is still uncommitted when the inactive users are counted.
 *
 * retain → secure starts a job that deletes and erases the inactive directory users
 * kept so far, and queues its first batch for the job runner in this transaction, so
 * the batch exists exactly when the job does; secure → retain applies from now on
 * (erased people are not recreated).
 * Either way a job still running for the environment is superseded. Switching to the
 * current policy changes nothing and records nothing.
 */
export async function switchInactivePolicy(
  ctx: CommandContext,
  environmentId: string,
  input: z.infer<typeof switchInactivePolicyInput>,
): Promise<PolicySwitch> {
  if (!isId('env', environmentId)) throw notFound('Environment');
  assertCanAccessEnvironment(ctx.actor, environmentId);
  if (!isOperator(ctx.actor)) {
    throw forbidden('Only the admin key can change the inactive policy: it is set by support under the customer contract');
  }
  const [env]: EnvironmentRow[] = await ctx.manager.query(`SELECT * FROM environments WHERE id = $1 FOR UPDATE`, [environmentId]);
  if (!env) throw notFound('Environment');
  const from = env.inactive_policy;
  const to = input.inactive_policy;
  if (from === to) return { environment: env, job: null, changed: false };

  const [environment] = await queryReturning<EnvironmentRow>(
    ctx.manager,
    `UPDATE environments SET inactive_policy = $2, updated_at = now() WHERE id = $1 RETURNING *`,
    [environmentId, to],
  );
  const superseded = await queryReturning<{ id: string; processed: number; total: number }>(
    ctx.manager,
    `UPDATE policy_switch_jobs SET status = 'superseded', updated_at = now()
      WHERE environment_id = $1 AND status = 'running'
      RETURNING id, processed, total`,
    [environmentId],
  );
  const job = to === 'secure' ? await insertJob(ctx, environmentId, from, to, input.reason) : null;

  await recordAudit(ctx, {
    environmentId,
    action: 'environment.inactive_policy_switched',
    targetType: 'environment',
    targetId: environmentId,
    reason: input.reason,
    // Under retain nothing existing changes, so the switch itself is the whole of it;
    // a job's count of users touched is recorded when the job ends.
    details: { inactive_policy: { from, to }, policy_switch_job_id: job?.id ?? null, ...(job ? {} : { users_touched: 0 }) },
  });
  for (const s of superseded) {
    await recordAudit(ctx, {
      environmentId,
      action: 'policy_switch_job.superseded',
      targetType: 'policy_switch_job',
      targetId: s.id,
      details: { users_touched: s.processed, total: s.total, superseded_by: job?.id ?? null },
    });
  }
  if (job) await queuePolicySwitchBatch(ctx.manager, job.id);
  return { environment, job, changed: true };
}

// total counts the inactive directory users now; SCIM writes after the switch may
// delete or reactivate some of them first, so a job can end with processed < total.
async function insertJob(ctx: CommandContext, environmentId: string, from: string, to: string, reason: string) {
  const [job] = await queryReturning<PolicySwitchJobRow>(
    ctx.manager,
    `INSERT INTO policy_switch_jobs (id, environment_id, from_policy, to_policy, reason, actor, total)
     SELECT $1, $2, $3, $4, $5, $6, count(*)::int
       FROM directory_users WHERE environment_id = $2 AND state = 'inactive'
     RETURNING *`,
    [newId('job'), environmentId, from, to, reason, actorLabel(ctx.actor)],
  );
  return job;
}
