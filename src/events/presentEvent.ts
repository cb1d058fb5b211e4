import { EventRow } from '../db/tables/events';

/** An event as consumers see it, read with EVENT_COLUMNS; only events that have their position are shown. */
export type PositionedEvent = Pick<
  EventRow,
  'id' | 'environment_id' | 'directory_id' | 'type' | 'data' | 'previous_attributes' | 'created_at'
> & { position: string };

/** The events columns of PositionedEvent (`e` is the events table). */
export const EVENT_COLUMNS =
  'e.id, e.position, e.environment_id, e.directory_id, e.type, e.data, e.previous_attributes, e.created_at';

/** An event as the events API returns it and as webhooks deliver it. */
export function presentEvent(e: PositionedEvent) {
  return {
    object: 'event' as const,
    id: e.id,
    type: e.type,
    position: Number(e.position),
    created_at: new Date(e.created_at).toISOString(),
    environment_id: e.environment_id,
    directory_id: e.directory_id,
    data: e.data,
    ...(e.previous_attributes ? { previous_attributes: e.previous_attributes } : {}),
  };
}
