import { z } from 'zod';
import { EVENT_TYPES } from './eventTypes';
import { EVENT_COLUMNS, PositionedEvent } from './presentEvent';
import { CommandContext, confinedEnvironment } from '../tenancy/context';
import { findEnvironment } from '../tenancy/findEnvironment';
import { notFound } from '../errors';

export const listEventsInput = z
  .object({
    environment_id: z.string().min(1).optional(),
    directory_id: z.string().regex(/^directory_[0-9A-Z]{26}$/, 'must be a directory id').optional(),
    types: z
      .string()
      .transform((s) => s.split(',').map((t) => t.trim()).filter(Boolean))
      .pipe(z.array(z.enum(EVENT_TYPES)).min(1))
      .optional(),
    // The cursor is the position of the last event the consumer saw.
    after: z.string().regex(/^\d{1,18}$/, 'after must be a cursor from list_metadata.after').optional(),
    limit: z.coerce.number().int().min(1).max(100).default(10),
  })
  .strict();

/**
 * Events in consumer order (position), oldest first. Only positioned events are
 * returned: a position is given after commit, in visibility order, so a consumer that
 * polls with the last cursor it saw gets every event exactly once, in order.
 */
export async function listEvents(ctx: CommandContext, input: z.infer<typeof listEventsInput>) {
  const where: string[] = ['e.position IS NOT NULL'];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (input.environment_id !== undefined) {
    await findEnvironment(ctx, input.environment_id);
    add('e.environment_id = ?', input.environment_id);
  }
  const confined = confinedEnvironment(ctx.actor);
  if (confined !== undefined) add('e.environment_id = ?', confined);
  if (input.directory_id !== undefined) {
    await assertDirectoryVisible(ctx, input.directory_id, confined);
    add('e.directory_id = ?', input.directory_id);
  }
  if (input.types) add('e.type = ANY(?::text[])', input.types);
  if (input.after !== undefined) add('e.position > ?::bigint', input.after);
  params.push(input.limit);
  const rows: PositionedEvent[] = await ctx.manager.query(
    `SELECT ${EVENT_COLUMNS} FROM events e WHERE ${where.join(' AND ')} ORDER BY e.position LIMIT $${params.length}`,
    params,
  );
  const last = rows[rows.length - 1];
  return { rows, after: last ? String(last.position) : (input.after ?? null) };
}

/**
 * Another tenant's directory answers 404, like a directory that never existed, as on
 * every other route. Events outlive a deleted directory, so a directory that is gone
 * but still has events the actor may see counts as visible: its history stays readable.
 */
async function assertDirectoryVisible(ctx: CommandContext, directoryId: string, confined: string | undefined): Promise<void> {
  // The events probe runs only when the directory row is gone; confined to an environment,
  // it reads that environment's events through events_environment_seq_idx.
  const [{ visible }]: { visible: boolean }[] = await ctx.manager.query(
    `SELECT EXISTS (SELECT 1 FROM directories WHERE id = $1 AND ($2::text IS NULL OR environment_id = $2))
         OR EXISTS (SELECT 1 FROM events WHERE directory_id = $1 AND ($2::text IS NULL OR environment_id = $2)) AS visible`,
    [directoryId, confined ?? null],
  );
  if (!visible) throw notFound('Directory');
}
