import { CommandContext } from '../tenancy/context';
import { newId } from '../ids';
import { EventType } from './eventTypes';

export type EventInput = {
  type: EventType;
  environmentId: string;
  directoryId: string | null;
  data: unknown;
  previousAttributes?: Record<string, unknown>;
  /** The directory user (or group) the event is about; lets the secure policy redact it later. */
  subjectId?: string;
};

/**
 * Appends an event to the outbox inside the caller's transaction, so a committed
 * change always has its event and a rolled-back one never does.
 */
export async function recordEvent(ctx: CommandContext, input: EventInput): Promise<string> {
  const id = newId('event');
  await ctx.manager.query(
    // The notification is delivered on commit and wakes the sequencer (LISTEN dsync_events).
    `WITH inserted AS (
       INSERT INTO events (id, environment_id, directory_id, type, data, previous_attributes, subject_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id
     ) SELECT pg_notify('dsync_events', '') FROM inserted`,
    [
      id,
      input.environmentId,
      input.directoryId,
      input.type,
      JSON.stringify(input.data),
      input.previousAttributes === undefined ? null : JSON.stringify(input.previousAttributes),
      input.subjectId ?? null,
    ],
  );
  return id;
}

/**
 * Appends several events in one statement inside the caller's transaction, in the order
 * given (their positions follow it): for changes made in bulk, such as an idle scan.
 */
export async function recordEvents(ctx: CommandContext, inputs: EventInput[]): Promise<void> {
  if (inputs.length === 0) return;
  await ctx.manager.query(
    `WITH inserted AS (
       INSERT INTO events (id, environment_id, directory_id, type, data, previous_attributes, subject_id)
       SELECT e.id, e.environment_id, e.directory_id, e.type, e.data, e.previous_attributes, e.subject_id
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::json[], $6::json[], $7::text[]) WITH ORDINALITY
                AS e(id, environment_id, directory_id, type, data, previous_attributes, subject_id, n)
        ORDER BY e.n
       RETURNING id
     ) SELECT pg_notify('dsync_events', '') WHERE EXISTS (SELECT 1 FROM inserted)`,
    [
      inputs.map(() => newId('event')),
      inputs.map((i) => i.environmentId),
      inputs.map((i) => i.directoryId),
      inputs.map((i) => i.type),
      inputs.map((i) => JSON.stringify(i.data)),
      inputs.map((i) => (i.previousAttributes === undefined ? null : JSON.stringify(i.previousAttributes))),
      inputs.map((i) => i.subjectId ?? null),
    ],
  );
}
