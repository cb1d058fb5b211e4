import { createDataSource } from '../../src/db/dataSource';
import { createLogger } from '../../src/http/logger';
import { createPolicySwitchRunner } from '../../src/jobs/policySwitchRunner';

/**
 * A process that runs the policy switch runner against DATABASE_URL until no job is
 * left, as a server would. test/lifecycle/policySwitchCrash.test.ts kills it mid-job.
 * Usage: node --import tsx test/lifecycle/policySwitchChild.ts <batch size>
 */
async function run(): Promise<void> {
  const ds = createDataSource(String(process.env.DATABASE_URL), 2);
  await ds.initialize();
  try {
    const runner = createPolicySwitchRunner(ds, { logger: createLogger('error'), batchSize: Number(process.argv[2]) });
    await runner.drain();
  } finally {
    await ds.destroy();
  }
}

run().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
