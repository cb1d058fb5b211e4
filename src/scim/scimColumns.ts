/** The stored form of a SCIM resource: the validated attributes plus everything else the IdP pushed. */
export type StoredResource = Record<string, unknown>;

/** The indexed columns of a user, derived from its stored form. */
export function userColumns(stored: StoredResource) {
  return {
    userName: String(stored.userName),
    externalId: typeof stored.externalId === 'string' ? stored.externalId : null,
    // RFC 7643 §4.1.1: active absent means the IdP has not said otherwise; we treat it as active.
    active: stored.active === undefined ? true : stored.active === true,
    displayName: typeof stored.displayName === 'string' ? stored.displayName : null,
  };
}

/** The indexed columns of a group, derived from its stored form. */
export function groupColumns(stored: StoredResource) {
  return {
    displayName: String(stored.displayName),
    externalId: typeof stored.externalId === 'string' ? stored.externalId : null,
  };
}
