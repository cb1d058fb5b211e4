import { Logger as JobRunnerLogger, TaskList, parseCronItems, run } from 'graphile-worker';
import { Pool } from 'pg';
import { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { attemptUnassign } from '../activity/idp/attemptUnassign';
import { idpCallsFromConfig } from '../activity/idp/idpCalls';
import { Config } from '../config';
import { DEFAULT_POLICY_SWITCH_BATCH_SIZE } from '../directory/runPolicySwitchBatch';
import { deleteExpiredEvents } from '../events/deleteExpiredEvents';
import { IDP_UNASSIGN_TASK } from './queueIdpUnassign';
import { POLICY_SWITCH_BATCH_TASK } from './queuePolicySwitchBatch';
import { runPolicySwitchBatchTask } from './runPolicySwitchBatchTask';
import { IDLE_SCAN_TASK, scanIdleDirectories } from './scanIdleDirectories';
import { POLICY_SWITCH_SWEEP_TASK, sweepPolicySwitchJobs } from './sweepPolicySwitchJobs';

/** The graphile-worker task that deletes events past the retention period. */
export const DELETE_EXPIRED_EVENTS_TASK = 'delete_expired_events';

// Jobs run at once per process. Batches are short transactions on the data source's
// pool; two lets a retention run and a batch, or two environments' switches, overlap.
const CONCURRENCY = 2;

/** The job runner of a process, stopped on shutdown. */
export type JobRunner = { stop(): Promise<void> };

/**
 * Starts graphile-worker's runner: the policy-switch batches and their sweep, idle
 * rules' unassign attempts, the hourly retention cleanup and the minutely look for idle
 * scans due (crontab items). Jobs live in the database, so any number
 * of processes may run it: each job is locked by the one runner that takes it. The
 * runner has a pool of its own (see "Jobs" in docs/architecture.md); our code in the
 * tasks uses the data source's. Signals are left to the process's graceful shutdown.
 */
export async function startJobRunner(deps: { dataSource: DataSource; config: Config; logger: Logger }): Promise<JobRunner> {
  const { dataSource: ds, config, logger } = deps;
  // Its LISTEN connection, one to look for and complete jobs, one per job in flight.
  const pgPool = new Pool({ connectionString: dataSourceUrl(ds), max: CONCURRENCY + 2, application_name: 'dsync-jobs' });
  // A connection that drops fails the query on it, which graphile-worker retries or reports.
  const onError = (err: Error) => logger.warn({ err }, 'job runner connection failed');
  pgPool.on('error', onError);
  pgPool.on('connect', (client) => client.on('error', onError));
  // One Entra token cache per runner, shared by its scans and unassign attempts.
  const idp = idpCallsFromConfig(config);
  const taskList: TaskList = {
    [POLICY_SWITCH_BATCH_TASK]: (payload) => runPolicySwitchBatchTask(ds, payload, DEFAULT_POLICY_SWITCH_BATCH_SIZE),
    [POLICY_SWITCH_SWEEP_TASK]: async () => {
      const queued = await sweepPolicySwitchJobs(ds, { nextInSeconds: config.policySwitchSweepSeconds });
      if (queued.length > 0) logger.info({ policy_switch_job_ids: queued }, 'queued a batch for running policy switch jobs that had none');
    },
    [IDLE_SCAN_TASK]: async () => {
      await scanIdleDirectories(ds, logger, { intervalMs: config.idleScanIntervalMs, batchSize: config.idleScanBatchSize }, idp);
    },
    [IDP_UNASSIGN_TASK]: async (payload) => {
      const attempt = await attemptUnassign(ds, idp, payload, { retryBaseSeconds: config.idp.retryBaseSeconds });
      if (attempt.outcome === 'failed') logger.warn({ attempts: attempt.attempts }, 'idle rule unassign failed for good');
    },
    [DELETE_EXPIRED_EVENTS_TASK]: async () => {
      const deleted = await deleteExpiredEvents(ds, config.eventRetentionDays);
      if (deleted > 0) logger.info({ deleted }, 'expired events deleted');
    },
  };
  try {
    const runner = await run({
      pgPool,
      concurrency: CONCURRENCY,
      noHandleSignals: true,
      // Jobs queued for now wake the runner through its LISTEN; this bounds the delay of
      // jobs queued for later (retries, the sweep) and of lost notifications.
      pollInterval: config.workerPollMs,
      logger: jobRunnerLogger(logger),
      taskList,
      // Each tick is queued once across every process: graphile-worker records the ticks it queued.
      parsedCronItems: parseCronItems([
        { task: DELETE_EXPIRED_EVENTS_TASK, match: '0 * * * *', identifier: DELETE_EXPIRED_EVENTS_TASK },
        // Which directories are due is decided by IDLE_SCAN_INTERVAL; the tick only looks.
        { task: IDLE_SCAN_TASK, match: '* * * * *', identifier: IDLE_SCAN_TASK, options: { backfillPeriod: 0, jobKey: IDLE_SCAN_TASK } },
        // The sweep queues its own next run; this revives the series within a minute if a
        // process died while running it (its job then stays locked). A sweep already
        // waiting keeps its time.
        {
          task: POLICY_SWITCH_SWEEP_TASK,
          match: '* * * * *',
          identifier: POLICY_SWITCH_SWEEP_TASK,
          options: { backfillPeriod: 0, jobKey: POLICY_SWITCH_SWEEP_TASK, jobKeyMode: 'preserve_run_at' },
        },
      ]),
    });
    // At every start, a cleanup and a sweep now (one each, however many processes start:
    // the key keeps a single one waiting). The sweep then queues its own next run.
    await runner.addJob(DELETE_EXPIRED_EVENTS_TASK, {}, { jobKey: DELETE_EXPIRED_EVENTS_TASK });
    await runner.addJob(POLICY_SWITCH_SWEEP_TASK, {}, { jobKey: POLICY_SWITCH_SWEEP_TASK });
    return {
      async stop() {
        // Waits for the jobs in progress (a batch, a cleanup); what is queued stays for the next runner.
        await runner.stop();
        await pgPool.end();
      },
    };
  } catch (err) {
    await pgPool.end();
    throw err;
  }
}

// graphile-worker's log lines go to our logger; its per-job "info" lines are debug here.
// Of its metadata only the error is kept: the rest holds jobs and connections.
function jobRunnerLogger(logger: Logger): JobRunnerLogger {
  return new JobRunnerLogger((scope) => (level, message, meta) => {
    const fields = { job_runner: { ...scope }, err: meta?.error };
    const lvl: string = level;
    if (lvl === 'error') logger.error(fields, message);
    else if (lvl === 'warning') logger.warn(fields, message);
    else logger.debug(fields, message);
  });
}

function dataSourceUrl(ds: DataSource): string {
  return (ds.options as { url?: string }).url ?? '';
}
