import { DataSource } from 'typeorm';
import { DirectoryRow, DirectoryState } from '../db/tables/directories';
import { DirectoryTokenRow } from '../db/tables/directoryTokens';
import { hashSecret, hashesEqual } from '../secrets';
import { RateBudget, SCIM_TOKEN_RATE_LIMIT, rateLimitOf } from './rateLimits';

/** The tenant a SCIM request acts for, taken from its token (never from the body). */
export type ScimTenant = {
  directoryId: string;
  environmentId: string;
  provider: string;
  state: DirectoryState;
  /** The token's rate-limit bucket, sized by the directory's override or the default. */
  budget: RateBudget;
};

// A live token's hash with what the tenant needs of its directory.
type TokenWithDirectory = Pick<DirectoryTokenRow, 'id' | 'token_hash' | 'directory_id'> &
  Pick<DirectoryRow, 'environment_id' | 'provider' | 'state' | 'rate_limit_per_second' | 'rate_limit_burst'>;

/**
 * Resolves a SCIM bearer token to its directory, or null when the token is unknown,
 * revoked, or belongs to a directory other than the one in the URL.
 */
export async function authenticateScimToken(
  ds: DataSource,
  directoryId: string,
  secret: string,
): Promise<ScimTenant | null> {
  const hash = hashSecret(secret);
  const rows: TokenWithDirectory[] = await ds.query(
    `SELECT t.id, t.token_hash, d.id AS directory_id, d.environment_id, d.provider, d.state,
            d.rate_limit_per_second, d.rate_limit_burst
       FROM directory_tokens t JOIN directories d ON d.id = t.directory_id
      WHERE t.token_hash = $1 AND t.revoked_at IS NULL`,
    [hash],
  );
  const row = rows[0];
  if (!row || !hashesEqual(hash, row.token_hash) || row.directory_id !== directoryId) return null;
  return {
    directoryId: row.directory_id,
    environmentId: row.environment_id,
    provider: row.provider,
    state: row.state,
    budget: { bucket: `scim_token:${row.id}`, limit: rateLimitOf(row, SCIM_TOKEN_RATE_LIMIT) },
  };
}
