import { recordAudit } from '../audit/recordAudit';
import { ApiKey } from '../entities/ApiKey';
import { notFound } from '../errors';
import { isId } from '../ids';
import { CommandContext } from './context';
import { findEnvironment } from './findEnvironment';

/** Revokes an environment API key at once. Revoking a revoked key is a no-op. */
export async function revokeApiKey(ctx: CommandContext, environmentId: string, keyId: string): Promise<ApiKey> {
  await findEnvironment(ctx, environmentId);
  // Checked before SQL: a malformed id (a NUL byte, say) is simply not found.
  if (!isId('key', keyId)) throw notFound('API key');
  const key = await ctx.manager.findOneBy(ApiKey, { id: keyId, environmentId });
  if (!key) throw notFound('API key');
  if (key.revokedAt) return key;
  await ctx.manager.update(ApiKey, { id: keyId }, { revokedAt: () => 'now()' });
  await recordAudit(ctx, { environmentId, action: 'api_key.revoked', targetType: 'api_key', targetId: keyId });
  return ctx.manager.findOneByOrFail(ApiKey, { id: keyId });
}
