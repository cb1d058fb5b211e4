import { Command } from 'commander';
import { rotateAdminKey } from '../tenancy/rotateAdminKey';
import { presentApiKey } from '../tenancy/presentApiKey';
import { emit, recordTable, secretNote } from './output';
import { CliRuntime } from './runtime';

/** `dsync admin-key rotate`: replaces the admin key generated on first start. */
export function registerAdminKeyCommands(program: Command, runtime: CliRuntime): void {
  const group = program.command('admin-key').description('manage the generated admin key');

  group
    .command('rotate')
    .description('revoke the generated admin key and create a new one (ADMIN_API_KEY, if set, is not affected)')
    .action(async (_opts: unknown, cmd: Command) => {
      const { apiKey, secret, revoked } = await runtime.execute((ctx) => rotateAdminKey(ctx));
      const view = presentApiKey(apiKey);
      const revokedLine = revoked
        ? `Revoked ${revoked.id} (${revoked.prefix}…); it no longer works.\n`
        : 'No generated admin key was live; none was revoked.\n';
      emit(cmd, runtime.io, {
        json: { ...view, key: secret, revoked_key_id: revoked?.id ?? null },
        table: () => `${recordTable(view)}${revokedLine}${secretNote('key', secret)}`,
      });
    });
}
