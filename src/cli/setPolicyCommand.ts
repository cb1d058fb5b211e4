import { Command } from 'commander';
import { switchInactivePolicy, switchInactivePolicyInput } from '../directory/switchInactivePolicy';
import { inTransaction } from '../db/transaction';
import { EnvironmentRow } from '../db/tables/environments';
import { PolicySwitchJobRow } from '../db/tables/policySwitchJobs';
import { runPolicySwitchJob } from '../jobs/runPolicySwitchJob';
import { presentEnvironment } from '../tenancy/presentEnvironment';
import { presentPolicySwitchJob } from '../directory/presentPolicySwitchJob';
import { parseFlags } from './flags';
import { emit, recordTable } from './output';
import { progressOn } from './progress';
import { CliRuntime } from './runtime';

type Outcome = { environment: EnvironmentRow; job: PolicySwitchJobRow | null; changed: boolean };

/**
 * `dsync environments set-policy <id> secure|retain --reason "…"`: the switch of
 * PATCH /api/v1/environments/{id}, then, for a switch to secure, the job run here in
 * the foreground with its progress on stderr. The job runners of running servers share
 * the work (the switch queued its first batch for them); if this run is interrupted,
 * they finish the job.
 */
export function registerSetPolicyCommand(group: Command, runtime: CliRuntime): void {
  group
    .command('set-policy')
    .description(
      'switch the inactive policy; switching to secure deletes and erases the inactive users kept so far ' +
        '(--json prints the finished job, or the environment when no job was needed)',
    )
    .argument('<id>', 'environment id (env_…)')
    .argument('<policy>', 'secure or retain')
    .requiredOption('--reason <text>', 'why, for the audit log (1-500 characters), e.g. a ticket reference')
    .action(async (id: string, policy: string, opts: { reason: string }, cmd: Command) => {
      const input = parseFlags(
        switchInactivePolicyInput,
        { inactive_policy: policy, reason: opts.reason },
        { inactive_policy: '<policy>', reason: '--reason' },
      );
      const outcome = await runtime.withDatabase(async ({ dataSource, actor }): Promise<Outcome> => {
        const result = await inTransaction(dataSource, (manager) => switchInactivePolicy({ manager, actor }, id, input));
        if (!result.job) return result;
        const progress = progressOn(runtime.io.stderr, 'Erasing inactive users');
        progress.update(result.job.processed, result.job.total);
        const job = await runPolicySwitchJob(dataSource, result.job.id, {
          followWhenBusy: true,
          onBatch: (b) => progress.update(b.job.processed, b.job.total),
        });
        progress.end();
        // null only if the environment was deleted meanwhile; show the job as started.
        return { ...result, job: job ?? result.job };
      });
      const environment = presentEnvironment(outcome.environment);
      emit(cmd, runtime.io, {
        json: outcome.job ? presentPolicySwitchJob(outcome.job) : environment,
        table: () => `${recordTable(environment)}${note(outcome)}\n`,
      });
    });
}

function note({ environment, job, changed }: Outcome): string {
  if (!changed) return `The inactive policy is already ${environment.inactive_policy}; nothing changed.`;
  if (!job) return 'Inactive users are kept from now on; users erased under secure are not restored.';
  return `${job.id} ${job.status}: ${job.processed} of ${job.total} inactive users deleted and erased.`;
}
