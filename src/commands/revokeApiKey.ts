import { recordAudit } from '../audit/recordAudit';
import { ApiKey } from '../entities/ApiKey';
import { notFound } from '../errors';
import { CommandContext } from './context';
import { findEnvironment } from './findEnvironment';

/** Revokes an environment API key at once. Revoking a revoked key is a no-op. */
export async function revokeApiKey(ctx: CommandContext, environmentId: string, keyId: string): Promise<ApiKey> {
  await findEnvironment(ctx, environmentId);
  const key = await ctx.manager.findOneBy(ApiKey, { id: keyId, environmentId });
  if (!key) throw notFound('API key');
  if (key.revokedAt) return key;
  await ctx.manager.update(ApiKey, { id: keyId }, { revokedAt: () => 'now()' });
  await recordAudit(ctx, { environmentId, action: 'api_key.revoked', targetType: 'api_key', targetId: keyId });
  return ctx.manager.findOneByOrFail(ApiKey, { id: keyId });
}
