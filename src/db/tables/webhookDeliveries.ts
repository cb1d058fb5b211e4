export const DELIVERY_STATUSES = ['pending', 'delivering', 'succeeded', 'failed'] as const;
/** Where a delivery stands: waiting, claimed under a lease, or done either way. */
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** A `webhook_deliveries` row: one event for one endpoint, claimed by workers with a lease; bigints arrive as strings. */
export type WebhookDeliveryRow = {
  id: string;
  endpoint_id: string;
  event_id: string;
  event_position: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: Date;
  lease_expires_at: Date | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: Date;
  updated_at: Date;
  delivered_at: Date | null;
};
