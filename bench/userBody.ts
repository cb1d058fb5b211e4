/**
 * The user the benchmark creates: Okta's create-user request (test/fixtures/okta/create-user.json)
 * with a name made from a number, so the seeder, the filter scenario and the POST scenario
 * agree on names without sharing state.
 */

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const DOMAIN = 'acme.test';

/** The SCIM fields that differ between benchmark users; everything else is the template's. */
export type UserNaming = { userName: string; externalId: string; givenName: string; familyName: string };

/** The naming of seeded user number `n` (0-based); SEED_NAMING_SQL computes the same in SQL. */
export function seededNaming(n: number): UserNaming {
  const number = String(n).padStart(7, '0');
  return {
    userName: `user.${number}@${DOMAIN}`,
    externalId: `00u${number}`,
    givenName: 'User',
    familyName: number,
  };
}

/** The same naming as seededNaming, as SQL over an integer column `n`. */
export const SEED_NAMING_SQL = {
  userName: `'user.' || lpad(n::text, 7, '0') || '@${DOMAIN}'`,
  externalId: `'00u' || lpad(n::text, 7, '0')`,
  givenName: `'User'`,
  familyName: `lpad(n::text, 7, '0')`,
};

/** The naming of the `n`th user the POST scenario creates in run `runId`; never collides with seeded names. */
export function postedNaming(runId: string, n: number): UserNaming {
  return {
    userName: `new.${runId}.${n}@${DOMAIN}`,
    externalId: `00n${runId}${n}`,
    givenName: 'New',
    familyName: `${runId}-${n}`,
  };
}

/** The POST /Users body Okta sends, for the given naming (the password is never stored). */
export function userBody(naming: UserNaming): Record<string, unknown> {
  return {
    schemas: [USER_SCHEMA],
    userName: naming.userName,
    name: { givenName: naming.givenName, familyName: naming.familyName },
    emails: [{ primary: true, value: naming.userName, type: 'work' }],
    displayName: `${naming.givenName} ${naming.familyName}`,
    locale: 'en-US',
    externalId: naming.externalId,
    groups: [],
    password: 't1meMa$heen-42',
    active: true,
  };
}
