import { z } from 'zod';
import { EVENT_TYPES } from './eventTypes';
import { EVENT_COLUMNS, PositionedEvent } from './presentEvent';
import { CommandContext, confinedEnvironment } from '../tenancy/context';
import { findEnvironment } from '../tenancy/findEnvironment';

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
  // Events outlive a deleted directory, so directory_id is a plain filter inside the visible environments.
  if (input.directory_id !== undefined) add('e.directory_id = ?', input.directory_id);
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
