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
