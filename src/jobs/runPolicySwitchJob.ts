import { setTimeout as delay } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { PolicySwitchJobRow } from '../db/tables/policySwitchJobs';
import { pgErrorInfo } from '../db/pgErrors';
import { inTransaction } from '../db/transaction';
import { DEFAULT_POLICY_SWITCH_BATCH_SIZE, PolicySwitchBatch, runPolicySwitchBatch } from '../directory/runPolicySwitchBatch';
import { policySwitchActor } from './policySwitchActor';

/** How one job is run to its end in the foreground. */
export type RunJobOptions = {
  /** Users per batch (default 200). Each batch is one transaction holding its users' row locks. */
  batchSize?: number;
  /**
   * With `followWhenBusy`, the wait before trying again when a batch could do nothing
   * (default 200 ms); also the wait before running a batch a deadlock rolled back.
   */
  retryDelayMs?: number;
  /**
   * Keep going until the job ends when a batch could do nothing because the rest is
   * held elsewhere (a job runner has the job, SCIM writes in flight hold the users
   * left); the CLI does. Default false: return the job still running.
   */
  followWhenBusy?: boolean;
  /** Called after every batch, with the job as it then stood. */
  onBatch?: (batch: PolicySwitchBatch & { job: PolicySwitchJobRow }) => void;
};

/**
 * Runs a policy switch job batch by batch in this process, each batch in its own
 * transaction, until it is no longer running; returns the job as last seen (null if it
 * no longer exists). `dsync environments set-policy` does, to show progress. The job
 * runners of servers share the work meanwhile (batches claim the job row with SKIP
 * LOCKED), and finish it if this run is interrupted: the batch queued by the switch,
 * or the sweep, carries it on (src/jobs/runPolicySwitchBatchTask.ts, sweepPolicySwitchJobs.ts).
 */
export async function runPolicySwitchJob(ds: DataSource, jobId: string, opts: RunJobOptions = {}): Promise<PolicySwitchJobRow | null> {
  const [first]: PolicySwitchJobRow[] = await ds.query(`SELECT * FROM policy_switch_jobs WHERE id = $1`, [jobId]);
  if (!first) return null;
  const actor = policySwitchActor(first.actor);
  const batchSize = opts.batchSize ?? DEFAULT_POLICY_SWITCH_BATCH_SIZE;
  let job = first;
  let failures = 0;
  while (job.status === 'running') {
    let batch: PolicySwitchBatch;
    try {
      batch = await inTransaction(ds, (manager) => runPolicySwitchBatch({ manager, actor }, { jobId, batchSize }));
      failures = 0;
    } catch (err) {
      // A deadlock with another writer of the same rows (e.g. the event sequencer) rolls
      // the batch back whole; it is simply run again.
      if (!isTransient(err) || ++failures > MAX_TRANSIENT_FAILURES) throw err;
      await delay(opts.retryDelayMs ?? 200);
      continue;
    }
    if (!batch.job) return null;
    job = batch.job;
    opts.onBatch?.({ ...batch, job });
    if (job.status !== 'running' || batch.touched > 0) continue;
    if (!opts.followWhenBusy) break;
    await delay(opts.retryDelayMs ?? 200);
  }
  return job;
}

const MAX_TRANSIENT_FAILURES = 5;

// SQLSTATE 40P01 deadlock_detected, 40001 serialization_failure.
function isTransient(err: unknown): boolean {
  const code = pgErrorInfo(err)?.code;
  return code === '40P01' || code === '40001';
}
