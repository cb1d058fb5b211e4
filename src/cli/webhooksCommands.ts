import { Command } from 'commander';
import { listWebhookEndpoints } from '../webhooks/listWebhookEndpoints';
import { replayEventsInput, replayEventsToEndpoint } from '../webhooks/replayEventsToEndpoint';
import { presentWebhookEndpoint } from '../webhooks/presentWebhookEndpoint';
import { listParams } from '../validation';
import { parseFlags } from './flags';
import { emit, listTable } from './output';
import { CliRuntime } from './runtime';

const LIST_COLUMNS = ['id', 'environment_id', 'url', 'events', 'enabled', 'disabled_reason'];

/** `dsync webhooks list|replay`: webhook endpoints as /api/v1/webhook-endpoints shows them, and replays. */
export function registerWebhooksCommands(program: Command, runtime: CliRuntime): void {
  const group = program.command('webhooks').description('list webhook endpoints and replay events to one');

  group
    .command('list')
    .description('list webhook endpoints, oldest first (an empty events list means every type)')
    .option('--environment <id>', 'only those of this environment')
    .option('--limit <n>', 'how many to show, 1-100 (default: 10)')
    .option('--after <id>', "show those after this endpoint id (the previous page's cursor)")
    .action(async (opts: { environment?: string; limit?: string; after?: string }, cmd: Command) => {
      const params = parseFlags(
        listParams.strict(),
        { limit: opts.limit, after: opts.after },
        { limit: '--limit', after: '--after' },
      );
      const page = await runtime.execute((ctx) =>
        listWebhookEndpoints(ctx, { ...params, environmentId: opts.environment }),
      );
      const data = page.rows.map(presentWebhookEndpoint);
      emit(cmd, runtime.io, {
        json: { data, list_metadata: { after: page.after } },
        table: () => listTable(LIST_COLUMNS, data, { after: page.after }),
      });
    });

  group
    .command('replay')
    .description(
      'queue the events of the endpoint\'s environment with a position in [--from, --to] (and of a type it ' +
        'subscribes to) for delivery again; the worker sends them in position order',
    )
    .argument('<endpoint_id>', 'webhook endpoint id (webhook_endpoint_…)')
    .requiredOption('--from <position>', 'first event position to replay (see GET /api/v1/events)')
    .option('--to <position>', 'last event position to replay (default: the latest)')
    .action(async (endpointId: string, opts: { from: string; to?: string }, cmd: Command) => {
      const input = parseFlags(replayEventsInput, { from: opts.from, to: opts.to }, { from: '--from', to: '--to' });
      const { endpoint, queued } = await runtime.execute((ctx) => replayEventsToEndpoint(ctx, endpointId, input));
      const range = input.to === undefined ? `from position ${input.from} on` : `at positions ${input.from}-${input.to}`;
      emit(cmd, runtime.io, {
        json: {
          object: 'webhook_replay',
          endpoint_id: endpoint.id,
          from: Number(input.from),
          to: input.to === undefined ? null : Number(input.to),
          queued,
        },
        table: () =>
          `Queued ${queued} ${queued === 1 ? 'delivery' : 'deliveries'} to ${endpoint.id} (events ${range}).\n` +
          (endpoint.enabled ? '' : 'The endpoint is disabled: they are sent once it is enabled again.\n'),
      });
    });
}
