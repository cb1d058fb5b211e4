import { recordAudit } from '../audit/recordAudit';
import { queryReturning } from '../db/returning';
import { IdleRuleRow } from '../db/tables/idleRules';
import { invalidRequest } from '../errors';
import { CommandContext } from '../tenancy/context';
import { findDirectory } from '../tenancy/findDirectory';
import { parseDuration } from './duration';
import { IdleRuleInput } from './idleRuleInput';
import { presentIdleRule } from './presentIdleRule';

/**
 * Creates or changes a directory's idle rule. A change moves `enabled_at` to now, so the
 * new limit measures nobody from before it and flags nobody at once; a PUT that changes
 * nothing changes nothing. `unassign` needs the directory's IdP connection, which makes
 * the calls that remove an assignment.
 */
export async function setIdleRule(ctx: CommandContext, directoryId: string, input: IdleRuleInput): Promise<IdleRuleRow> {
  const directory = await findDirectory(ctx, directoryId, { lock: true });
  if (input.action === 'unassign' && !(await hasIdpConnection(ctx, directoryId))) {
    throw invalidRequest(
      'action "unassign" removes the app assignment through the identity provider, so the directory needs an IdP connection first (PUT /api/v1/directories/{id}/idp-connection)',
    );
  }
  const next = {
    after: input.after,
    after_ms: String(parseDuration(input.after)),
    action: input.action,
    warn_before: input.warn_before ?? null,
    warn_before_ms: input.warn_before === undefined ? null : String(parseDuration(input.warn_before)),
    exclude_user_ids: [...new Set(input.exclude?.user_ids ?? [])].sort(),
    exclude_group_ids: [...new Set(input.exclude?.group_ids ?? [])].sort(),
  };
  const [current]: IdleRuleRow[] = await ctx.manager.query(`SELECT * FROM idle_rules WHERE directory_id = $1`, [directoryId]);
  if (current && same(current, next)) return current;
  const [rule] = await queryReturning<IdleRuleRow>(
      ctx.manager,
    `INSERT INTO idle_rules (directory_id, after, after_ms, action, warn_before, warn_before_ms, exclude_user_ids, exclude_group_ids)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (directory_id) DO UPDATE
       SET after = EXCLUDED.after, after_ms = EXCLUDED.after_ms, action = EXCLUDED.action, warn_before = EXCLUDED.warn_before,
           warn_before_ms = EXCLUDED.warn_before_ms, exclude_user_ids = EXCLUDED.exclude_user_ids,
           exclude_group_ids = EXCLUDED.exclude_group_ids, enabled_at = now(), updated_at = now()
     RETURNING *`,
    [directoryId, next.after, next.after_ms, next.action, next.warn_before, next.warn_before_ms, next.exclude_user_ids, next.exclude_group_ids],
  );
  await recordAudit(ctx, {
    environmentId: directory.environment_id,
    action: current ? 'directory.idle_rule_updated' : 'directory.idle_rule_created',
    targetType: 'directory',
    targetId: directoryId,
    details: { from: current ? presentIdleRule(current) : null, to: presentIdleRule(rule) },
  });
  return rule;
}

function same(current: IdleRuleRow, next: Omit<IdleRuleRow, 'directory_id' | 'enabled_at' | 'created_at' | 'updated_at' | 'last_scanned_at'>): boolean {
  return (Object.keys(next) as (keyof typeof next)[]).every((k) => JSON.stringify(current[k]) === JSON.stringify(next[k]));
}

// Whether the directory has a connection for calls to its IdP (src/activity/idp/).
async function hasIdpConnection(ctx: CommandContext, directoryId: string): Promise<boolean> {
  const found: unknown[] = await ctx.manager.query(`SELECT 1 FROM idp_connections WHERE directory_id = $1`, [directoryId]);
  return found.length > 0;
}
