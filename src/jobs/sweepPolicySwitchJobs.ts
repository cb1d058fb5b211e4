import { DataSource } from 'typeorm';
import { inTransaction } from '../db/transaction';
import { policySwitchJobKey, queuePolicySwitchBatch } from './queuePolicySwitchBatch';

/** The graphile-worker task that runs the sweep below and queues its own next run. */
export const POLICY_SWITCH_SWEEP_TASK = 'policy_switch_sweep';

/**
 * Queues a batch for every policy switch job still running that has none waiting, and
 * queues the next sweep `nextInSeconds` from now in the same transaction (so a sweep
 * that fails is retried by graphile-worker instead of ending the series). Returns the
 * ids of the switch jobs it queued a batch for.
 *
 * A process that died mid-batch leaves its graphile-worker job locked (graphile-worker
 * frees such locks only after four hours) and nothing queued after it; this is what
 * carries such a job on. A job row a batch holds right now (FOR UPDATE) is skipped:
 * that batch queues the next itself when it commits. The rows read here are held FOR
 * KEY SHARE until this commits; a batch that starts meanwhile skips the job and looks
 * again a moment later (src/jobs/runPolicySwitchBatchTask.ts).
 */
export async function sweepPolicySwitchJobs(ds: DataSource, opts: { nextInSeconds: number }): Promise<string[]> {
  return inTransaction(ds, async (m) => {
    const idle: { id: string }[] = await m.query(
      `SELECT id FROM policy_switch_jobs WHERE status = 'running' ORDER BY created_at FOR KEY SHARE SKIP LOCKED`,
    );
    const queued: string[] = [];
    for (const { id } of idle) {
      // A batch waiting to run (or to be retried) carries the switch job on already.
      const [waiting]: { exists: boolean }[] = await m.query(
        `SELECT EXISTS (SELECT 1 FROM graphile_worker.jobs
                         WHERE key = $1 AND locked_at IS NULL AND attempts < max_attempts) AS exists`,
        [policySwitchJobKey(id)],
      );
      if (waiting.exists) continue;
      await queuePolicySwitchBatch(m, id);
      queued.push(id);
    }
    await m.query(
      `SELECT FROM graphile_worker.add_job($1, run_at => now() + make_interval(secs => $2), job_key => $1)`,
      [POLICY_SWITCH_SWEEP_TASK, opts.nextInSeconds],
    );
    return queued;
  });
}
