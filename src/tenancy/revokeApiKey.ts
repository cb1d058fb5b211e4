import { recordAudit } from '../audit/recordAudit';
import { queryReturning } from '../db/returning';
import { notFound } from '../errors';
import { isId } from '../ids';
import { CommandContext } from './context';
import { findEnvironment } from './findEnvironment';
import { API_KEY_COLUMNS, ApiKeyMetadata } from './presentApiKey';

/** Revokes an environment API key at once. Revoking a revoked key is a no-op. */
export async function revokeApiKey(ctx: CommandContext, environmentId: string, keyId: string): Promise<ApiKeyMetadata> {
  await findEnvironment(ctx, environmentId);
  // Checked before SQL: a malformed id (a NUL byte, say) is simply not found.
  if (!isId('key', keyId)) throw notFound('API key');
  const rows: ApiKeyMetadata[] = await ctx.manager.query(
    `SELECT ${API_KEY_COLUMNS} FROM api_keys WHERE id = $1 AND environment_id = $2`,
    [keyId, environmentId],
  );
  if (rows.length === 0) throw notFound('API key');
  if (rows[0].revoked_at) return rows[0];
  const [revoked] = await queryReturning<ApiKeyMetadata>(
    ctx.manager,
    `UPDATE api_keys SET revoked_at = now() WHERE id = $1 RETURNING ${API_KEY_COLUMNS}`,
    [keyId],
  );
  await recordAudit(ctx, { environmentId, action: 'api_key.revoked', targetType: 'api_key', targetId: keyId });
  return revoked;
}
