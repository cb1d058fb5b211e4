import { readScimPath } from './scimPath';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

/** The profile fields of a directory user that come from the SCIM resource. */
export type DirectoryUserFields = {
  external_id: string | null;
  username: string;
  emails: { value: string; type: string | null; primary: boolean }[];
  first_name: string | null;
  last_name: string | null;
  job_title: string | null;
  custom_attributes: Record<string, unknown>;
  raw_attributes: Record<string, unknown>;
};

/**
 * Projects a stored SCIM user onto the fields apps see. `custom_attributes` flattens
 * the enterprise extension (manager becomes `manager_id`) and any custom extension
 * schema's attributes; `raw_attributes` is the resource as pushed (secrets were never stored).
 */
export function directoryUserFields(resource: Record<string, unknown>): DirectoryUserFields {
  return {
    external_id: str(resource.externalId),
    username: String(resource.userName ?? ''),
    emails: emailsOf(resource.emails),
    first_name: str(readScimPath(resource, 'name.givenName')),
    last_name: str(readScimPath(resource, 'name.familyName')),
    job_title: str(resource.title),
    custom_attributes: customAttributes(resource),
    raw_attributes: resource,
  };
}

function customAttributes(resource: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(resource)) {
    if (!key.toLowerCase().startsWith('urn:') || key === CORE_USER) continue;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) continue;
    for (const [attr, v] of Object.entries(value)) {
      if (key === ENTERPRISE && attr.toLowerCase() === 'manager') {
        const id = typeof v === 'object' && v !== null ? (v as { value?: unknown }).value : v;
        if (id !== undefined && id !== null) out.manager_id = String(id);
        continue;
      }
      out[attr] = v;
    }
  }
  return out;
}

function emailsOf(value: unknown): DirectoryUserFields['emails'] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null && typeof e.value === 'string')
    .map((e) => ({ value: String(e.value), type: str(e.type), primary: e.primary === true }));
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}
