import { z } from 'zod';
import { recordAudit } from '../audit/recordAudit';
import { Environment } from '../entities/Environment';
import { nameField } from '../validation';
import { CommandContext } from './context';
import { findEnvironment } from './findEnvironment';

// The inactive policy is switched by its own command (with a reason and a job); see the lifecycle docs.
export const updateEnvironmentInput = z.object({ name: nameField }).partial().strict();

/** Renames an environment. */
export async function updateEnvironment(
  ctx: CommandContext,
  id: string,
  input: z.infer<typeof updateEnvironmentInput>,
): Promise<Environment> {
  const env = await findEnvironment(ctx, id);
  if (input.name === undefined || input.name === env.name) return env;
  const before = env.name;
  await ctx.manager.update(Environment, { id }, { name: input.name, updatedAt: () => 'now()' });
  await recordAudit(ctx, {
    environmentId: id,
    action: 'environment.updated',
    targetType: 'environment',
    targetId: id,
    details: { name: { from: before, to: input.name } },
  });
  return ctx.manager.findOneByOrFail(Environment, { id });
}
