import { DirectoryRow } from '../db/tables/directories';
import { DirectoryTokenRow } from '../db/tables/directoryTokens';

/** A directory as the admin API and CLI show it; `scim_url` is what the IdP admin pastes. */
export type DirectoryView = {
  object: 'directory';
  id: string;
  environment_id: string;
  name: string;
  organization_name: string;
  provider: DirectoryRow['provider'];
  domains: string[];
  state: DirectoryRow['state'];
  scim_url: string;
  created_at: string;
  updated_at: string;
};

/** The SCIM base URL of a directory (RFC 7644 §3: resources hang off this base). */
export function scimUrl(publicUrl: string, directoryId: string): string {
  return `${publicUrl}/scim/v2/${directoryId}`;
}

/** Serialises a directory for the admin API. */
export function presentDirectory(d: DirectoryRow, publicUrl: string): DirectoryView {
  return {
    object: 'directory',
    id: d.id,
    environment_id: d.environment_id,
    name: d.name,
    organization_name: d.organization_name,
    provider: d.provider,
    domains: d.domains,
    state: d.state,
    scim_url: scimUrl(publicUrl, d.id),
    created_at: d.created_at.toISOString(),
    updated_at: d.updated_at.toISOString(),
  };
}

/** A directory_tokens row without its hash, as DIRECTORY_TOKEN_COLUMNS reads it. */
export type DirectoryTokenMetadata = Omit<DirectoryTokenRow, 'token_hash'>;

/** The directory_tokens columns of DirectoryTokenMetadata: the hash is only ever compared, never read out. */
export const DIRECTORY_TOKEN_COLUMNS = 'id, directory_id, prefix, created_at, revoked_at';

/** A SCIM token's metadata (never the token itself, which is shown once at creation). */
export type DirectoryTokenView = {
  object: 'scim_token';
  id: string;
  directory_id: string;
  prefix: string;
  created_at: string;
  revoked_at: string | null;
};

/** Serialises a SCIM token's metadata. */
export function presentDirectoryToken(t: DirectoryTokenMetadata): DirectoryTokenView {
  return {
    object: 'scim_token',
    id: t.id,
    directory_id: t.directory_id,
    prefix: t.prefix,
    created_at: t.created_at.toISOString(),
    revoked_at: t.revoked_at ? t.revoked_at.toISOString() : null,
  };
}
