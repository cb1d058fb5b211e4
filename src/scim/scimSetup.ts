import SCIMMY from 'scimmy';

/** The page size we use when a client gives no `count`, and the most we return per page (RFC 7644 §3.4.2.4). */
export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 200;

const ENTERPRISE_URN = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/**
 * Declares our resource types and ServiceProviderConfig in scimmy. scimmy keeps these
 * in process-wide statics, so this is idempotent and every value is the same for every
 * directory; nothing per-tenant is ever stored there (locations are passed per request).
 * The config advertises exactly what works (RFC 7643 §5); a test keeps it honest.
 */
export function setUpScimmy(): void {
  const userAttributes = SCIMMY.Schemas.User.definition.attributes.map((a) => a.name);
  if (!userAttributes.includes('EnterpriseUser') && !SCIMMY.Resources.declared('User')) {
    SCIMMY.Resources.User.extend(SCIMMY.Schemas.EnterpriseUser, false);
  }
  allowUnlistedTypes();
  declareEmployeeStatus();
  if (!SCIMMY.Resources.declared('User')) SCIMMY.Resources.declare(SCIMMY.Resources.User);
  if (!SCIMMY.Resources.declared('Group')) SCIMMY.Resources.declare(SCIMMY.Resources.Group);
  applyServiceProviderConfig();
}

/**
 * RFC 7643 §7 makes canonical values suggestions ("MAY be used"), and §8.7.1 gives
 * roles.type and x509Certificates.type an empty list (no vocabulary). scimmy enforces
 * them as closed lists, so Entra's `roles: [{"type": "WindowsAzureActiveDirectoryRole"}]`
 * or a phone number of type "main" would be refused with 400. IdPs send such values,
 * and losing them is worse than not advertising the suggestions, so User attributes
 * carry no canonical-value constraint. Idempotent, like the rest of this setup.
 */
function allowUnlistedTypes(): void {
  for (const attribute of SCIMMY.Schemas.User.definition.attributes) {
    for (const sub of attribute.subAttributes ?? []) {
      if (Array.isArray(sub.config.canonicalValues)) sub.config.canonicalValues = false;
    }
  }
}

/**
 * HR-driven directories push an employment status as the enterprise extension's
 * `employeeStatus`, which the status presets (src/directory/rules/statusMapping.ts) read.
 * RFC 7643 §4.3 does not list it, and scimmy drops sub-attributes its schema does not
 * declare (and rejects PATCH paths to them), so it is declared here. Idempotent.
 */
function declareEmployeeStatus(): void {
  const definition = SCIMMY.Schemas.EnterpriseUser.definition;
  if (definition.attributes.some((a) => a.name === 'employeeStatus')) return;
  definition.extend([
    new SCIMMY.Types.Attribute('string', 'employeeStatus', { description: 'Employment status pushed by an HR system, e.g. Active or Terminated.' }),
  ]);
}

/** Sets the advertised capabilities; called again after scimmy-routers overwrites them on construction. */
export function applyServiceProviderConfig(): void {
  SCIMMY.Config.set({
    documentationUri: 'https://github.com/dsync/dsync#scim',
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_PAGE_SIZE },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: true },
  });
}

/** Top-level attribute names (lower-cased) that scimmy's schema for a resource type knows. */
export function knownTopLevelKeys(resource: 'User' | 'Group'): Set<string> {
  const schema = resource === 'User' ? SCIMMY.Schemas.User : SCIMMY.Schemas.Group;
  const names = schema.definition.attributes.map((a) => a.name.toLowerCase());
  if (resource === 'User') names.push(ENTERPRISE_URN.toLowerCase());
  return new Set(names);
}

/** Sub-attribute names (lower-cased) scimmy's enterprise extension schema declares. */
export function declaredEnterpriseKeys(): Set<string> {
  return new Set(SCIMMY.Schemas.EnterpriseUser.definition.attributes.map((a) => a.name.toLowerCase()));
}

export { ENTERPRISE_URN };
