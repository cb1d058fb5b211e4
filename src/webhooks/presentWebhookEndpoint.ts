import { EventRow } from '../db/tables/events';
import { DeliveryStatus, WebhookDeliveryRow } from '../db/tables/webhookDeliveries';
import { WebhookEndpointRow } from '../db/tables/webhookEndpoints';

/**
 * A webhook_endpoints row as WEBHOOK_ENDPOINT_COLUMNS reads it: never with a sealed secret,
 * and with the previous secret's prefix and expiry only while that secret still signs.
 */
export type WebhookEndpointMetadata = Omit<WebhookEndpointRow, 'secret_ciphertext' | 'previous_secret_ciphertext' | 'failing_since'>;

/**
 * The columns of WebhookEndpointMetadata, for SELECT and RETURNING lists (`w` is the table
 * alias). An overlap that has run out reads as none, by the database's clock, which is the
 * clock that decides whether a delivery is signed with the previous secret (claimDelivery.ts).
 */
export const WEBHOOK_ENDPOINT_COLUMNS =
  'w.id, w.environment_id, w.url, w.events, w.enabled, w.secret_prefix, ' +
  'CASE WHEN w.previous_secret_expires_at > now() THEN w.previous_secret_prefix END AS previous_secret_prefix, ' +
  'CASE WHEN w.previous_secret_expires_at > now() THEN w.previous_secret_expires_at END AS previous_secret_expires_at, ' +
  'w.disabled_reason, w.created_at, w.updated_at';

/** A webhook endpoint as the admin API and CLI show it; the signing secret is never part of it. */
export type WebhookEndpointView = {
  object: 'webhook_endpoint';
  id: string;
  environment_id: string;
  url: string;
  events: string[];
  enabled: boolean;
  secret_prefix: string;
  previous_secret_prefix: string | null;
  previous_secret_expires_at: string | null;
  disabled_reason: string | null;
  created_at: string;
  updated_at: string;
};

/** Serialises a webhook endpoint. */
export function presentWebhookEndpoint(w: WebhookEndpointMetadata): WebhookEndpointView {
  return {
    object: 'webhook_endpoint',
    id: w.id,
    environment_id: w.environment_id,
    url: w.url,
    events: w.events,
    enabled: w.enabled,
    secret_prefix: w.secret_prefix,
    previous_secret_prefix: w.previous_secret_prefix,
    previous_secret_expires_at: w.previous_secret_expires_at ? new Date(w.previous_secret_expires_at).toISOString() : null,
    disabled_reason: w.disabled_reason,
    created_at: new Date(w.created_at).toISOString(),
    updated_at: new Date(w.updated_at).toISOString(),
  };
}

/** A webhook_deliveries row joined with its event's type, as WEBHOOK_DELIVERY_COLUMNS reads it. */
export type WebhookDeliveryListing = Omit<WebhookDeliveryRow, 'lease_expires_at'> & { event_type: EventRow['type'] };

/** The columns of WebhookDeliveryListing (`d` is the delivery, `e` its event). */
export const WEBHOOK_DELIVERY_COLUMNS =
  'd.id, d.endpoint_id, d.event_id, e.type AS event_type, d.event_position, d.status, d.attempts, ' +
  'd.last_status_code, d.last_error, d.next_attempt_at, d.created_at, d.updated_at, d.delivered_at';

/** The API id of a delivery: its bigint key behind a `delivery_` prefix, so ids say what they name. */
export function deliveryId(rowId: string): string {
  return `delivery_${rowId}`;
}

/** The bigint key inside a `delivery_<n>` id, or undefined when the id has another shape. */
export function deliveryRowId(id: string): string | undefined {
  // 18 digits stay below the bigint maximum, so the value never fails a cast in SQL.
  return /^delivery_([1-9][0-9]{0,17})$/.exec(id)?.[1];
}

/** A delivery as the admin API shows it. */
export type WebhookDeliveryView = {
  object: 'webhook_delivery';
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  event_position: number;
  status: DeliveryStatus;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: string | null;
  created_at: string;
  updated_at: string;
  delivered_at: string | null;
};

/**
 * Serialises a delivery. `next_attempt_at` is shown only while the delivery waits
 * (pending): for the other states the stored value is stale and would mislead.
 */
export function presentWebhookDelivery(d: WebhookDeliveryListing): WebhookDeliveryView {
  return {
    object: 'webhook_delivery',
    id: deliveryId(String(d.id)),
    endpoint_id: d.endpoint_id,
    event_id: d.event_id,
    event_type: d.event_type,
    event_position: Number(d.event_position),
    status: d.status,
    attempts: d.attempts,
    last_status_code: d.last_status_code,
    last_error: d.last_error,
    next_attempt_at: d.status === 'pending' ? new Date(d.next_attempt_at).toISOString() : null,
    created_at: new Date(d.created_at).toISOString(),
    updated_at: new Date(d.updated_at).toISOString(),
    delivered_at: d.delivered_at ? new Date(d.delivered_at).toISOString() : null,
  };
}
