export const IDLE_ACTIONS = ['notify', 'deactivate', 'unassign'] as const;
/** What happens when a person crosses the idle limit. */
export type IdleAction = (typeof IDLE_ACTIONS)[number];

/** An `idle_rules` row: one per directory that has an idle rule. */
export type IdleRuleRow = {
  directory_id: string;
  /** The ISO 8601 duration as given, and its length. */
  after: string;
  after_ms: string;
  action: IdleAction;
  warn_before: string | null;
  warn_before_ms: string | null;
  exclude_user_ids: string[];
  exclude_group_ids: string[];
  enabled_at: Date;
  created_at: Date;
  updated_at: Date;
  /** When the last scan of the directory finished; null before the first. */
  last_scanned_at: Date | null;
};
