import { recordAudit } from '../audit/recordAudit';
import { IdleRuleRow } from '../db/tables/idleRules';
import { IdleActionStatus } from '../db/tables/personActivity';
import { ScimUserRow } from '../db/tables/scimUsers';
import { changeUserState } from '../directory/changeUserState';
import { groupRefsOf } from '../directory/directoryUserQueries';
import { presentDirectoryUser } from '../directory/presentDirectoryUser';
import { recordEvent } from '../events/recordEvent';
import { CommandContext, DirectoryTenant } from '../tenancy/context';
import { IdleCandidate, lockDueCandidates } from './idleCandidates';

/** What a scan did for one person. */
export type IdleScanResult = { directory_user_id: string; action: 'warn' | IdleRuleRow['action']; result: 'warned' | 'flagged' | 'deactivated' };

/**
 * One batch of an idle scan, in the caller's transaction: up to `limit` people due at
 * `now` are warned (`user.idle_warning`, once per episode) or flagged (`user.idle`, once
 * per episode, then the rule's action), each with its audit entry. The marks on
 * person_activity commit with the actions, so a crash mid-scan redoes nothing and a
 * second scan skips what the first handled. Returns fewer than `limit` when none are left.
 */
export async function scanIdleBatch(
  ctx: CommandContext,
  tenant: DirectoryTenant,
  rule: IdleRuleRow,
  now: Date,
  limit: number,
): Promise<IdleScanResult[]> {
  const due = await lockDueCandidates(ctx.manager, tenant.directoryId, now, limit);
  const groups = await groupRefsOf(ctx.manager, due.map((c) => c.user));
  const results: IdleScanResult[] = [];
  for (const c of due) {
    const data = { ...presentDirectoryUser(c.user, groups.get(c.user.id) ?? []), ...seen(c, c.idle_at <= now ? c.idle_at : null) };
    if (c.idle_at <= now) {
      await flag(ctx, tenant, rule, c, data);
      results.push({ directory_user_id: c.user.id, action: rule.action, result: rule.action === 'deactivate' ? 'deactivated' : 'flagged' });
    } else {
      await warn(ctx, tenant, rule, c, data, now);
      results.push({ directory_user_id: c.user.id, action: 'warn', result: 'warned' });
    }
  }
  return results;
}

function seen(c: IdleCandidate, idleSince: Date | null) {
  return { last_seen_at: c.last_seen_at ? new Date(c.last_seen_at).toISOString() : null, idle_since: idleSince ? idleSince.toISOString() : null };
}

async function warn(ctx: CommandContext, t: DirectoryTenant, rule: IdleRuleRow, c: IdleCandidate, data: object, now: Date) {
  await ctx.manager.query(
    `INSERT INTO person_activity (scim_user_id, directory_id, idle_warned_at) VALUES ($1, $2, $3)
     ON CONFLICT (scim_user_id) DO UPDATE SET idle_warned_at = EXCLUDED.idle_warned_at, updated_at = now()`,
    [c.user.scim_user_id, t.directoryId, now],
  );
  await recordEvent(ctx, { type: 'user.idle_warning', ...t, data, subjectId: c.user.id });
  await audit(ctx, t, c, 'directory_user.idle_warning', rule, `idle at ${c.idle_at.toISOString()} unless seen before`);
}

async function flag(ctx: CommandContext, t: DirectoryTenant, rule: IdleRuleRow, c: IdleCandidate, data: object) {
  const action: IdleActionStatus = { action: rule.action, status: 'succeeded', attempts: 1, last_error: null };
  await ctx.manager.query(
    `INSERT INTO person_activity (scim_user_id, directory_id, idle_since, idle_action) VALUES ($1, $2, $3, $4)
     ON CONFLICT (scim_user_id) DO UPDATE SET idle_since = EXCLUDED.idle_since, idle_action = EXCLUDED.idle_action, updated_at = now()`,
    [c.user.scim_user_id, t.directoryId, c.idle_at, JSON.stringify(action)],
  );
  await recordEvent(ctx, { type: 'user.idle', ...t, data, subjectId: c.user.id });
  const reason = `no activity since ${since(c)}; idle rule ${rule.after} (${rule.action})`;
  await audit(ctx, t, c, 'directory_user.idle', rule, reason);
  if (rule.action === 'deactivate') {
    // Locked by lockDueCandidates.
    const [record]: ScimUserRow[] = await ctx.manager.query(`SELECT * FROM scim_users WHERE id = $1`, [c.user.scim_user_id]);
    await changeUserState(ctx, { tenant: t, source: 'idle', record, change: { source: 'idle', state: 'inactive', reason } });
  }
}

function since(c: IdleCandidate): string {
  return c.last_seen_at ? new Date(c.last_seen_at).toISOString() : `provisioning or the rule's start (never seen)`;
}

async function audit(ctx: CommandContext, t: DirectoryTenant, c: IdleCandidate, action: string, rule: IdleRuleRow, reason: string) {
  await recordAudit(ctx, {
    environmentId: t.environmentId,
    action,
    targetType: 'directory_user',
    targetId: c.user.id,
    reason,
    details: {
      rule: { after: rule.after, action: rule.action, warn_before: rule.warn_before },
      last_seen_at: c.last_seen_at ? new Date(c.last_seen_at).toISOString() : null,
      idle_at: c.idle_at.toISOString(),
    },
  });
}
