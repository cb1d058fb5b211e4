import { Command } from 'commander';
import { createEnvironment, createEnvironmentInput } from '../tenancy/createEnvironment';
import { findEnvironment } from '../tenancy/findEnvironment';
import { listEnvironments } from '../tenancy/listEnvironments';
import { presentEnvironment } from '../tenancy/presentEnvironment';
import { listParams } from '../validation';
import { parseFlags } from './flags';
import { emit, listTable, recordTable } from './output';
import { CliRuntime } from './runtime';
import { registerSetPolicyCommand } from './setPolicyCommand';

const LIST_COLUMNS = ['id', 'name', 'inactive_policy', 'created_at'];
const listFlags = { limit: '--limit', after: '--after' };

/** `dsync environments create|list|show|set-policy`: the same commands as /api/v1/environments. */
export function registerEnvironmentsCommands(program: Command, runtime: CliRuntime): void {
  const group = program.command('environments').description('create, list and show environments, switch their policy');

  group
    .command('create')
    .description('create an environment')
    .requiredOption('--name <name>', 'environment name, e.g. "production"')
    .option('--inactive-policy <policy>', 'what deactivated users become: secure or retain (default: secure)')
    .action(async (opts: { name: string; inactivePolicy?: string }, cmd: Command) => {
      const input = parseFlags(
        createEnvironmentInput,
        { name: opts.name, inactive_policy: opts.inactivePolicy },
        { name: '--name', inactive_policy: '--inactive-policy' },
      );
      const env = presentEnvironment(await runtime.execute((ctx) => createEnvironment(ctx, input)));
      emit(cmd, runtime.io, { json: env, table: () => recordTable(env) });
    });

  group
    .command('list')
    .description('list environments, oldest first')
    .option('--limit <n>', 'how many to show, 1-100 (default: 10)')
    .option('--after <id>', 'show those after this environment id (the previous page\'s cursor)')
    .action(async (opts: { limit?: string; after?: string }, cmd: Command) => {
      const params = parseFlags(listParams.strict(), { limit: opts.limit, after: opts.after }, listFlags);
      const page = await runtime.execute((ctx) => listEnvironments(ctx, params));
      const data = page.rows.map(presentEnvironment);
      const listMetadata = { after: page.after };
      emit(cmd, runtime.io, {
        json: { data, list_metadata: listMetadata },
        table: () => listTable(LIST_COLUMNS, data, listMetadata),
      });
    });

  group
    .command('show')
    .description('show one environment')
    .argument('<id>', 'environment id (env_…)')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const env = presentEnvironment(await runtime.execute((ctx) => findEnvironment(ctx, id)));
      emit(cmd, runtime.io, { json: env, table: () => recordTable(env) });
    });

  registerSetPolicyCommand(group, runtime);
}
