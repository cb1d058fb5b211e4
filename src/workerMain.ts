import { loadConfigOrExit } from './config';
import { openDatabase } from './db/open';
import { createLogger } from './http/logger';
import { startBackground } from './jobs/background';

/**
 * `npm run worker`: the background work alone (event sequencer, webhook deliveries,
 * retention cleanup, policy-switch jobs), for installs that scale it apart from the
 * web servers (run those with RUN_WORKER=false). Stops on SIGTERM/SIGINT after the
 * unit of work in progress.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.logLevel);
  const db = await openDatabase(config, { migrate: true, log: (line) => logger.debug({ postgres: line }) });
  const background = await startBackground({ dataSource: db.dataSource, config, logger });
  logger.info('worker started');
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'worker stopping');
    await background.stop();
    await db.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`dsync worker failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
