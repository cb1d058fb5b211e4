import { EntityManager } from 'typeorm';
import { recordAudit } from '../audit/recordAudit';
import { PolicySwitchJobRow } from '../db/tables/policySwitchJobs';
import { DirectoryUserRow } from '../db/tables/directoryUsers';
import { CommandContext } from '../tenancy/context';
import { changeUserState } from './changeUserState';

/** How many users one batch handles unless told otherwise: one short transaction each. */
export const DEFAULT_POLICY_SWITCH_BATCH_SIZE = 200;

/** What one batch did. */
export type PolicySwitchBatch = {
  /** The job after the batch; null when it no longer exists (its environment was deleted). */
  job: PolicySwitchJobRow | null;
  /** False when the job was not running, or another runner holds it for a batch right now. */
  claimed: boolean;
  /** Directory users this batch deleted and erased. */
  touched: number;
};

/**
 * Runs one batch of a retain → secure switch in the caller's transaction: deletes up to
 * `batchSize` inactive directory users of the environment as the secure policy would
 * have (user.deleted, group.user_removed, profile redacted from stored events), erases
 * their SCIM resources to identifiers, and adds them to the job's count — all or
 * nothing, so a crash never counts a user twice or loses one.
 *
 * The job row is claimed FOR UPDATE SKIP LOCKED, so two runners never work one job at
 * once; users are locked the same way, skipping those a SCIM write holds (a later
 * batch takes them, unless that write, now under secure, deleted or reactivated them).
 * So the job completes when no inactive directory user is left, not when a batch comes
 * back short. `ctx.actor` is the person who started the switch; the completion is
 * audited in their name.
 */
export async function runPolicySwitchBatch(
  ctx: CommandContext,
  input: { jobId: string; batchSize: number },
): Promise<PolicySwitchBatch> {
  const m = ctx.manager;
  const head = await readJob(m, input.jobId);
  if (!head || head.status !== 'running') return { job: head, claimed: false, touched: 0 };
  // The environment before the job, the order a switch locks them in, so the two never
  // deadlock; FOR KEY SHARE makes a switch wait for this batch, as it waits for SCIM writes.
  await m.query(`SELECT 1 FROM environments WHERE id = $1 FOR KEY SHARE`, [head.environment_id]);
  const claimed: unknown[] = await m.query(
    `SELECT id FROM policy_switch_jobs WHERE id = $1 AND status = 'running' FOR UPDATE SKIP LOCKED`,
    [input.jobId],
  );
  if (claimed.length === 0) return { job: await readJob(m, input.jobId), claimed: false, touched: 0 };

  const users = await lockInactiveUsers(m, head.environment_id, input.batchSize);
  for (const user of users) {
    // Under the new (secure) policy the standing decisions now delete and erase the person,
    // exactly as the IdP push that made them inactive would have.
    await changeUserState(ctx, {
      tenant: { environmentId: user.environment_id, directoryId: user.directory_id },
      source: 'policy_switch',
      record: { id: user.scim_user_id, active: user.scim_active, resource: user.scim_resource, state_signals: user.scim_signals },
      change: { source: 'none' },
    });
  }

  const done = !(await inactiveUsersLeft(m, head.environment_id));
  if (users.length > 0 || done) {
    await m.query(
      `UPDATE policy_switch_jobs
          SET processed = processed + $2, updated_at = now(),
              status = CASE WHEN $3 THEN 'completed' ELSE status END,
              completed_at = CASE WHEN $3 THEN now() END
        WHERE id = $1`,
      [input.jobId, users.length, done],
    );
  }
  const job = (await readJob(m, input.jobId))!;
  if (done) {
    await recordAudit(ctx, {
      environmentId: job.environment_id,
      action: 'policy_switch_job.completed',
      targetType: 'policy_switch_job',
      targetId: job.id,
      details: { users_touched: job.processed, total: job.total },
    });
  }
  return { job, claimed: true, touched: users.length };
}

async function readJob(m: EntityManager, id: string): Promise<PolicySwitchJobRow | null> {
  const rows: PolicySwitchJobRow[] = await m.query(`SELECT * FROM policy_switch_jobs WHERE id = $1`, [id]);
  return rows[0] ?? null;
}

type LockedUser = DirectoryUserRow & { scim_resource: Record<string, unknown>; scim_active: boolean; scim_signals: unknown };

// Both rows are locked: the directory user because it is deleted, the SCIM user because
// SCIM writes lock it first (src/scim/resourceRoutes.ts) and group membership inserts
// take FOR KEY SHARE on it, so neither can slip in between and act on a stale state.
async function lockInactiveUsers(m: EntityManager, environmentId: string, limit: number): Promise<LockedUser[]> {
  return m.query(
    `SELECT du.*, su.resource AS scim_resource, su.active AS scim_active, su.state_signals AS scim_signals
       FROM directory_users du JOIN scim_users su ON su.id = du.scim_user_id
      WHERE du.environment_id = $1 AND du.state = 'inactive'
      ORDER BY du.id
      LIMIT $2
        FOR UPDATE OF du, su SKIP LOCKED`,
    [environmentId, limit],
  );
}

// Counts rows other transactions hold too: those are still to be handled by someone.
async function inactiveUsersLeft(m: EntityManager, environmentId: string): Promise<boolean> {
  const rows: { remaining: boolean }[] = await m.query(
    `SELECT EXISTS (SELECT 1 FROM directory_users WHERE environment_id = $1 AND state = 'inactive') AS remaining`,
    [environmentId],
  );
  return rows[0].remaining;
}
