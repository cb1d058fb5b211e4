import { recordAudit } from '../audit/recordAudit';
import { queryReturning } from '../db/returning';
import { recordEvent } from '../events/recordEvent';
import { newId } from '../ids';
import { ChangeSource, CommandContext, DirectoryTenant } from '../tenancy/context';
import { directoryGroupsOfScimUser, groupRefsOf, lockDirectoryUserOf } from './directoryUserQueries';
import { loadTenantPolicy } from './loadTenantPolicy';
import { presentDirectoryGroup } from './presentDirectoryGroup';
import { DirectoryUserRow } from '../db/tables/directoryUsers';
import { presentDirectoryUser, redactedDirectoryUser } from './presentDirectoryUser';
import { previousAttributes } from './rules/changes';
import { StateVerdict, UserState, deriveState, parseActive } from './rules/deriveState';
import { directoryUserFields } from './rules/directoryUserFields';
import { eraseProfile } from './rules/eraseProfile';
import { Decision, decide } from './rules/inactivePolicy';
import { Resolution, SignalChange, StateSignals, parseSignals, resolveState } from './rules/stateSignals';

/** A person's record at their source (today the IdP's SCIM user), as it stood before this change. */
export type PersonRecord = { scimUserId: string; active: boolean; stateSignals: unknown };

/** What a source asks of one person: `push` re-derives the IdP's signal from `resource`. */
export type UserChangeInput = {
  tenant: DirectoryTenant;
  source: ChangeSource;
  /** Undefined when the source is creating the person's record in this same transaction. */
  person?: PersonRecord;
  /** The person's profile as the source now has it (SCIM-shaped: RFC 7643 §4.1 attributes). */
  resource: Record<string, unknown>;
  change: 'push' | SignalChange;
};

/** What a change will do, decided before the source record is written. */
export type UserChangePlan = {
  input: UserChangeInput;
  decision: Decision;
  resolution: Resolution;
  verdict: StateVerdict | undefined;
  existing: DirectoryUserRow | undefined;
  /** The profile to keep at the source: under the secure policy an inactive person keeps identifiers only. */
  stored: Record<string, unknown>;
  /** The state signals to keep with the source record, and those it had. */
  signals: StateSignals;
  previous: StateSignals;
};

/**
 * Decides what a change means for the directory user (what apps see): the state from
 * every source's signals (rules/stateSignals.ts), then the environment's inactive
 * policy (rules/inactivePolicy.ts). Locks the directory user, and reads the policy with
 * FOR KEY SHARE on the environment so a policy switch waits for this change.
 */
export async function planUserChange(ctx: CommandContext, input: UserChangeInput): Promise<UserChangePlan> {
  const { policy, rules } = await loadTenantPolicy(ctx, input.tenant);
  const { person } = input;
  const existing = person ? await lockDirectoryUserOf(ctx.manager, input.tenant.directoryId, person.scimUserId) : undefined;
  const at = new Date().toISOString();
  const fallbackState: UserState = existing?.state ?? (person?.active === false ? 'inactive' : 'active');
  const stored = person ? parseSignals(person.stateSignals, { active: person.active, state: fallbackState, at }) : {};
  let verdict: StateVerdict | undefined;
  let change = input.change;
  if (change === 'push') {
    // The IdP's previous verdict, not the user's state: another source's hold is not the IdP's to keep.
    verdict = deriveState(input.resource, rules, stored.idp?.state);
    change = { source: 'idp', verdict, active: parseActive(input.resource.active) };
  }
  const resolution = resolveState(stored, change, at);
  const decision = decide(policy, existing !== undefined, resolution.state);
  // The IdP's own `active` stays as it last said it: a deactivation by a status rule or by
  // another source (idle, pull, support) is not one the IdP made.
  const erase = { active: resolution.signals.idp?.active ?? null, keep: rules.map((r) => r.attribute) };
  return {
    input,
    decision,
    resolution,
    verdict,
    existing,
    stored: decision.erase ? eraseProfile(input.resource, erase) : input.resource,
    signals: resolution.signals,
    previous: stored,
  };
}

/** Carries out a plan once the source record is written: creates, updates or deletes the directory user. */
export async function applyUserChange(ctx: CommandContext, plan: UserChangePlan, record: { id: string; resource: Record<string, unknown> }): Promise<void> {
  const { decision, existing, input } = plan;
  if (decision.action === 'create') await insertUser(ctx, input.tenant, record, decision.state, input.person === undefined);
  else if (decision.action === 'update') await updateUser(ctx, input.tenant, existing!, record.resource, decision.state);
  else if (decision.action === 'delete') await deleteUser(ctx, input.tenant, existing!, decision.erase);
  await auditDecision(ctx, plan, record.id);
}

/**
 * Deprovisions a person (RFC 7644 §3.6 DELETE, or a source that no longer has them):
 * their directory user is deleted under every policy, with its events redacted under secure.
 */
export async function deprovisionUser(ctx: CommandContext, tenant: DirectoryTenant, scimUserId: string): Promise<void> {
  const { policy } = await loadTenantPolicy(ctx, tenant);
  const existing = await lockDirectoryUserOf(ctx.manager, tenant.directoryId, scimUserId);
  const decision = decide(policy, existing !== undefined, 'deprovisioned');
  if (existing && decision.action === 'delete') await deleteUser(ctx, tenant, existing, decision.erase);
}

// `user.created`, then `group.user_added` for each group the person is already in (a
// returning person under the secure policy is a new user who joins their groups again).
async function insertUser(ctx: CommandContext, t: DirectoryTenant, record: { id: string; resource: Record<string, unknown> }, state: UserState, isNewRecord: boolean) {
  const f = directoryUserFields(record.resource);
  const [user] = await queryReturning<DirectoryUserRow>(
    ctx.manager,
    `INSERT INTO directory_users (id, directory_id, environment_id, scim_user_id, external_id, username, emails,
                                  first_name, last_name, job_title, state, custom_attributes, raw_attributes)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING *`,
    [newId('directory_user'), t.directoryId, t.environmentId, record.id, f.external_id, f.username, JSON.stringify(f.emails),
      f.first_name, f.last_name, f.job_title, state, JSON.stringify(f.custom_attributes), JSON.stringify(f.raw_attributes)],
  );
  // A record created in this same transaction cannot be in a group yet.
  const groups = isNewRecord ? [] : await directoryGroupsOfScimUser(ctx.manager, t.directoryId, record.id);
  const data = presentDirectoryUser(user, groups.map((g) => ({ object: 'directory_group' as const, id: g.id, name: g.name })));
  await recordEvent(ctx, { type: 'user.created', ...t, data, subjectId: user.id });
  for (const group of groups) {
    await recordEvent(ctx, { type: 'group.user_added', ...t, data: { user: data, group: presentDirectoryGroup(group) }, subjectId: user.id });
  }
}

// Fields whose change is a visible change of the user (ids, groups and timestamps are not).
const COMPARED = ['external_id', 'username', 'emails', 'first_name', 'last_name', 'job_title', 'state', 'custom_attributes', 'raw_attributes'] as const;

// `user.updated` with the old values of what changed, or nothing when nothing visible
// changed (an IdP re-sending the same values).
async function updateUser(ctx: CommandContext, t: DirectoryTenant, current: DirectoryUserRow, resource: Record<string, unknown>, state: UserState) {
  const next = { ...directoryUserFields(resource), state };
  const previous = previousAttributes(
    Object.fromEntries(COMPARED.map((k) => [k, current[k]])),
    Object.fromEntries(COMPARED.map((k) => [k, next[k]])),
  );
  if (!previous) return;
  const [user] = await queryReturning<DirectoryUserRow>(
    ctx.manager,
    `UPDATE directory_users
        SET external_id = $2, username = $3, emails = $4, first_name = $5, last_name = $6, job_title = $7,
            state = $8, custom_attributes = $9, raw_attributes = $10, updated_at = now()
      WHERE id = $1 RETURNING *`,
    [current.id, next.external_id, next.username, JSON.stringify(next.emails), next.first_name, next.last_name, next.job_title,
      next.state, JSON.stringify(next.custom_attributes), JSON.stringify(next.raw_attributes)],
  );
  const refs = (await groupRefsOf(ctx.manager, [user])).get(user.id) ?? [];
  await recordEvent(ctx, { type: 'user.updated', ...t, data: presentDirectoryUser(user, refs), previousAttributes: previous, subjectId: user.id });
}

// `group.user_removed` for each of its groups, then `user.deleted`. With `erase` (the
// secure policy) the profile also leaves every stored event about the user, and the
// deletion events carry identifiers only.
async function deleteUser(ctx: CommandContext, t: DirectoryTenant, user: DirectoryUserRow, erase: boolean) {
  const groups = await directoryGroupsOfScimUser(ctx.manager, t.directoryId, user.scim_user_id);
  const redacted = redactedDirectoryUser(user);
  if (erase) {
    // The outbox keeps events for their retention period; under the secure policy an
    // inactive person's profile must not outlive the deactivation there either.
    await ctx.manager.query(
      `UPDATE events
          SET data = CASE WHEN type IN ('group.user_added', 'group.user_removed')
                          THEN jsonb_set(data::jsonb, '{user}', $2::jsonb)::json ELSE $2::json END,
              previous_attributes = NULL
        WHERE subject_id = $1`,
      [user.id, JSON.stringify(redacted)],
    );
  }
  // The user leaves every group with this deletion, so its events show it in none.
  const data = erase ? { ...redacted, state: 'inactive' } : presentDirectoryUser(user, []);
  for (const group of groups) {
    await recordEvent(ctx, { type: 'group.user_removed', ...t, data: { user: data, group: presentDirectoryGroup(group) }, subjectId: user.id });
  }
  await recordEvent(ctx, { type: 'user.deleted', ...t, data, subjectId: user.id });
  await ctx.manager.query(`DELETE FROM directory_users WHERE id = $1`, [user.id]);
}

// Product rule: a state that is not simply what the source said is audited, never silent —
// conflicting or unknown IdP status values, a hold by another source, a hold lifted.
async function auditDecision(ctx: CommandContext, plan: UserChangePlan, recordId: string): Promise<void> {
  const { verdict, resolution, input } = plan;
  const target = { environmentId: input.tenant.environmentId, targetType: 'scim_user', targetId: recordId };
  if (verdict && (verdict.conflict || verdict.unknown.length > 0)) {
    await recordAudit(ctx, {
      ...target,
      action: verdict.unknown.length > 0 ? 'directory_user.unknown_status' : 'directory_user.state_conflict',
      reason: verdict.reasons.join('; '),
      details: { state: verdict.state, unknown: verdict.unknown, conflict: verdict.conflict },
    });
  }
  const signalled = input.change !== 'push' && input.change.source !== 'none';
  // A push is audited here only when another source's hold overrules a changed IdP verdict.
  const overruled = plan.previous.idp?.state !== resolution.signals.idp?.state && resolution.heldBy.some((s) => s !== 'idp');
  if (resolution.lifted.length === 0 && !overruled && !signalled) return;
  await recordAudit(ctx, {
    ...target,
    action: resolution.lifted.length > 0 ? 'directory_user.holds_lifted' : 'directory_user.state_signal',
    reason: resolution.reasons.join('; '),
    details: { source: input.source, state: resolution.state, held_by: resolution.heldBy, lifted: resolution.lifted },
  });
}
