import { setTimeout as delay } from 'node:timers/promises';
import type { Notification, Pool, PoolClient } from 'pg';
import { Logger } from 'pino';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { Actor } from '../tenancy/context';
import { DEFAULT_POLICY_SWITCH_BATCH_SIZE, PolicySwitchBatch, runPolicySwitchBatch } from '../directory/runPolicySwitchBatch';
import { POLICY_SWITCH_CHANNEL } from '../directory/switchInactivePolicy';
import { pgErrorInfo } from '../db/pgErrors';
import { inTransaction } from '../db/transaction';
import { PolicySwitchJob } from '../entities/PolicySwitchJob';

/** How one job is run to its end. */
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
   * held elsewhere (another runner has the job, SCIM writes in flight hold the users
   * left); the CLI does. Default false: return the job still running, so a runner moves
   * on to other jobs and comes back at its next poll.
   */
  followWhenBusy?: boolean;
  /** Called after every batch, with the job as it then stood. */
  onBatch?: (batch: PolicySwitchBatch & { job: PolicySwitchJob }) => void;
  /** Stops between batches; the job stays running for whoever picks it up next. */
  signal?: AbortSignal;
};

/**
 * Runs a policy switch job batch by batch, each in its own transaction, until it is no
 * longer running; returns the job as last seen (null if it no longer exists). Without
 * `followWhenBusy` it also returns, still running, when a batch could do nothing.
 */
export async function runPolicySwitchJob(ds: DataSource, jobId: string, opts: RunJobOptions = {}): Promise<PolicySwitchJob | null> {
  const first = await ds.manager.findOneBy(PolicySwitchJob, { id: jobId });
  if (!first) return null;
  const actor = actorOfLabel(first.actor);
  const batchSize = opts.batchSize ?? DEFAULT_POLICY_SWITCH_BATCH_SIZE;
  let job = first;
  let failures = 0;
  while (job.status === 'running' && !opts.signal?.aborted) {
    let batch: PolicySwitchBatch;
    try {
      batch = await inTransaction(ds, (manager) => runPolicySwitchBatch({ manager, actor }, { jobId, batchSize }));
      failures = 0;
    } catch (err) {
      // A deadlock with another writer of the same rows (e.g. the event sequencer) rolls
      // the batch back whole; it is simply run again.
      if (!isTransient(err) || ++failures > MAX_TRANSIENT_FAILURES) throw err;
      if (!(await pause(opts.retryDelayMs ?? 200, opts.signal))) break;
      continue;
    }
    if (!batch.job) return null;
    job = batch.job;
    opts.onBatch?.({ ...batch, job });
    if (job.status !== 'running' || batch.touched > 0) continue;
    if (!opts.followWhenBusy || !(await pause(opts.retryDelayMs ?? 200, opts.signal))) break;
  }
  return job;
}

/** Options of the in-process runner. */
export type PolicySwitchRunnerOptions = Pick<RunJobOptions, 'batchSize' | 'retryDelayMs'> & {
  logger: Logger;
  /** How often to look for running jobs, e.g. left by a crashed process (default 1000 ms). */
  pollIntervalMs?: number;
  /** Called when a job this runner worked on has ended (completed or superseded). */
  onJobEnded?: (job: PolicySwitchJob) => void;
};

/** The runner's controls. */
export type PolicySwitchRunner = {
  /** Starts polling and listening for new jobs, and resumes jobs left running. */
  start(): Promise<void>;
  /** Looks for running jobs now (after the pass in progress, if any). */
  kick(): void;
  /** Runs a pass over the running jobs and resolves when it is over. */
  drain(): Promise<void>;
  /** Stops after the batch in progress; unfinished jobs stay running for the next runner. */
  stop(): Promise<void>;
};

/**
 * The loop that carries policy switch jobs to their end in this process. Every
 * process may run one: jobs and users are claimed with SKIP LOCKED, so runners share
 * the work and never do it twice, and a job whose runner died is resumed by the next poll.
 */
export function createPolicySwitchRunner(ds: DataSource, opts: PolicySwitchRunnerOptions): PolicySwitchRunner {
  const abort = new AbortController();
  let pass: Promise<void> | null = null;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  const listener = notificationListener(ds, opts.logger, () => kick());

  const runPass = async () => {
    const rows: { id: string }[] = await ds.query(
      `SELECT id FROM policy_switch_jobs WHERE status = 'running' ORDER BY created_at, id`,
    );
    for (const { id } of rows) {
      if (abort.signal.aborted) return;
      try {
        const job = await runPolicySwitchJob(ds, id, {
          batchSize: opts.batchSize,
          retryDelayMs: opts.retryDelayMs,
          signal: abort.signal,
        });
        if (job && job.status !== 'running') opts.onJobEnded?.(job);
      } catch (err) {
        opts.logger.error({ err, job_id: id }, 'policy switch batch failed; the job is retried at the next poll');
      }
    }
  };

  const loop = async () => {
    do {
      again = false;
      try {
        await runPass();
      } catch (err) {
        opts.logger.error({ err }, 'could not list policy switch jobs; retrying at the next poll');
      }
    } while (again && !abort.signal.aborted);
    pass = null;
  };

  function kick(): void {
    if (abort.signal.aborted) return;
    if (pass) again = true;
    else pass = loop();
  }

  return {
    async start() {
      timer = setInterval(() => {
        void listener.ensure();
        kick();
      }, opts.pollIntervalMs ?? 1000);
      timer.unref();
      await listener.ensure();
      kick();
    },
    kick,
    async drain() {
      kick();
      await pass;
    },
    async stop() {
      abort.abort();
      clearInterval(timer);
      await pass;
      await listener.close();
    },
  };
}

// LISTEN on a connection of the pool: a switch's NOTIFY arrives when it commits. If the
// connection drops, the poll keeps jobs moving and listens again.
function notificationListener(ds: DataSource, logger: Logger, onNotify: () => void) {
  let client: PoolClient | null = null;
  let connecting: Promise<void> | null = null;
  let closed = false;

  const connect = async () => {
    const pool = (ds.driver as PostgresDriver).master as Pool;
    let c: PoolClient;
    try {
      c = await pool.connect();
    } catch (err) {
      logger.warn({ err }, 'cannot listen for policy switch jobs; polling only');
      return;
    }
    c.on('notification', (n: Notification) => {
      if (n.channel === POLICY_SWITCH_CHANNEL) onNotify();
    });
    c.on('error', (err: Error) => {
      // Before LISTEN succeeded the failed query releases it; after close() it is gone.
      if (client !== c) return;
      logger.warn({ err }, 'lost the policy switch notification connection; polling until it is back');
      client = null;
      c.release(err);
    });
    try {
      await c.query(`LISTEN ${POLICY_SWITCH_CHANNEL}`);
    } catch (err) {
      c.release(err as Error);
      return;
    }
    if (closed) c.release();
    else client = c;
  };

  return {
    async ensure() {
      if (client || closed) return;
      connecting ??= connect().finally(() => (connecting = null));
      await connecting;
    },
    async close() {
      closed = true;
      await connecting;
      const c = client;
      client = null;
      if (!c) return;
      try {
        await c.query(`UNLISTEN ${POLICY_SWITCH_CHANNEL}`);
        c.release();
      } catch (err) {
        c.release(err as Error);
      }
    },
  };
}

// Jobs record who started them (actorLabel); batches act, and the completion is
// audited, in that person's name. Only the operator can switch, so only their labels occur.
function actorOfLabel(label: string): Actor {
  const colon = label.indexOf(':');
  const kind = label.slice(0, colon);
  const rest = label.slice(colon + 1);
  if (kind === 'admin_key') return { kind: 'admin', keyId: rest === 'ADMIN_API_KEY' ? null : rest };
  if (kind === 'cli') return { kind: 'cli', user: rest };
  throw new Error(`policy switch job started by an unexpected actor: ${label}`);
}

const MAX_TRANSIENT_FAILURES = 5;

// SQLSTATE 40P01 deadlock_detected, 40001 serialization_failure.
function isTransient(err: unknown): boolean {
  const code = pgErrorInfo(err)?.code;
  return code === '40P01' || code === '40001';
}

async function pause(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  try {
    await delay(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}
