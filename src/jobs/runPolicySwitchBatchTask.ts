import { DataSource } from 'typeorm';
import { z } from 'zod';
import { PolicySwitchJobRow } from '../db/tables/policySwitchJobs';
import { inTransaction } from '../db/transaction';
import { runPolicySwitchBatch } from '../directory/runPolicySwitchBatch';
import { policySwitchActor } from './policySwitchActor';
import { queuePolicySwitchBatch } from './queuePolicySwitchBatch';

const payloadSchema = z.object({ policy_switch_job_id: z.string() });

// A batch that found every user left held by SCIM writes in flight tries again after this.
const BUSY_RETRY_SECONDS = 1;

/**
 * The policy_switch_batch task: runs ONE batch of a policy switch job in its own
 * transaction and, while the job is still running, queues the next batch in that same
 * transaction. A batch and its continuation commit together: a crash mid-batch rolls
 * the batch back whole (nothing is counted twice) and the job row, still running, is
 * picked up again by the sweep (src/jobs/sweepPolicySwitchJobs.ts). A deadlock
 * (40P01) fails the graphile-worker job, which retries it with backoff.
 */
export async function runPolicySwitchBatchTask(ds: DataSource, payload: unknown, batchSize: number): Promise<void> {
  const { policy_switch_job_id: jobId } = payloadSchema.parse(payload);
  const [head]: Pick<PolicySwitchJobRow, 'actor' | 'status'>[] = await ds.query(
    `SELECT actor, status FROM policy_switch_jobs WHERE id = $1`,
    [jobId],
  );
  if (head?.status !== 'running') return;
  const actor = policySwitchActor(head.actor);
  await inTransaction(ds, async (manager) => {
    const batch = await runPolicySwitchBatch({ manager, actor }, { jobId, batchSize });
    if (batch.job?.status !== 'running') return;
    if (batch.claimed) {
      await queuePolicySwitchBatch(manager, jobId, { delaySeconds: batch.touched > 0 ? 0 : BUSY_RETRY_SECONDS });
    } else {
      // Another runner holds the job for a batch right now (a server's, a CLI run in the
      // foreground, or the sweep for a moment). It may end without queuing a successor
      // (a CLI run does not queue), so look again shortly unless a batch is waiting already.
      await queuePolicySwitchBatch(manager, jobId, { delaySeconds: BUSY_RETRY_SECONDS, keepWaitingTime: true });
    }
  });
}
