import { DataSource } from 'typeorm';
import { ApiKeyRow } from '../db/tables/apiKeys';
import { Actor } from './context';
import { hashSecret, hashesEqual } from '../secrets';
import { API_KEY_RATE_LIMIT, RateBudget, rateLimitOf } from './rateLimits';

/** Who a valid key acts as, and the rate-limit bucket its requests draw on. */
export type AuthenticatedKey = { actor: Actor; budget: RateBudget };

/**
 * Resolves an admin-API bearer key to its actor and rate budget, or null. The configured
 * ADMIN_API_KEY (its hash, computed once at start) is compared in constant time;
 * stored keys are found by hash and re-compared in constant time. SCIM tokens live
 * in another table, so they can never authenticate here.
 */
export async function authenticateApiKey(
  ds: DataSource,
  secret: string,
  configuredAdminKeyHash: string | undefined,
): Promise<AuthenticatedKey | null> {
  const hash = hashSecret(secret);
  if (configuredAdminKeyHash !== undefined && hashesEqual(hash, configuredAdminKeyHash)) {
    return { actor: { kind: 'admin', keyId: null }, budget: { bucket: 'admin_key:ADMIN_API_KEY', limit: API_KEY_RATE_LIMIT } };
  }
  type KeyWithLimit = Pick<ApiKeyRow, 'id' | 'environment_id' | 'scope' | 'key_hash' | 'rate_limit_per_second' | 'rate_limit_burst'>;
  const rows: KeyWithLimit[] = await ds.query(
    `SELECT id, environment_id, scope, key_hash, rate_limit_per_second, rate_limit_burst
       FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL`,
    [hash],
  );
  const row = rows[0];
  if (!row || !hashesEqual(hash, row.key_hash)) return null;
  const budget = { bucket: `api_key:${row.id}`, limit: rateLimitOf(row, API_KEY_RATE_LIMIT) };
  if (row.scope === 'admin') return { actor: { kind: 'admin', keyId: row.id }, budget };
  return { actor: { kind: 'environment', keyId: row.id, environmentId: row.environment_id! }, budget };
}
