import { z } from 'zod';
import { recordAudit } from '../audit/recordAudit';
import { Environment, INACTIVE_POLICIES } from '../entities/Environment';
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
): Promise<Environment> {
  if (!isOperator(ctx.actor)) throw forbidden('Only the admin key can create environments');
  const env = ctx.manager.create(Environment, {
    id: newId('env'),
    name: input.name,
    inactivePolicy: input.inactive_policy,
  });
  await ctx.manager.insert(Environment, env);
  const saved = await ctx.manager.findOneByOrFail(Environment, { id: env.id });
  await recordAudit(ctx, {
    environmentId: saved.id,
    action: 'environment.created',
    targetType: 'environment',
    targetId: saved.id,
    details: { name: saved.name, inactive_policy: saved.inactivePolicy },
  });
  return saved;
}
