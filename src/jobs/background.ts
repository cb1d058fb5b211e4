import { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { Config } from '../config';
import { createPolicySwitchRunner } from './policySwitchRunner';
import { WorkerMetrics } from './workerMetrics';
import { startWorker } from './eventWorker';

/** Everything a process runs in the background, started and stopped together. */
export type Background = { stop(): Promise<void>; kick(): void };

/**
 * Starts the webhook worker (sequencer, deliveries, retention) and the policy-switch
 * runner. The server runs them in-process unless RUN_WORKER=false; `npm run worker`
 * runs them alone. Several processes may run them against one database.
 */
export async function startBackground(deps: {
  dataSource: DataSource;
  config: Config;
  logger: Logger;
  metrics?: WorkerMetrics;
}): Promise<Background> {
  const worker = await startWorker(deps);
  const policySwitches = createPolicySwitchRunner(deps.dataSource, { logger: deps.logger });
  await policySwitches.start();
  return {
    kick: () => worker.kick(),
    async stop() {
      // Each finishes the unit in progress (a batch, an HTTP attempt); the rest waits for the next start.
      await Promise.all([policySwitches.stop(), worker.stop()]);
    },
  };
}
