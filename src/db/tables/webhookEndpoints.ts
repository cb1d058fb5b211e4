/** A `webhook_endpoints` row: where an environment's events are delivered, with its signing secret sealed (src/webhooks/secretBox.ts). */
export type WebhookEndpointRow = {
  id: string;
  environment_id: string;
  url: string;
  /** Subscribed event types; empty means every type. */
  events: string[];
  enabled: boolean;
  secret_ciphertext: string;
  secret_prefix: string;
  /** After a rotation with an overlap: the secret it replaced, which also signs until `previous_secret_expires_at`. */
  previous_secret_ciphertext: string | null;
  previous_secret_prefix: string | null;
  previous_secret_expires_at: Date | null;
  /** Start of the current streak of failed attempts; the worker disables the endpoint after WEBHOOK_DISABLE_AFTER_HOURS. */
  failing_since: Date | null;
  disabled_reason: string | null;
  created_at: Date;
  updated_at: Date;
};
