import { DataSource } from 'typeorm';
import { hashSecret, hashesEqual } from '../secrets';

/** The tenant a SCIM request acts for, taken from its token (never from the body). */
export type ScimTenant = {
  directoryId: string;
  environmentId: string;
  provider: string;
  state: 'active' | 'disabled';
};

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
  const rows: {
    token_hash: string;
    directory_id: string;
    environment_id: string;
    provider: string;
    state: 'active' | 'disabled';
  }[] = await ds.query(
    `SELECT t.token_hash, d.id AS directory_id, d.environment_id, d.provider, d.state
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
  };
}
