import { Command } from 'commander';
import { createApiKey, createApiKeyInput } from '../tenancy/createApiKey';
import { presentApiKey } from '../tenancy/presentApiKey';
import { parseFlags } from './flags';
import { emit, recordTable, secretNote } from './output';
import { CliRuntime } from './runtime';

/** `dsync api-keys create`: the same command as POST /api/v1/environments/{id}/api-keys. */
export function registerApiKeysCommands(program: Command, runtime: CliRuntime): void {
  const group = program.command('api-keys').description("manage environments' API keys");

  group
    .command('create')
    .description('create an API key that acts on one environment only')
    .requiredOption('--environment <id>', 'environment id (env_…)')
    .option('--name <name>', 'what the key is for (default: "default")')
    .action(async (opts: { environment: string; name?: string }, cmd: Command) => {
      const input = parseFlags(createApiKeyInput, { name: opts.name }, { name: '--name' });
      const { apiKey, secret } = await runtime.execute((ctx) => createApiKey(ctx, opts.environment, input));
      const view = presentApiKey(apiKey);
      emit(cmd, runtime.io, {
        json: { ...view, key: secret },
        table: () => `${recordTable(view)}${secretNote('key', secret)}`,
      });
    });
}
