import { z } from 'zod';
import { recordAudit } from '../audit/recordAudit';
import { queryReturning } from '../db/returning';
import { EnvironmentRow, INACTIVE_POLICIES } from '../db/tables/environments';
import { invalidRequest } from '../errors';
import { nameField } from '../validation';
import { CommandContext } from './context';
import { findEnvironment } from './findEnvironment';
import { PolicySwitch, reasonField, switchInactivePolicy } from '../directory/switchInactivePolicy';

const REASON_REQUIRED = 'Required when inactive_policy is given';

// A policy change always carries its reason (it is audited with it); a reason alone changes nothing.
export const updateEnvironmentInput = z
  .object({ name: nameField, inactive_policy: z.enum(INACTIVE_POLICIES), reason: reasonField })
  .partial()
  .strict()
  .superRefine((v, issues) => {
    if (v.inactive_policy !== undefined && v.reason === undefined) {
      issues.addIssue({ code: 'custom', path: ['reason'], message: REASON_REQUIRED });
    }
    if (v.reason !== undefined && v.inactive_policy === undefined) {
      issues.addIssue({ code: 'custom', path: ['reason'], message: 'Only accepted together with inactive_policy' });
    }
  });

/** The environment after a PATCH, and the job a policy switch started, if any. */
export type EnvironmentUpdate = { environment: EnvironmentRow; policySwitchJob: PolicySwitch['job'] };

/**
 * Renames an environment and/or switches its inactive policy (operator only; see
 * src/directory/switchInactivePolicy.ts). The switch goes first, so an environment key
 * asking for one is refused before anything is written.
 */
export async function updateEnvironment(
  ctx: CommandContext,
  id: string,
  input: z.infer<typeof updateEnvironmentInput>,
): Promise<EnvironmentUpdate> {
  let policySwitchJob: PolicySwitch['job'] = null;
  if (input.inactive_policy !== undefined) {
    if (input.reason === undefined) throw invalidRequest(`reason: ${REASON_REQUIRED}`);
    policySwitchJob = (await switchInactivePolicy(ctx, id, { inactive_policy: input.inactive_policy, reason: input.reason })).job;
  }
  const env = await findEnvironment(ctx, id);
  if (input.name === undefined || input.name === env.name) return { environment: env, policySwitchJob };
  const before = env.name;
  const [environment] = await queryReturning<EnvironmentRow>(
    ctx.manager,
    `UPDATE environments SET name = $2, updated_at = now() WHERE id = $1 RETURNING *`,
    [id, input.name],
  );
  await recordAudit(ctx, {
    environmentId: id,
    action: 'environment.updated',
    targetType: 'environment',
    targetId: id,
    details: { name: { from: before, to: input.name } },
  });
  return { environment, policySwitchJob };
}
