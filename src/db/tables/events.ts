/** An `events` row: the outbox, one row per change, inserted in the change's transaction; bigint and xid8 columns arrive as strings. */
export type EventRow = {
  id: string;
  seq: string;
  environment_id: string;
  directory_id: string | null;
  type: string;
  /** json (not jsonb), so the text keeps the presenter's key order. */
  data: unknown;
  previous_attributes: Record<string, unknown> | null;
  /** The inserting transaction; no reader uses it since `position` (migration 1763800000010) took over its job. */
  txid: string;
  created_at: Date;
  /** The directory user or group the event is about (for redaction under the secure policy). */
  subject_id: string | null;
  /** Consumer order, given after commit by the sequencer (src/events/assignPositions.ts). */
  position: string | null;
};
