/** An `instance_keys` row: a key generated once per database (the webhook-secret key when SECRETS_KEY is unset). */
export type InstanceKeyRow = {
  name: string;
  value: string;
  created_at: Date;
};
