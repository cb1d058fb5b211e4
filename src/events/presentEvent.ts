/** An events row as read with raw SQL. */
export type EventRow = {
  id: string;
  position: string;
  environment_id: string;
  directory_id: string | null;
  type: string;
  data: unknown;
  previous_attributes: Record<string, unknown> | null;
  created_at: Date;
};

/** An event as the events API returns it and as webhooks deliver it. */
export function presentEvent(e: EventRow) {
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
