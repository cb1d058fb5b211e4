import { Command } from 'commander';
import { createDirectory, createDirectoryInput } from '../tenancy/createDirectory';
import { findDirectory } from '../tenancy/findDirectory';
import { listDirectories } from '../tenancy/listDirectories';
import { listDirectoryTokens } from '../tenancy/listDirectoryTokens';
import { revokeDirectoryToken } from '../tenancy/revokeDirectoryToken';
import { rotateDirectoryToken } from '../tenancy/rotateDirectoryToken';
import { PROVIDERS } from '../db/tables/directories';
import { presentDirectory, presentDirectoryToken } from '../tenancy/presentDirectory';
import { listParams } from '../validation';
import { collect, parseFlags } from './flags';
import { emit, listTable, recordTable, secretNote } from './output';
import { CliRuntime } from './runtime';

const LIST_COLUMNS = ['id', 'environment_id', 'name', 'provider', 'organization_name', 'state'];
const TOKEN_COLUMNS = ['id', 'prefix', 'created_at', 'revoked_at'];
const listFlags = { limit: '--limit', after: '--after' };

type ListOpts = { limit?: string; after?: string };
type CreateOpts = { environment: string; name: string; provider: string; organization: string; domain: string[] };

/** `dsync directories …`: the same commands as /api/v1/directories. */
export function registerDirectoriesCommands(program: Command, runtime: CliRuntime): void {
  const group = program.command('directories').description('create, list and show directories; manage SCIM tokens');

  group
    .command('create')
    .description('create a directory and its first SCIM token')
    .requiredOption('--environment <id>', 'environment id (env_…)')
    .requiredOption('--name <name>', 'directory name')
    .requiredOption('--provider <provider>', `identity provider: ${PROVIDERS.join(', ')}`)
    .requiredOption('--organization <name>', 'name of the customer organization')
    .option('--domain <domain>', 'an email domain of the organization (repeatable)', collect, [])
    .action(async (opts: CreateOpts, cmd: Command) => {
      const input = parseFlags(
        createDirectoryInput,
        {
          environment_id: opts.environment,
          name: opts.name,
          provider: opts.provider,
          organization_name: opts.organization,
          domains: opts.domain,
        },
        {
          environment_id: '--environment',
          name: '--name',
          provider: '--provider',
          organization_name: '--organization',
          domains: '--domain',
        },
      );
      const { view, bearerToken } = await runtime.execute(async (ctx, config) => {
        const created = await createDirectory(ctx, input);
        return { view: presentDirectory(created.directory, config.publicUrl), bearerToken: created.bearerToken };
      });
      emit(cmd, runtime.io, {
        json: { ...view, bearer_token: bearerToken },
        table: () =>
          `${recordTable(view)}\nGive the identity provider's admin the SCIM URL and bearer token:\n` +
          `scim_url: ${view.scim_url}\n${secretNote('bearer_token', bearerToken)}`,
      });
    });

  group
    .command('list')
    .description('list directories, oldest first')
    .option('--environment <id>', 'only those of this environment')
    .option('--limit <n>', 'how many to show, 1-100 (default: 10)')
    .option('--after <id>', 'show those after this directory id (the previous page\'s cursor)')
    .action(async (opts: ListOpts & { environment?: string }, cmd: Command) => {
      const params = parseFlags(listParams.strict(), { limit: opts.limit, after: opts.after }, listFlags);
      const { data, after } = await runtime.execute(async (ctx, config) => {
        const page = await listDirectories(ctx, { ...params, environmentId: opts.environment });
        return { data: page.rows.map((d) => presentDirectory(d, config.publicUrl)), after: page.after };
      });
      emit(cmd, runtime.io, {
        json: { data, list_metadata: { after } },
        table: () => listTable(LIST_COLUMNS, data, { after }),
      });
    });

  group
    .command('show')
    .description('show one directory with its SCIM URL')
    .argument('<id>', 'directory id (directory_…)')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const view = await runtime.execute(async (ctx, config) =>
        presentDirectory(await findDirectory(ctx, id), config.publicUrl),
      );
      emit(cmd, runtime.io, { json: view, table: () => recordTable(view) });
    });

  group
    .command('tokens')
    .description("list a directory's SCIM tokens (never the tokens themselves)")
    .argument('<id>', 'directory id (directory_…)')
    .option('--limit <n>', 'how many to show, 1-100 (default: 10)')
    .option('--after <id>', 'show those after this token id (the previous page\'s cursor)')
    .action(async (id: string, opts: ListOpts, cmd: Command) => {
      const params = parseFlags(listParams.strict(), { limit: opts.limit, after: opts.after }, listFlags);
      const page = await runtime.execute((ctx) => listDirectoryTokens(ctx, id, params));
      const data = page.rows.map(presentDirectoryToken);
      emit(cmd, runtime.io, {
        json: { data, list_metadata: { after: page.after } },
        table: () => listTable(TOKEN_COLUMNS, data, { after: page.after }),
      });
    });

  group
    .command('rotate-token')
    .description('issue another SCIM token; older tokens keep working until revoked')
    .argument('<id>', 'directory id (directory_…)')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const { token, secret } = await runtime.execute((ctx) => rotateDirectoryToken(ctx, id));
      const view = presentDirectoryToken(token);
      emit(cmd, runtime.io, {
        json: { ...view, bearer_token: secret },
        table: () =>
          `${recordTable(view)}${secretNote('bearer_token', secret)}` +
          `Once the identity provider uses it, revoke the old token: dsync directories revoke-token ${id} <token_id>\n`,
      });
    });

  group
    .command('revoke-token')
    .description('revoke one SCIM token at once')
    .argument('<id>', 'directory id (directory_…)')
    .argument('<token_id>', 'token id (scim_token_…)')
    .action(async (id: string, tokenId: string, _opts: unknown, cmd: Command) => {
      const view = presentDirectoryToken(await runtime.execute((ctx) => revokeDirectoryToken(ctx, id, tokenId)));
      emit(cmd, runtime.io, { json: view, table: () => recordTable(view) });
    });
}
