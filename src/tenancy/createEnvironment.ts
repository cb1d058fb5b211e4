import { z } from 'zod';
import { recordAudit } from '../audit/recordAudit';
import { queryReturning } from '../db/returning';
import { EnvironmentRow, INACTIVE_POLICIES } from '../db/tables/environments';
import { forbidden } from '../errors';
import { newId } from '../ids';
import { nameField } from '../validation';
import { CommandContext, isOperator } from './context';

export const createEnvironmentInput = z
  .object({ name: nameField, inactive_policy: z.enum(INACTIVE_POLICIES).default('secure') })
  .strict();

/** Creates an environment. Only the operator may. */
export async function createEnvironment(
  ctx: CommandContext,
  input: z.infer<typeof createEnvironmentInput>,
): Promise<EnvironmentRow> {
  if (!isOperator(ctx.actor)) throw forbidden('Only the admin key can create environments');
  const [env] = await queryReturning<EnvironmentRow>(
    ctx.manager,
    `INSERT INTO environments (id, name, inactive_policy) VALUES ($1, $2, $3) RETURNING *`,
    [newId('env'), input.name, input.inactive_policy],
  );
  await recordAudit(ctx, {
    environmentId: env.id,
    action: 'environment.created',
    targetType: 'environment',
    targetId: env.id,
    details: { name: env.name, inactive_policy: env.inactive_policy },
  });
  return env;
}
