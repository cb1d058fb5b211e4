import { locateScimAttribute } from './scimPath';

const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

/**
 * What the secure policy keeps of an inactive person's SCIM resource: only what the IdP
 * needs to find and reactivate the id it knows (userName, externalId), `active` as the
 * IdP last said it (false unless given), and the status attributes the directory's rules
 * read (`keep`: an employment status, not profile data), so that a status change alone
 * can bring a rehired person back (RFC 7644 §3.5.2 PATCH of that attribute). Everything
 * else — names, emails, enterprise and custom attributes — is dropped from storage.
 * `active: null` means the IdP never sent one: the erased form has none either.
 */
export function eraseProfile(
  resource: Record<string, unknown>,
  opts: { active?: boolean | null; keep?: string[] } = {},
): Record<string, unknown> {
  const erased: Record<string, unknown> = {
    schemas: [CORE_USER],
    userName: resource.userName,
    ...(typeof resource.externalId === 'string' ? { externalId: resource.externalId } : {}),
    ...(opts.active === null ? {} : { active: opts.active ?? false }),
  };
  for (const path of opts.keep ?? []) {
    const found = locateScimAttribute(resource, path);
    if (!found) continue;
    if (!found.schema) {
      erased[found.key] = found.value;
      continue;
    }
    erased[found.schema] = { ...(erased[found.schema] as Record<string, unknown> | undefined), [found.key]: found.value };
    if (!(erased.schemas as string[]).includes(found.schema)) (erased.schemas as string[]).push(found.schema);
  }
  return erased;
}
