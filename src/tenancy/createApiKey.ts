import { z } from 'zod';
import { recordAudit } from '../audit/recordAudit';
import { queryReturning } from '../db/returning';
import { newId } from '../ids';
import { generateSecret, hashSecret, secretPrefix } from '../secrets';
import { nameField } from '../validation';
import { CommandContext } from './context';
import { findEnvironment } from './findEnvironment';
import { API_KEY_COLUMNS, ApiKeyMetadata } from './presentApiKey';

export const createApiKeyInput = z.object({ name: nameField.default('default') }).strict();

/** Creates an environment API key. The key is returned here only; the database keeps its hash. */
export async function createApiKey(
  ctx: CommandContext,
  environmentId: string,
  input: z.infer<typeof createApiKeyInput>,
): Promise<{ apiKey: ApiKeyMetadata; secret: string }> {
  await findEnvironment(ctx, environmentId);
  const secret = generateSecret('key');
  const [apiKey] = await queryReturning<ApiKeyMetadata>(
    ctx.manager,
    `INSERT INTO api_keys (id, environment_id, scope, name, key_hash, prefix)
     VALUES ($1, $2, 'environment', $3, $4, $5)
     RETURNING ${API_KEY_COLUMNS}`,
    [newId('key'), environmentId, input.name, hashSecret(secret), secretPrefix(secret)],
  );
  await recordAudit(ctx, {
    environmentId,
    action: 'api_key.created',
    targetType: 'api_key',
    targetId: apiKey.id,
    details: { name: input.name },
  });
  return { apiKey, secret };
}
