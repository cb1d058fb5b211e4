import { AuditInput, recordAudits } from '../audit/recordAudit';
import { IdleRuleRow } from '../db/tables/idleRules';
import { IdleActionStatus } from '../db/tables/personActivity';
import { ScimUserRow } from '../db/tables/scimUsers';
import { changeUserState } from '../directory/changeUserState';
import { groupRefsOf } from '../directory/directoryUserQueries';
import { presentDirectoryUser } from '../directory/presentDirectoryUser';
import { EventInput, recordEvents } from '../events/recordEvent';
import { queueIdpUnassign } from '../jobs/queueIdpUnassign';
import { CommandContext, DirectoryTenant } from '../tenancy/context';
import { idleClock } from './idleClock';
import { IdleCandidate, lockDueCandidates } from './idleCandidates';

/** What a scan did for one person. */
export type IdleScanResult = { directory_user_id: string; action: 'warn' | IdleRuleRow['action']; result: 'warned' | 'flagged' | 'deactivated' };

/**
 * One batch of an idle scan, in the caller's transaction: up to `limit` people due at
 * `now` are warned (`user.idle_warning`, once per episode) or flagged (`user.idle`, once
 * per episode, then the rule's action; `unassign` queues its IdP calls as jobs), each
 * with its audit entry. The marks on
 * person_activity commit with the events and actions, so a crash mid-scan redoes nothing
 * and a second scan skips what the first handled. Marks, events and audit entries are
 * written a statement each for the whole batch; only `deactivate` goes person by person,
 * through the directory domain. Returns fewer than `limit` when none are left.
 */
export async function scanIdleBatch(
  ctx: CommandContext,
  tenant: DirectoryTenant,
  rule: IdleRuleRow,
  now: Date,
  limit: number,
): Promise<IdleScanResult[]> {
  const locked = await lockDueCandidates(ctx.manager, tenant.directoryId, now, limit);
  if (locked.length === 0) return [];
  // The SQL selects by the same clock; the pure rule (src/activity/idleClock.ts) decides.
  const limits = { afterMs: Number(rule.after_ms), warnBeforeMs: rule.warn_before_ms === null ? undefined : Number(rule.warn_before_ms), enabledAt: rule.enabled_at };
  const due = locked.map((c) => ({ ...c, clock: idleClock({ lastSeenAt: c.last_seen_at, provisionedAt: c.user.created_at }, limits, now) }));
  const idle = due.filter((c) => c.clock.status === 'idle').map((c) => ({ ...c, idle_at: c.clock.idleAt }));
  const warned = due.filter((c) => c.clock.status === 'warning' && c.idle_warned_at === null);
  await mark(ctx, tenant, warned, idle, rule, now);

  const groups = await groupRefsOf(ctx.manager, [...idle, ...warned].map((c) => c.user));
  const event = (c: IdleCandidate, type: EventInput['type']): EventInput => ({
    type,
    ...tenant,
    data: {
      ...presentDirectoryUser(c.user, groups.get(c.user.id) ?? []),
      last_seen_at: c.last_seen_at ? new Date(c.last_seen_at).toISOString() : null,
      idle_since: type === 'user.idle' ? c.idle_at.toISOString() : null,
    },
    subjectId: c.user.id,
  });
  await recordEvents(ctx, [...warned.map((c) => event(c, 'user.idle_warning')), ...idle.map((c) => event(c, 'user.idle'))]);
  await recordAudits(ctx, [
    ...warned.map((c) => audit(tenant, c, 'directory_user.idle_warning', rule, `idle at ${c.idle_at.toISOString()} unless seen before`)),
    ...idle.map((c) => audit(tenant, c, 'directory_user.idle', rule, reasonOf(c, rule))),
  ]);

  if (rule.action === 'unassign') {
    // The attempts exist exactly when the flags do (src/activity/idp/attemptUnassign.ts).
    for (const c of idle) {
      await queueIdpUnassign(ctx.manager, { scim_user_id: c.user.scim_user_id, directory_user_id: c.user.id, idle_since: c.idle_at.toISOString() });
    }
  }
  if (rule.action === 'deactivate') {
    for (const c of idle) {
      // Locked by lockDueCandidates.
      const [record]: ScimUserRow[] = await ctx.manager.query(`SELECT * FROM scim_users WHERE id = $1`, [c.user.scim_user_id]);
      await changeUserState(ctx, { tenant, source: 'idle', record, change: { source: 'idle', state: 'inactive', reason: reasonOf(c, rule) } });
    }
  }
  return [
    ...warned.map((c) => ({ directory_user_id: c.user.id, action: 'warn' as const, result: 'warned' as const })),
    ...idle.map((c) => ({
      directory_user_id: c.user.id,
      action: rule.action,
      result: rule.action === 'deactivate' ? ('deactivated' as const) : ('flagged' as const),
    })),
  ];
}

// The episode's marks: a warning's time, or the crossing time and what the action did.
async function mark(ctx: CommandContext, t: DirectoryTenant, warned: IdleCandidate[], idle: IdleCandidate[], rule: IdleRuleRow, now: Date) {
  // unassign calls the IdP from jobs queued in this transaction; the other actions are done here.
  const action: IdleActionStatus =
    rule.action === 'unassign'
      ? { action: 'unassign', status: 'pending', attempts: 0, last_error: null }
      : { action: rule.action, status: 'succeeded', attempts: 1, last_error: null };
  // In id order, as the activity stream writes these rows (src/activity/recordActivity.ts).
  const people = [...warned, ...idle].sort((a, b) => (a.user.scim_user_id < b.user.scim_user_id ? -1 : 1));
  await ctx.manager.query(
    `INSERT INTO person_activity (scim_user_id, directory_id, idle_warned_at, idle_since, idle_action)
     SELECT p.id, $2, p.warned_at, p.idle_since, p.action
       FROM unnest($1::uuid[], $3::timestamptz[], $4::timestamptz[], $5::jsonb[]) AS p(id, warned_at, idle_since, action)
     ON CONFLICT (scim_user_id) DO UPDATE
       SET idle_warned_at = coalesce(EXCLUDED.idle_warned_at, person_activity.idle_warned_at),
           idle_since = EXCLUDED.idle_since, idle_action = EXCLUDED.idle_action, idle_action_sent_at = NULL, updated_at = now()`,
    [
      people.map((c) => c.user.scim_user_id),
      t.directoryId,
      people.map((c) => (warned.includes(c) ? now : null)),
      people.map((c) => (idle.includes(c) ? c.idle_at : null)),
      people.map((c) => (idle.includes(c) ? JSON.stringify(action) : null)),
    ],
  );
}

function reasonOf(c: IdleCandidate, rule: IdleRuleRow): string {
  const since = c.last_seen_at ? new Date(c.last_seen_at).toISOString() : `provisioning or the rule's start (never seen)`;
  return `no activity since ${since}; idle rule ${rule.after} (${rule.action})`;
}

function audit(t: DirectoryTenant, c: IdleCandidate, action: string, rule: IdleRuleRow, reason: string): AuditInput {
  return {
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
  };
}
