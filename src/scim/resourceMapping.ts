import SCIMMY from 'scimmy';
import { StoredResource } from './scimColumns';
import { ENTERPRISE_URN, declaredEnterpriseKeys, knownTopLevelKeys } from './scimSetup';

export type ResourceKind = 'User' | 'Group';


// Never stored, whatever the casing (RFC 7643 §4.1.1: password is writeOnly, returned never).
const SECRET_KEYS = new Set(['password']);
// Server-assigned (RFC 7643 §3.1): ignored when a client sends them.
const SERVER_KEYS = new Set(['id', 'meta']);

/**
 * Builds the stored form of a resource from the validated scimmy instance and the raw
 * body: attributes scimmy dropped because its schema does not declare them (custom
 * extension schemas, vendor attributes) are kept as pushed, so nothing the IdP sent is
 * silently lost; secrets and server-assigned attributes are not.
 */
export function toStored(kind: ResourceKind, validated: unknown, raw: Record<string, unknown>): StoredResource {
  const known = knownTopLevelKeys(kind);
  const base = JSON.parse(JSON.stringify(validated)) as Record<string, unknown>;
  const stored: StoredResource = {};
  for (const [key, value] of Object.entries(base)) {
    const k = key.toLowerCase();
    if (SECRET_KEYS.has(k) || SERVER_KEYS.has(k)) continue;
    if (kind === 'Group' && k === 'members') continue; // members live in scim_group_members
    stored[key] = value;
  }
  for (const [key, value] of Object.entries(raw)) {
    const k = key.toLowerCase();
    if (known.has(k) || SECRET_KEYS.has(k) || SERVER_KEYS.has(k) || value === undefined) continue;
    stored[key] = value;
  }
  if (kind === 'User') {
    const enterpriseKey = Object.keys(raw).find((k) => k.toLowerCase() === ENTERPRISE_URN.toLowerCase());
    const pushed = enterpriseKey ? raw[enterpriseKey] : undefined;
    if (isObject(pushed)) return withUndeclaredEnterprise(stored, undeclaredEnterprise(pushed));
  }
  return stored;
}

/**
 * Enterprise-extension sub-attributes scimmy's schema does not declare (an IdP's own
 * additions under the RFC 7643 §4.3 URN). scimmy drops them; we keep them as pushed.
 */
export function undeclaredEnterprise(extension: unknown): Record<string, unknown> {
  if (!isObject(extension)) return {};
  const declared = declaredEnterpriseKeys();
  return Object.fromEntries(Object.entries(extension).filter(([k, v]) => !declared.has(k.toLowerCase()) && v !== undefined));
}

/** Adds undeclared enterprise sub-attributes to a stored user (a new object). */
export function withUndeclaredEnterprise(stored: StoredResource, extra: Record<string, unknown>): StoredResource {
  if (Object.keys(extra).length === 0) return stored;
  const current = isObject(stored[ENTERPRISE_URN]) ? (stored[ENTERPRISE_URN] as Record<string, unknown>) : {};
  const schemas = Array.isArray(stored.schemas) ? stored.schemas : [];
  return {
    ...stored,
    ...(schemas.includes(ENTERPRISE_URN) ? {} : { schemas: [...schemas, ENTERPRISE_URN] }),
    [ENTERPRISE_URN]: { ...extra, ...current },
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The attributes of a stored resource that scimmy's schema does not know (returned as pushed). */
export function extrasOf(kind: ResourceKind, stored: StoredResource): Record<string, unknown> {
  const known = knownTopLevelKeys(kind);
  return Object.fromEntries(Object.entries(stored).filter(([k]) => !known.has(k.toLowerCase())));
}

/** The scimmy schema instance for a resource kind (used for validation, projection and PATCH). */
export function schemaFor(kind: ResourceKind) {
  return kind === 'User' ? SCIMMY.Schemas.User : SCIMMY.Schemas.Group;
}
