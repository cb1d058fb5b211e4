export const INACTIVE_POLICIES = ['secure', 'retain'] as const;
/** What deactivating a person does: `secure` deletes and erases them, `retain` keeps them inactive. */
export type InactivePolicy = (typeof INACTIVE_POLICIES)[number];

/** An `environments` row: one deployment of the app that consumes directory data (e.g. "production"). */
export type EnvironmentRow = {
  id: string;
  name: string;
  inactive_policy: InactivePolicy;
  created_at: Date;
  updated_at: Date;
};
