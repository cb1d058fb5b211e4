import { DsyncClient } from '../../src/dsyncClient.js';
import { unwrap } from '../../src/apiError.js';

/** The server test/run.ts started for this run. */
export const DSYNC_URL = required('DSYNC_URL');
export const ADMIN_KEY = required('DSYNC_ADMIN_KEY');

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the client's tests with \`npm test\` (test/run.ts)`);
  return value;
}

/** A client with the operator's admin key, for setting up tenants. */
export function adminClient(baseUrl = DSYNC_URL): DsyncClient {
  return new DsyncClient({ baseUrl, apiKey: ADMIN_KEY });
}

let counter = 0;

/** A tenant of its own: an environment (with the given policy), an API key of it, and an Okta directory with its SCIM token. */
export async function makeTenant(opts: { policy?: 'secure' | 'retain'; baseUrl?: string } = {}) {
  const admin = adminClient(opts.baseUrl);
  const label = `${process.pid}-${++counter}-${Date.now().toString(36)}`;
  const environment = unwrap(
    await admin.api.POST('/api/v1/environments', { body: { name: `client test ${label}`, inactive_policy: opts.policy ?? 'retain' } }),
  );
  const key = unwrap(
    await admin.api.POST('/api/v1/environments/{id}/api-keys', { params: { path: { id: environment.id } }, body: { name: 'consumer' } }),
  );
  const directory = unwrap(
    await admin.api.POST('/api/v1/directories', {
      body: { environment_id: environment.id, name: `Acme ${label}`, provider: 'okta', organization_name: 'Acme', domains: ['acme.test'] },
    }),
  );
  return { environment, apiKey: key.key, directory, admin };
}

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** An identity provider pushing to one directory over SCIM 2.0 (RFC 7644), as Okta would. */
export function scimFor(directory: { id: string; bearer_token: string }, baseUrl = DSYNC_URL) {
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${baseUrl}/scim/v2/${directory.id}${path}`, {
      method,
      headers: { Authorization: `Bearer ${directory.bearer_token}`, 'Content-Type': 'application/scim+json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`SCIM ${method} ${path}: ${res.status} ${text}`);
    return text ? (JSON.parse(text) as { id: string }) : undefined;
  };
  return {
    /** Creates an active user; returns its SCIM id. */
    createUser: async (userName: string, given = 'Test', family = 'User') =>
      (await call('POST', '/Users', {
        schemas: [USER_SCHEMA],
        userName,
        name: { givenName: given, familyName: family },
        emails: [{ value: userName, type: 'work', primary: true }],
        active: true,
      }))!.id,
    /** Replaces the user's title (a `user.updated`). */
    setTitle: (scimId: string, title: string) =>
      call('PATCH', `/Users/${scimId}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: title }] }),
    /** Sets `active` as the IdP does when it (de)activates a person. */
    setActive: (scimId: string, active: boolean) =>
      call('PATCH', `/Users/${scimId}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: active }] }),
    /** Creates a group with these members; returns its SCIM id. */
    createGroup: async (displayName: string, memberIds: string[]) =>
      (await call('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName, members: memberIds.map((value) => ({ value })) }))!.id,
  };
}

/**
 * Polls `check` until it returns a value other than undefined/false; for what the
 * server's worker brings about (event positions, deliveries). Asserts on the state
 * reached, never on how long it took.
 */
export async function waitFor<T>(check: () => Promise<T | undefined | false>, label: string, timeoutMs = 30000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`waitFor: ${label} not reached within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
