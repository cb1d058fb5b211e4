import { loadConfig } from '../../src/config';
import { createDataSource } from '../../src/db/dataSource';
import { createLogger } from '../../src/http/logger';
import { startWorker } from '../../src/jobs/eventWorker';

/**
 * A webhook worker process configured from its environment as `npm run worker` is
 * (DATABASE_URL, WEBHOOK_*), with the lease margin given as an argument so a test that
 * kills it sees its claim expire within seconds. Prints "ready" once it listens for
 * work; stops cleanly on SIGTERM. test/webhooks/workerCrash.test.ts SIGKILLs it mid-delivery.
 * Usage: node --import tsx test/webhooks/workerChild.ts <lease margin seconds>
 */
async function run(): Promise<void> {
  const config = loadConfig();
  const ds = createDataSource(String(config.databaseUrl), 2);
  await ds.initialize();
  const worker = await startWorker(
    { dataSource: ds, config, logger: createLogger(config.logLevel) },
    { leaseMarginSeconds: Number(process.argv[2]) },
  );
  process.stdout.write('ready\n');
  process.once('SIGTERM', () => {
    void worker
      .stop()
      .then(() => ds.destroy())
      .then(() => process.exit(0));
  });
}

run().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
