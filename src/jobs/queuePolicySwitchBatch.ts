import { EntityManager } from 'typeorm';

/** The graphile-worker task that runs one batch of a policy switch job (src/jobs/runPolicySwitchBatchTask.ts). */
export const POLICY_SWITCH_BATCH_TASK = 'policy_switch_batch';

/** What a policy_switch_batch job carries. */
export type PolicySwitchBatchPayload = { policy_switch_job_id: string };

/**
 * One key per switch job: graphile-worker keeps at most one waiting batch per key, so
 * the switch, a batch's continuation and the sweep never queue a job twice. (A key
 * whose job is running gets a new job; that one finds the job row claimed and stops.)
 */
export function policySwitchJobKey(jobId: string): string {
  return `policy_switch:${jobId}`;
}

/** When a queued batch should run. */
export type QueueOptions = {
  /** Wait this long first (default 0), e.g. after a batch that could do nothing. */
  delaySeconds?: number;
  /** If a batch of the job is waiting already, keep its (earlier) time instead of moving it. */
  keepWaitingTime?: boolean;
};

/**
 * Queues the next batch of a policy switch job in the caller's transaction, so it
 * exists exactly when what queued it commits (the switch, or the batch before it).
 */
export async function queuePolicySwitchBatch(m: EntityManager, jobId: string, opts: QueueOptions = {}): Promise<void> {
  const payload: PolicySwitchBatchPayload = { policy_switch_job_id: jobId };
  await m.query(
    `SELECT FROM graphile_worker.add_job($1, $2::json,
              run_at => now() + make_interval(secs => $3),
              job_key => $4, job_key_mode => $5)`,
    [
      POLICY_SWITCH_BATCH_TASK,
      JSON.stringify(payload),
      opts.delaySeconds ?? 0,
      policySwitchJobKey(jobId),
      opts.keepWaitingTime ? 'preserve_run_at' : 'replace',
    ],
  );
}
