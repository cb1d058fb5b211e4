import { Command } from 'commander';
import { z } from 'zod';
import { clearIdleRule } from '../activity/clearIdleRule';
import { getIdleRule } from '../activity/getIdleRule';
import { idleRuleInput } from '../activity/idleRuleInput';
import { presentIdleRule } from '../activity/presentIdleRule';
import { previewIdleUsers } from '../activity/previewIdleUsers';
import { runIdleScan } from '../activity/runIdleScan';
import { setIdleRule } from '../activity/setIdleRule';
import { listParams } from '../validation';
import { collect, parseFlags } from './flags';
import { emit, listTable, recordTable } from './output';
import { CliRuntime } from './runtime';

/** The limits support staff pick most: 7 days (the usual Google Workspace and agent default), 30, 60 and 90. */
export const IDLE_PRESETS = ['P7D', 'P30D', 'P60D', 'P90D'] as const;

type SetOpts = { after: string; action: string; warnBefore?: string; excludeUser: string[]; excludeGroup: string[] };
const PREVIEW_COLUMNS = ['directory_user_id', 'last_seen_at', 'idle_since', 'action'];
const SCAN_COLUMNS = ['directory_user_id', 'action', 'result'];

/** `dsync idle-rule set|show|clear` and `dsync idle preview|scan`: the same as /api/v1/directories/{id}/idle-…. */
export function registerIdleCommands(program: Command, runtime: CliRuntime): void {
  const rule = program.command('idle-rule').description("a directory's idle rule: who stopped using the app, and what then happens");
  rule
    .command('set')
    .description(`create or change the rule (presets for --after: ${IDLE_PRESETS.join(', ')})`)
    .argument('<directory>', 'directory id (directory_…)')
    .requiredOption('--after <duration>', 'ISO 8601 duration without activity, e.g. P30D')
    .requiredOption('--action <action>', 'notify, deactivate or unassign')
    .option('--warn-before <duration>', 'emit user.idle_warning this long before the limit, e.g. P7D')
    .option('--exclude-user <id>', 'a directory user never flagged (repeatable)', collect, [])
    .option('--exclude-group <id>', 'a directory group whose members are never flagged (repeatable)', collect, [])
    .action(async (directoryId: string, opts: SetOpts, cmd: Command) => {
      const input = parseFlags(
        idleRuleInput,
        {
          after: opts.after,
          action: opts.action,
          ...(opts.warnBefore === undefined ? {} : { warn_before: opts.warnBefore }),
          exclude: { user_ids: opts.excludeUser, group_ids: opts.excludeGroup },
        },
        { after: '--after', action: '--action', warn_before: '--warn-before', exclude: '--exclude-user/--exclude-group' },
      );
      const view = presentIdleRule(await runtime.execute((ctx) => setIdleRule(ctx, directoryId, input)));
      emit(cmd, runtime.io, { json: view, table: () => recordTable(flatten(view)) });
    });
  rule
    .command('show')
    .argument('<directory>', 'directory id (directory_…)')
    .action(async (directoryId: string, _opts: unknown, cmd: Command) => {
      const view = presentIdleRule(await runtime.execute((ctx) => getIdleRule(ctx, directoryId)));
      emit(cmd, runtime.io, { json: view, table: () => recordTable(flatten(view)) });
    });
  rule
    .command('clear')
    .description('turn the rule off (people it deactivated stay so until seen again)')
    .argument('<directory>', 'directory id (directory_…)')
    .action(async (directoryId: string, _opts: unknown, cmd: Command) => {
      await runtime.execute((ctx) => clearIdleRule(ctx, directoryId));
      emit(cmd, runtime.io, { json: { directory_id: directoryId, idle_rule: null }, table: () => `The idle rule of ${directoryId} is off.\n` });
    });

  const idle = program.command('idle').description('who is idle, and scans that act on it');
  idle
    .command('preview')
    .description('list who is idle now, or at --as-of; changes nothing')
    .argument('<directory>', 'directory id (directory_…)')
    .option('--as-of <time>', 'an RFC 3339 time (default now)')
    .option('--limit <n>', 'page size (1-100)')
    .option('--after <id>', 'cursor from the previous page')
    .action(async (directoryId: string, opts: { asOf?: string; limit?: string; after?: string }, cmd: Command) => {
      const p = parseFlags(
        listParams.extend({ as_of: z.iso.datetime({ offset: true }).optional() }),
        { as_of: opts.asOf, limit: opts.limit, after: opts.after },
        { as_of: '--as-of', limit: '--limit', after: '--after' },
      );
      const asOf = p.as_of === undefined ? new Date() : new Date(p.as_of);
      const page = await runtime.execute((ctx) => previewIdleUsers(ctx, directoryId, { limit: p.limit, after: p.after, asOf }));
      const json = { data: page.rows, list_metadata: { after: page.after } };
      emit(cmd, runtime.io, { json, table: () => listTable(PREVIEW_COLUMNS, page.rows, json.list_metadata) });
    });
  idle
    .command('scan')
    .description('run the directory\'s idle scan now and show what it did')
    .argument('<directory>', 'directory id (directory_…)')
    .action(async (directoryId: string, _opts: unknown, cmd: Command) => {
      const results = (await runtime.withDatabase(({ dataSource, actor, config }) => runIdleScan(dataSource, actor, directoryId, { batchSize: config.idleScanBatchSize }))) ?? [];
      emit(cmd, runtime.io, {
        json: { data: results },
        table: () => (results.length === 0 ? 'Nobody was due.\n' : listTable(SCAN_COLUMNS, results, { after: null })),
      });
    });
}

function flatten(view: ReturnType<typeof presentIdleRule>): Record<string, unknown> {
  const { exclude, ...rest } = view;
  return { ...rest, exclude_user_ids: exclude.user_ids, exclude_group_ids: exclude.group_ids };
}
