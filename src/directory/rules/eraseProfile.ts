const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

/**
 * What the secure policy keeps of an inactive person's SCIM resource: only what the
 * IdP needs to find and reactivate the id it knows (userName, externalId) and
 * `active`. Everything else — names, emails, enterprise and custom attributes — is
 * dropped from storage. `active` is false, unless the IdP still says active and another
 * source (idle, a pull, support) made the person inactive: the IdP's own view stays.
 */
export function eraseProfile(resource: Record<string, unknown>, opts: { active?: boolean } = {}): Record<string, unknown> {
  return {
    schemas: [CORE_USER],
    userName: resource.userName,
    ...(typeof resource.externalId === 'string' ? { externalId: resource.externalId } : {}),
    active: opts.active ?? false,
  };
}
