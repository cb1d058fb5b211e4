import { Directory } from '../entities/Directory';

/** The `data` of directory.* events: the directory without its SCIM URL (which depends on deployment). */
export function directoryEventData(d: Directory) {
  return {
    object: 'directory',
    id: d.id,
    environment_id: d.environmentId,
    name: d.name,
    organization_name: d.organizationName,
    provider: d.provider,
    domains: d.domains,
    state: d.state,
    created_at: d.createdAt.toISOString(),
    updated_at: d.updatedAt.toISOString(),
  };
}
