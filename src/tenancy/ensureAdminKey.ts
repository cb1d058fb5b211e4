import { DataSource } from 'typeorm';
import { ApiKey } from '../entities/ApiKey';
import { isUniqueViolation } from '../db/pgErrors';
import { newId } from '../ids';
import { generateSecret, hashSecret, secretPrefix } from '../secrets';

/**
 * When no ADMIN_API_KEY is configured, makes sure one admin key exists in the
 * database. Returns the secret only to the process that created it (to print once);
 * concurrent first starts are settled by a unique index.
 */
export async function ensureAdminKey(ds: DataSource): Promise<{ created: string | null; prefix: string }> {
  const live = await ds.query(`SELECT prefix FROM api_keys WHERE scope = 'admin' AND revoked_at IS NULL LIMIT 1`);
  if (live.length > 0) return { created: null, prefix: live[0].prefix };
  const secret = generateSecret('admin');
  try {
    await ds.getRepository(ApiKey).insert({
      id: newId('key'),
      environmentId: null,
      scope: 'admin',
      name: 'generated admin key',
      keyHash: hashSecret(secret),
      prefix: secretPrefix(secret),
    });
    return { created: secret, prefix: secretPrefix(secret) };
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    const won = await ds.query(`SELECT prefix FROM api_keys WHERE scope = 'admin' AND revoked_at IS NULL LIMIT 1`);
    return { created: null, prefix: won[0].prefix };
  }
}
