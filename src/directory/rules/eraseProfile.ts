const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

/**
 * What the secure policy keeps of an inactive person's SCIM resource: only what the
 * IdP needs to find and reactivate the id it knows (userName, externalId) and
 * `active: false`. Everything else — names, emails, enterprise and custom attributes —
 * is dropped from storage.
 */
export function eraseProfile(resource: Record<string, unknown>): Record<string, unknown> {
  return {
    schemas: [CORE_USER],
    userName: resource.userName,
    ...(typeof resource.externalId === 'string' ? { externalId: resource.externalId } : {}),
    active: false,
  };
}
