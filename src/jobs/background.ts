import { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { Config } from '../config';
import { startWorker } from './eventWorker';
import { startJobRunner } from './jobRunner';
import { createNotificationListener } from './notificationListener';
import { WorkerMetrics } from './workerMetrics';

/** Everything a process runs in the background, started and stopped together. */
export type Background = { stop(): Promise<void>; kick(): void };

/**
 * Starts the process's background work: the event loop (sequencer and webhook
 * deliveries), woken through the process's one LISTEN connection for our channels, and
 * the graphile-worker job runner (policy-switch batches and their sweep, retention).
 * The server runs them in-process unless RUN_WORKER=false; `npm run worker` runs them
 * alone. Several processes may run them against one database.
 */
export async function startBackground(deps: {
  dataSource: DataSource;
  config: Config;
  logger: Logger;
  metrics?: WorkerMetrics;
}): Promise<Background> {
  const url = (deps.dataSource.options as { url?: string }).url ?? '';
  const listener = createNotificationListener(url, deps.logger);
  let worker: Awaited<ReturnType<typeof startWorker>> | undefined;
  let jobs: Awaited<ReturnType<typeof startJobRunner>> | undefined;
  const stop = async () => {
    // Each finishes the unit in progress (a job, an HTTP attempt); the rest waits for the next start.
    await Promise.all([jobs?.stop(), worker?.stop()]);
    await listener.close();
  };
  try {
    worker = await startWorker({ ...deps, listener });
    jobs = await startJobRunner(deps);
  } catch (err) {
    await stop();
    throw err;
  }
  const events = worker;
  return { kick: () => events.kick(), stop };
}
