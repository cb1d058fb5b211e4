import { recordAudit } from '../audit/recordAudit';
import { StateVerdict, deriveState } from './rules/deriveState';
import { eraseProfile } from './rules/eraseProfile';
import { Decision, decide } from './rules/inactivePolicy';
import { DirectoryUserRow } from './presentDirectoryUser';
import { CommandContext } from '../tenancy/context';
import { createDirectoryUser } from './createDirectoryUser';
import { deleteDirectoryUser } from './deleteDirectoryUser';
import { lockDirectoryUserOf } from './directoryUserQueries';
import { loadTenantPolicy } from './loadTenantPolicy';
import { StoredResource } from '../scim/scimColumns';
import { scimTenantOf } from '../scim/scimTenant';
import { updateDirectoryUser } from './updateDirectoryUser';

/** What a SCIM user write will do to the directory user, decided before the SCIM row is written. */
export type UserLifecyclePlan = {
  decision: Decision;
  verdict: StateVerdict;
  existing: DirectoryUserRow | undefined;
  /** The SCIM resource to store: under the secure policy an inactive person keeps identifiers only. */
  stored: StoredResource;
  /** True when the SCIM user is being created (it has no group memberships yet). */
  isNew: boolean;
};

/**
 * Applies the state mapping and the environment's inactive policy to a SCIM user
 * about to be created (`current` undefined) or replaced.
 */
export async function planUserLifecycle(
  ctx: CommandContext,
  stored: StoredResource,
  current?: { id: string; active: boolean },
): Promise<UserLifecyclePlan> {
  const { directoryId } = scimTenantOf(ctx);
  const { policy, rules } = await loadTenantPolicy(ctx);
  const existing = current ? await lockDirectoryUserOf(ctx.manager, directoryId, current.id) : undefined;
  const currentState = existing?.state ?? (current ? (current.active ? 'active' : 'inactive') : undefined);
  const verdict = deriveState(stored, rules, currentState);
  const decision = decide(policy, existing !== undefined, verdict.state);
  return { decision, verdict, existing, stored: decision.erase ? eraseProfile(stored) : stored, isNew: current === undefined };
}

/** Carries out a plan once the SCIM row is written: creates, updates or deletes the directory user. */
export async function applyUserLifecycle(
  ctx: CommandContext,
  scimUser: { id: string; resource: Record<string, unknown> },
  plan: UserLifecyclePlan,
): Promise<void> {
  const { decision, existing } = plan;
  if (decision.action === 'create') {
    await createDirectoryUser(ctx, scimUser, decision.state, { newScimUser: plan.existing === undefined && plan.isNew });
  }
  else if (decision.action === 'update') await updateDirectoryUser(ctx, existing!, scimUser.resource, decision.state);
  else if (decision.action === 'delete') await deleteDirectoryUser(ctx, existing!, { erase: decision.erase });
  await auditStateSignals(ctx, scimUser.id, plan.verdict);
}

// RFC-free product rule: conflicting or unknown status signals are audited, never silent.
async function auditStateSignals(ctx: CommandContext, scimUserId: string, verdict: StateVerdict): Promise<void> {
  if (!verdict.conflict && verdict.unknown.length === 0) return;
  const { environmentId } = scimTenantOf(ctx);
  await recordAudit(ctx, {
    environmentId,
    action: verdict.unknown.length > 0 ? 'directory_user.unknown_status' : 'directory_user.state_conflict',
    targetType: 'scim_user',
    targetId: scimUserId,
    reason: verdict.reasons.join('; '),
    details: { state: verdict.state, unknown: verdict.unknown, conflict: verdict.conflict },
  });
}
