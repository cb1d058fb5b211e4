import { DataSource, EntityManager } from 'typeorm';
import { z } from 'zod';
import { recordAudit } from '../../audit/recordAudit';
import { IdleActionStatus } from '../../db/tables/personActivity';
import { inTransaction } from '../../db/transaction';
import { IdpUnassignPayload, queueIdpUnassign } from '../../jobs/queueIdpUnassign';
import { Actor, CommandContext } from '../../tenancy/context';
import { IdpCalls } from './idpCalls';
import { CallLog } from './idpCallRecord';
import { IdpConnection, loadIdpConnection } from './idpConnection';
import { AssignedPerson, RemovalResult, removeAssignment } from './removeAssignment';

/** Attempts at removing one person's assignment, per idle episode. */
export const IDP_UNASSIGN_MAX_ATTEMPTS = 5;

/** What one run of the task did. */
export type UnassignAttempt =
  | { outcome: 'succeeded' | 'failed'; attempts: number }
  | { outcome: 'retrying'; attempts: number; retryInSeconds: number }
  /** The episode ended (the person was seen again) or its action is settled: nothing to do. */
  | { outcome: 'stale' }
  /** Another process is making an attempt for this person right now. */
  | { outcome: 'busy' };

const payloadSchema = z.object({ scim_user_id: z.string().uuid(), directory_user_id: z.string(), idle_since: z.string() });
const actionSchema = z.object({
  action: z.enum(['notify', 'deactivate', 'unassign']),
  status: z.enum(['pending', 'succeeded', 'failed']),
  attempts: z.number().int(),
  last_error: z.string().nullable(),
});
const ACTOR: Actor = { kind: 'system', name: 'idle-unassign' };
// pg_advisory_lock(classid, objid): one attempt per person at a time, across processes.
const UNASSIGN_LOCK_CLASS = 7302;

type Claimed = { attempts: number; sentBefore: boolean; person: AssignedPerson; environmentId: string; conn: IdpConnection | undefined };

/**
 * The idp_unassign task: one attempt at removing the person's app assignment. It claims
 * the attempt (attempts + 1) and commits; calls the IdP with no transaction open,
 * committing just before the removal is sent that it is being sent; then records every
 * call and the answer in the audit log with the outcome on `idle_action`, and on failure
 * queues the next attempt after `retryBaseSeconds × 2^(attempts−1)`, all in one
 * transaction. A success is never repeated: it is committed, and a later attempt that
 * finds nothing to remove after an earlier send counts as done. The last failure is audited.
 */
export async function attemptUnassign(ds: DataSource, calls: IdpCalls, rawPayload: unknown, opts: { retryBaseSeconds: number }): Promise<UnassignAttempt> {
  const payload: IdpUnassignPayload = payloadSchema.parse(rawPayload);
  const lock = ds.createQueryRunner();
  await lock.connect();
  try {
    const [{ locked }] = await lock.query(`SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked`, [UNASSIGN_LOCK_CLASS, payload.scim_user_id]);
    if (!locked) return { outcome: 'busy' };
    try {
      const claimed = await inTransaction(ds, (m) => claim(m, payload, calls.secretsKey));
      if (!claimed) return { outcome: 'stale' };
      const log: CallLog = [];
      const markSent = async () => {
        await ds.query(`UPDATE person_activity SET idle_action_sent_at = now() WHERE scim_user_id = $1`, [payload.scim_user_id]);
      };
      const result: RemovalResult = claimed.conn
        ? await removeAssignment({ calls, log, sentBefore: claimed.sentBefore, markSent }, claimed.conn, claimed.person)
        : { outcome: 'failed', error: 'The directory has no IdP connection any more' };
      return await inTransaction(ds, (manager) => record({ manager, actor: ACTOR }, payload, claimed, log, result, opts.retryBaseSeconds));
    } finally {
      await lock.query(`SELECT pg_advisory_unlock($1, hashtext($2))`, [UNASSIGN_LOCK_CLASS, payload.scim_user_id]);
    }
  } finally {
    await lock.release();
  }
}

async function claim(m: EntityManager, payload: IdpUnassignPayload, secretsKey: Buffer | undefined): Promise<Claimed | undefined> {
  const current = await pendingAction(m, payload);
  if (!current) return undefined;
  if (current.action.attempts >= IDP_UNASSIGN_MAX_ATTEMPTS) {
    // Only after crashes between a claim and its record: the attempts are spent all the same.
    await writeAction(m, payload, { ...current.action, status: 'failed' });
    await recordAudit(
      { manager: m, actor: ACTOR },
      {
        environmentId: current.row.environment_id,
        action: 'directory_user.idle_unassign_failed',
        targetType: 'directory_user',
        targetId: payload.directory_user_id,
        reason: `app assignment not removed after ${current.action.attempts} attempts: ${current.action.last_error ?? 'the attempts did not finish'}`,
        details: { idle_since: payload.idle_since, attempts: current.action.attempts, last_error: current.action.last_error },
      },
    );
    return undefined;
  }
  const attempts = current.action.attempts + 1;
  await writeAction(m, payload, { ...current.action, attempts });
  return {
    attempts,
    sentBefore: current.row.idle_action_sent_at !== null,
    person: { externalId: current.row.external_id, userName: current.row.user_name },
    environmentId: current.row.environment_id,
    conn: await loadIdpConnection(m, current.row.directory_id, secretsKey),
  };
}

type PendingRow = { idle_since: Date; idle_action: unknown; idle_action_sent_at: Date | null; external_id: string | null; user_name: string; directory_id: string; environment_id: string };

// The person's unassign action, locked, if it is still pending in the episode the job was queued for.
async function pendingAction(m: EntityManager, payload: IdpUnassignPayload): Promise<{ row: PendingRow; action: IdleActionStatus } | undefined> {
  const [row]: PendingRow[] = await m.query(
    `SELECT pa.idle_since, pa.idle_action, pa.idle_action_sent_at, su.external_id, su.user_name, su.directory_id, d.environment_id
       FROM person_activity pa JOIN scim_users su ON su.id = pa.scim_user_id JOIN directories d ON d.id = su.directory_id
      WHERE pa.scim_user_id = $1
        FOR UPDATE OF pa`,
    [payload.scim_user_id],
  );
  if (!row?.idle_since || new Date(row.idle_since).getTime() !== Date.parse(payload.idle_since)) return undefined;
  const action = actionSchema.safeParse(row.idle_action);
  if (!action.success || action.data.action !== 'unassign' || action.data.status !== 'pending') return undefined;
  return { row, action: action.data };
}

async function writeAction(m: EntityManager, payload: IdpUnassignPayload, action: IdleActionStatus): Promise<void> {
  await m.query(`UPDATE person_activity SET idle_action = $2, updated_at = now() WHERE scim_user_id = $1`, [payload.scim_user_id, JSON.stringify(action)]);
}

async function record(
  ctx: CommandContext,
  payload: IdpUnassignPayload,
  claimed: Claimed,
  log: CallLog,
  result: RemovalResult,
  retryBaseSeconds: number,
): Promise<UnassignAttempt> {
  const { attempts } = claimed;
  const audit = (action: string, reason: string, details: Record<string, unknown>) =>
    recordAudit(ctx, { environmentId: claimed.environmentId, action, targetType: 'directory_user', targetId: payload.directory_user_id, reason, details });
  for (const call of log) await audit('directory_user.idp_call', `idle rule unassign, attempt ${attempts}`, call);
  // The person may have been seen again meanwhile: the episode, and its action, are over.
  if (!(await pendingAction(ctx.manager, payload))) return { outcome: 'stale' };
  const done = { idle_since: payload.idle_since, attempts };
  if (result.outcome !== 'failed') {
    await writeAction(ctx.manager, payload, { action: 'unassign', status: 'succeeded', attempts, last_error: null });
    const reason = result.outcome === 'removed' ? 'app assignment removed in the IdP' : 'app assignment already removed by an earlier attempt';
    await audit('directory_user.idle_unassigned', reason, done);
    return { outcome: 'succeeded', attempts };
  }
  if (attempts >= IDP_UNASSIGN_MAX_ATTEMPTS) {
    await writeAction(ctx.manager, payload, { action: 'unassign', status: 'failed', attempts, last_error: result.error });
    await audit('directory_user.idle_unassign_failed', `app assignment not removed after ${attempts} attempts: ${result.error}`, { ...done, last_error: result.error });
    return { outcome: 'failed', attempts };
  }
  await writeAction(ctx.manager, payload, { action: 'unassign', status: 'pending', attempts, last_error: result.error });
  const retryInSeconds = retryBaseSeconds * 2 ** (attempts - 1);
  await queueIdpUnassign(ctx.manager, payload, retryInSeconds);
  return { outcome: 'retrying', attempts, retryInSeconds };
}
