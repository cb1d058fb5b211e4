import { DataSource } from 'typeorm';
import { ApiKeyRow } from '../db/tables/apiKeys';
import { Actor } from './context';
import { hashSecret, hashesEqual } from '../secrets';

/**
 * Resolves an admin-API bearer key to an actor, or null. The configured
 * ADMIN_API_KEY (its hash, computed once at start) is compared in constant time;
 * stored keys are found by hash and re-compared in constant time. SCIM tokens live
 * in another table, so they can never authenticate here.
 */
export async function authenticateApiKey(
  ds: DataSource,
  secret: string,
  configuredAdminKeyHash: string | undefined,
): Promise<Actor | null> {
  const hash = hashSecret(secret);
  if (configuredAdminKeyHash !== undefined && hashesEqual(hash, configuredAdminKeyHash)) {
    return { kind: 'admin', keyId: null };
  }
  const rows: Pick<ApiKeyRow, 'id' | 'environment_id' | 'scope' | 'key_hash'>[] = await ds.query(
    `SELECT id, environment_id, scope, key_hash FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL`,
    [hash],
  );
  const row = rows[0];
  if (!row || !hashesEqual(hash, row.key_hash)) return null;
  if (row.scope === 'admin') return { kind: 'admin', keyId: row.id };
  return { kind: 'environment', keyId: row.id, environmentId: row.environment_id! };
}
