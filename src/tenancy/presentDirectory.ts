import { Directory } from '../entities/Directory';
import { DirectoryToken } from '../entities/DirectoryToken';

/** A directory as the admin API and CLI show it; `scim_url` is what the IdP admin pastes. */
export type DirectoryView = {
  object: 'directory';
  id: string;
  environment_id: string;
  name: string;
  organization_name: string;
  provider: Directory['provider'];
  domains: string[];
  state: Directory['state'];
  scim_url: string;
  created_at: string;
  updated_at: string;
};

/** The SCIM base URL of a directory (RFC 7644 §3: resources hang off this base). */
export function scimUrl(publicUrl: string, directoryId: string): string {
  return `${publicUrl}/scim/v2/${directoryId}`;
}

/** Serialises a directory for the admin API. */
export function presentDirectory(d: Directory, publicUrl: string): DirectoryView {
  return {
    object: 'directory',
    id: d.id,
    environment_id: d.environmentId,
    name: d.name,
    organization_name: d.organizationName,
    provider: d.provider,
    domains: d.domains,
    state: d.state,
    scim_url: scimUrl(publicUrl, d.id),
    created_at: d.createdAt.toISOString(),
    updated_at: d.updatedAt.toISOString(),
  };
}

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
export function presentDirectoryToken(t: DirectoryToken): DirectoryTokenView {
  return {
    object: 'scim_token',
    id: t.id,
    directory_id: t.directoryId,
    prefix: t.prefix,
    created_at: t.createdAt.toISOString(),
    revoked_at: t.revokedAt ? t.revokedAt.toISOString() : null,
  };
}
