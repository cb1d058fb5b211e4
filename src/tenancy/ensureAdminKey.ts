import { DataSource } from 'typeorm';
import { isUniqueViolation } from '../db/pgErrors';
import { ApiKeyRow } from '../db/tables/apiKeys';
import { newId } from '../ids';
import { generateSecret, hashSecret, secretPrefix } from '../secrets';

const LIVE_ADMIN_KEY = `SELECT prefix FROM api_keys WHERE scope = 'admin' AND revoked_at IS NULL LIMIT 1`;

/**
 * When no ADMIN_API_KEY is configured, makes sure one admin key exists in the
 * database. Returns the secret only to the process that created it (to print once);
 * concurrent first starts are settled by a unique index.
 */
export async function ensureAdminKey(ds: DataSource): Promise<{ created: string | null; prefix: string }> {
  const live: Pick<ApiKeyRow, 'prefix'>[] = await ds.query(LIVE_ADMIN_KEY);
  if (live.length > 0) return { created: null, prefix: live[0].prefix };
  const secret = generateSecret('admin');
  try {
    await ds.query(
      `INSERT INTO api_keys (id, environment_id, scope, name, key_hash, prefix)
       VALUES ($1, NULL, 'admin', 'generated admin key', $2, $3)`,
      [newId('key'), hashSecret(secret), secretPrefix(secret)],
    );
    return { created: secret, prefix: secretPrefix(secret) };
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    const won: Pick<ApiKeyRow, 'prefix'>[] = await ds.query(LIVE_ADMIN_KEY);
    return { created: null, prefix: won[0].prefix };
  }
}
