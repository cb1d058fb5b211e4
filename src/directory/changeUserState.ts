import { isDeepStrictEqual } from 'node:util';
import { ScimUserRow } from '../db/tables/scimUsers';
import { ChangeSource, CommandContext, DirectoryTenant } from '../tenancy/context';
import { UserChangePlan, applyUserChange, planUserChange } from './changeDirectoryUser';
import { SignalChange } from './rules/stateSignals';

/** The person's record at the IdP as stored, locked FOR UPDATE by the caller. */
export type LockedRecord = Pick<ScimUserRow, 'id' | 'active' | 'resource' | 'state_signals'>;

/**
 * A change of state that does not come with a push from the IdP: a source sets or lifts
 * its decision (idle time, a pull, support), or — with `{ source: 'none' }` — the
 * environment's policy is applied again to the standing decisions (a policy switch).
 * Stores the new signals and, when the policy erases the person, the erased record
 * (its version moves, so the IdP's ETag sees the change), then changes the directory user.
 */
export async function changeUserState(
  ctx: CommandContext,
  input: { tenant: DirectoryTenant; source: ChangeSource; record: LockedRecord; change: SignalChange },
): Promise<UserChangePlan> {
  const { record } = input;
  const plan = await planUserChange(ctx, {
    tenant: input.tenant,
    source: input.source,
    person: { scimUserId: record.id, active: record.active, stateSignals: record.state_signals },
    resource: record.resource,
    change: input.change,
  });
  const resourceChanged = !isDeepStrictEqual(plan.stored, record.resource);
  if (resourceChanged || !isDeepStrictEqual(plan.signals, record.state_signals)) {
    // The indexed columns follow the stored form as SCIM writes derive them (RFC 7643 §4.1.1:
    // `active` absent means active); erasure never changes userName or externalId.
    await ctx.manager.query(
      `UPDATE scim_users
          SET resource = $2, state_signals = $3,
              active = CASE WHEN $4 = 1 THEN ($2::jsonb -> 'active') IS DISTINCT FROM 'false'::jsonb ELSE active END,
              display_name = CASE WHEN $4 = 1 THEN $2::jsonb ->> 'displayName' ELSE display_name END,
              version = version + $4, updated_at = CASE WHEN $4 = 1 THEN now() ELSE updated_at END
        WHERE directory_id = $5 AND id = $1`,
      [record.id, JSON.stringify(plan.stored), JSON.stringify(plan.signals), resourceChanged ? 1 : 0, input.tenant.directoryId],
    );
  }
  await applyUserChange(ctx, plan, { id: record.id, resource: plan.stored });
  return plan;
}
