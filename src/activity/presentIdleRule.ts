import { IdleRuleRow } from '../db/tables/idleRules';

/** An idle rule as the admin API and the CLI show it. */
export function presentIdleRule(r: IdleRuleRow) {
  return {
    object: 'idle_rule' as const,
    directory_id: r.directory_id,
    after: r.after,
    action: r.action,
    warn_before: r.warn_before,
    exclude: { user_ids: r.exclude_user_ids, group_ids: r.exclude_group_ids },
    enabled_at: new Date(r.enabled_at).toISOString(),
    created_at: new Date(r.created_at).toISOString(),
    updated_at: new Date(r.updated_at).toISOString(),
  };
}
