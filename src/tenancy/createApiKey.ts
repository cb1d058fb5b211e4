import { z } from 'zod';
import { recordAudit } from '../audit/recordAudit';
import { ApiKey } from '../entities/ApiKey';
import { newId } from '../ids';
import { generateSecret, hashSecret, secretPrefix } from '../secrets';
import { nameField } from '../validation';
import { CommandContext } from './context';
import { findEnvironment } from './findEnvironment';

export const createApiKeyInput = z.object({ name: nameField.default('default') }).strict();

/** Creates an environment API key. The key is returned here only; the database keeps its hash. */
export async function createApiKey(
  ctx: CommandContext,
  environmentId: string,
  input: z.infer<typeof createApiKeyInput>,
): Promise<{ apiKey: ApiKey; secret: string }> {
  await findEnvironment(ctx, environmentId);
  const secret = generateSecret('key');
  const id = newId('key');
  await ctx.manager.insert(ApiKey, {
    id,
    environmentId,
    scope: 'environment',
    name: input.name,
    keyHash: hashSecret(secret),
    prefix: secretPrefix(secret),
  });
  await recordAudit(ctx, {
    environmentId,
    action: 'api_key.created',
    targetType: 'api_key',
    targetId: id,
    details: { name: input.name },
  });
  return { apiKey: await ctx.manager.findOneByOrFail(ApiKey, { id }), secret };
}
