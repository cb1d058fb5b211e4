import { recordAudit } from '../audit/recordAudit';
import { isUniqueViolation } from '../db/pgErrors';
import { queryReturning } from '../db/returning';
import { conflict, forbidden } from '../errors';
import { newId } from '../ids';
import { generateSecret, hashSecret, secretPrefix } from '../secrets';
import { CommandContext, isOperator } from './context';
import { API_KEY_COLUMNS, ApiKeyMetadata } from './presentApiKey';

/**
 * Replaces the generated admin key: the live one (if any) is revoked at once and a new
 * one inserted. The new key is returned here only; the database keeps its hash. A
 * configured ADMIN_API_KEY is not stored, so it is untouched.
 */
export async function rotateAdminKey(
  ctx: CommandContext,
): Promise<{ apiKey: ApiKeyMetadata; secret: string; revoked: ApiKeyMetadata | null }> {
  if (!isOperator(ctx.actor)) throw forbidden('Only the operator can rotate the admin key');
  // Lock the live key so a concurrent rotation waits for ours and then finds nothing live.
  const live: ApiKeyMetadata[] = await ctx.manager.query(
    `SELECT ${API_KEY_COLUMNS} FROM api_keys WHERE scope = 'admin' AND revoked_at IS NULL FOR UPDATE`,
  );
  let revoked: ApiKeyMetadata | null = null;
  if (live.length > 0) {
    [revoked] = await queryReturning<ApiKeyMetadata>(
      ctx.manager,
      `UPDATE api_keys SET revoked_at = now() WHERE id = $1 RETURNING ${API_KEY_COLUMNS}`,
      [live[0].id],
    );
  }

  const secret = generateSecret('admin');
  let apiKey: ApiKeyMetadata;
  try {
    [apiKey] = await queryReturning<ApiKeyMetadata>(
      ctx.manager,
      `INSERT INTO api_keys (id, environment_id, scope, name, key_hash, prefix)
       VALUES ($1, NULL, 'admin', 'generated admin key', $2, $3)
       RETURNING ${API_KEY_COLUMNS}`,
      [newId('key'), hashSecret(secret), secretPrefix(secret)],
    );
  } catch (err) {
    // api_keys_one_generated_admin: another rotation (or a first start) inserted a key meanwhile.
    if (isUniqueViolation(err)) throw conflict('The admin key was changed at the same time; try again');
    throw err;
  }
  await recordAudit(ctx, {
    environmentId: null,
    action: 'admin_key.rotated',
    targetType: 'api_key',
    targetId: apiKey.id,
    details: { revoked_key_id: revoked?.id ?? null },
  });
  return { apiKey, secret, revoked };
}
