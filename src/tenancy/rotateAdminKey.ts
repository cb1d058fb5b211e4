import { recordAudit } from '../audit/recordAudit';
import { isUniqueViolation } from '../db/pgErrors';
import { ApiKey } from '../entities/ApiKey';
import { conflict, forbidden } from '../errors';
import { newId } from '../ids';
import { generateSecret, hashSecret, secretPrefix } from '../secrets';
import { CommandContext, isOperator } from './context';

/**
 * Replaces the generated admin key: the live one (if any) is revoked at once and a new
 * one inserted. The new key is returned here only; the database keeps its hash. A
 * configured ADMIN_API_KEY is not stored, so it is untouched.
 */
export async function rotateAdminKey(
  ctx: CommandContext,
): Promise<{ apiKey: ApiKey; secret: string; revoked: ApiKey | null }> {
  if (!isOperator(ctx.actor)) throw forbidden('Only the operator can rotate the admin key');
  // Lock the live key so a concurrent rotation waits for ours and then finds nothing live.
  const live = await ctx.manager
    .createQueryBuilder(ApiKey, 'k')
    .where(`k.scope = 'admin' AND k.revoked_at IS NULL`)
    .setLock('pessimistic_write')
    .getOne();
  if (live) await ctx.manager.update(ApiKey, { id: live.id }, { revokedAt: () => 'now()' });

  const secret = generateSecret('admin');
  const id = newId('key');
  try {
    await ctx.manager.insert(ApiKey, {
      id,
      environmentId: null,
      scope: 'admin',
      name: 'generated admin key',
      keyHash: hashSecret(secret),
      prefix: secretPrefix(secret),
    });
  } catch (err) {
    // api_keys_one_generated_admin: another rotation (or a first start) inserted a key meanwhile.
    if (isUniqueViolation(err)) throw conflict('The admin key was changed at the same time; try again');
    throw err;
  }
  await recordAudit(ctx, {
    environmentId: null,
    action: 'admin_key.rotated',
    targetType: 'api_key',
    targetId: id,
    details: { revoked_key_id: live?.id ?? null },
  });
  return {
    apiKey: await ctx.manager.findOneByOrFail(ApiKey, { id }),
    secret,
    revoked: live ? await ctx.manager.findOneByOrFail(ApiKey, { id: live.id }) : null,
  };
}
