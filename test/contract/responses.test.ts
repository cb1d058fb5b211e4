import request from 'supertest';
import { makeApiKey, makeDirectory, makeEnvironment } from '../support/factories';
import { assertMatchesContract, documentedOperations } from '../support/openapi';
import { GROUP_SCHEMA, USER_SCHEMA, scimClient } from '../support/scimClient';
import { ADMIN_KEY, TestApp, createTestApp } from '../support/testApp';

/**
 * Drives every documented operation through the real app and checks each response
 * against openapi.yaml; the last test proves every operation's statuses were reached.
 */

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Call = {
  /** The bearer key; ADMIN_KEY unless given, none when null. */
  key?: string | null;
  body?: unknown;
  /** Sent as-is with `contentType`, for bodies JSON cannot express. */
  raw?: string;
  contentType?: string;
  app?: TestApp;
};

const MISSING_ENV = `env_${'0'.repeat(26)}`;
const MISSING_DIRECTORY = `directory_${'0'.repeat(26)}`;
const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

const exercised = new Set<string>();
let t: TestApp;
let small: TestApp; // BODY_LIMIT=1kb
let guarded: TestApp; // METRICS_TOKEN set
let down: TestApp; // its database connection is closed
const METRICS_TOKEN = 'metrics-token-0123456789';

beforeAll(async () => {
  t = await createTestApp();
  small = await createTestApp({ BODY_LIMIT: '1kb' });
  guarded = await createTestApp({ METRICS_TOKEN });
  down = await createTestApp();
  await down.close();
});
afterAll(async () => {
  await Promise.all([t.close(), small.close(), guarded.close()]);
});

/** Sends one request, checks the response against the contract and records what it exercised. */
async function call(method: Method, path: string, c: Call = {}): Promise<request.Response> {
  let req = request((c.app ?? t).app)[method](path);
  if (c.key !== null) req = req.set('Authorization', `Bearer ${c.key ?? ADMIN_KEY}`);
  if (c.raw !== undefined) req = req.set('Content-Type', c.contentType ?? 'application/json').send(c.raw);
  else if (c.body !== undefined) req = req.send(c.body as object);
  const res = await req;
  const m = assertMatchesContract(res, method, path);
  exercised.add(`${m.operationId} ${m.status}`);
  return res;
}

const unauthorized = { error: { code: 'unauthorized', message: 'Missing or invalid API key' } };
const notFound = (what: string) => ({ error: { code: 'not_found', message: `${what} not found` } });
const invalid = (message: unknown = expect.any(String)) => ({ error: { code: 'invalid_request', message } });

/** Two environments: A with an environment key, B that the key must not see. */
async function tenants() {
  const envA = await makeEnvironment(t.app);
  const envB = await makeEnvironment(t.app);
  const keyA = await makeApiKey(t.app, envA.id);
  return { envA, envB, keyA };
}

describe('environments', () => {
  test('createEnvironment: 201, 400, 401, 403, 413, 415', async () => {
    const created = await call('post', '/api/v1/environments', {
      body: { name: '  Contract  ', inactive_policy: 'retain' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      object: 'environment',
      id: expect.stringMatching(/^env_/),
      name: 'Contract',
      inactive_policy: 'retain',
      created_at: ISO,
      updated_at: ISO,
    });

    const bad = await call('post', '/api/v1/environments', { body: { name: '', colour: 'red' } });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({
      error: {
        code: 'invalid_request',
        message: expect.any(String),
        details: {
          errors: expect.arrayContaining([
            { field: 'name', message: expect.any(String) },
            { field: 'colour', message: expect.any(String) },
          ]),
        },
      },
    });

    const malformed = await call('post', '/api/v1/environments', { raw: '{"name":' });
    expect([malformed.status, malformed.body]).toEqual([400, invalid('Request body is not valid JSON')]);

    const anonymous = await call('post', '/api/v1/environments', { key: null, body: { name: 'x' } });
    expect([anonymous.status, anonymous.body]).toEqual([401, unauthorized]);
    const unknownKey = await call('post', '/api/v1/environments', { key: 'dsync_key_unknown', body: { name: 'x' } });
    expect([unknownKey.status, unknownKey.body]).toEqual([401, unauthorized]);

    const { keyA } = await tenants();
    const forbidden = await call('post', '/api/v1/environments', { key: keyA, body: { name: 'x' } });
    expect([forbidden.status, forbidden.body]).toEqual([
      403,
      { error: { code: 'forbidden', message: 'Only the admin key can create environments' } },
    ]);

    const large = await call('post', '/api/v1/environments', { app: small, body: { name: 'x'.repeat(2000) } });
    expect([large.status, large.body]).toEqual([
      413,
      { error: { code: 'payload_too_large', message: 'Request body exceeds the limit of 1024 bytes' } },
    ]);

    const latin1 = await call('post', '/api/v1/environments', {
      raw: '{"name":"x"}',
      contentType: 'application/json; charset=latin1',
    });
    expect([latin1.status, latin1.body]).toEqual([
      415,
      { error: { code: 'unsupported_media_type', message: 'Unsupported body charset or encoding' } },
    ]);
  });

  test('listEnvironments: 200 with pagination and tenant scoping, 400, 401', async () => {
    const { envA, keyA } = await tenants();
    const first = await call('get', '/api/v1/environments?limit=1');
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      data: [expect.objectContaining({ object: 'environment' })],
      list_metadata: { after: first.body.data[0].id },
    });
    const next = await call('get', `/api/v1/environments?limit=100&after=${first.body.list_metadata.after}`);
    expect(next.status).toBe(200);
    expect(next.body.data[0].id > first.body.data[0].id).toBe(true);

    const own = await call('get', '/api/v1/environments', { key: keyA });
    expect(own.body).toEqual({ data: [envA], list_metadata: { after: null } });

    const withField = (field: string) => ({
      error: { ...invalid().error, details: { errors: [{ field, message: expect.any(String) }] } },
    });
    const cases = [
      { query: 'limit=0', body: withField('limit') },
      { query: 'limit=101', body: withField('limit') },
      { query: 'limit=abc', body: withField('limit') },
      { query: 'after=bogus', body: invalid('after is not a valid cursor') },
      { query: 'colour=red', body: withField('colour') },
    ];
    for (const { query, body } of cases) {
      const res = await call('get', `/api/v1/environments?${query}`);
      expect({ query, status: res.status, body: res.body }).toEqual({ query, status: 400, body });
    }
    expect((await call('get', '/api/v1/environments', { key: null })).status).toBe(401);
  });

  test('getEnvironment: 200, 401, 404 (also for another tenant)', async () => {
    const { envA, envB, keyA } = await tenants();
    const got = await call('get', `/api/v1/environments/${envA.id}`, { key: keyA });
    expect([got.status, got.body]).toEqual([200, envA]);
    const other = await call('get', `/api/v1/environments/${envB.id}`, { key: keyA });
    expect([other.status, other.body]).toEqual([404, notFound('Environment')]);
    const missing = await call('get', `/api/v1/environments/${MISSING_ENV}`);
    expect([missing.status, missing.body]).toEqual([404, notFound('Environment')]);
    expect((await call('get', `/api/v1/environments/${envA.id}`, { key: null })).status).toBe(401);
  });

  test('updateEnvironment: 200 (also switching the policy), 400, 401, 403, 404', async () => {
    const { envA, envB, keyA } = await tenants();
    const renamed = await call('patch', `/api/v1/environments/${envA.id}`, { key: keyA, body: { name: 'Renamed' } });
    expect([renamed.status, renamed.body]).toEqual([200, { ...envA, name: 'Renamed', updated_at: ISO }]);
    const bad = await call('patch', `/api/v1/environments/${envA.id}`, { body: { inactive_policy: 'retain' } });
    expect([bad.status, bad.body]).toEqual([
      400,
      {
        error: { ...invalid().error, details: { errors: [{ field: 'reason', message: expect.any(String) }] } },
      },
    ]);
    const switchTo = (policy: string) => ({ body: { inactive_policy: policy, reason: 'Contract ticket' } });
    const refused = await call('patch', `/api/v1/environments/${envA.id}`, { key: keyA, ...switchTo('retain') });
    expect([refused.status, refused.body]).toEqual([403, { error: { code: 'forbidden', message: expect.any(String) } }]);
    const retained = await call('patch', `/api/v1/environments/${envA.id}`, switchTo('retain'));
    expect([retained.status, retained.body]).toEqual([
      200,
      { ...envA, name: 'Renamed', inactive_policy: 'retain', updated_at: ISO },
    ]);
    const secured = await call('patch', `/api/v1/environments/${envA.id}`, switchTo('secure'));
    expect([secured.status, secured.body]).toEqual([
      200,
      {
        ...envA,
        name: 'Renamed',
        updated_at: ISO,
        policy_switch_job: { id: expect.stringMatching(/^job_/), status: 'running', total: 0, processed: 0 },
      },
    ]);
    const other = await call('patch', `/api/v1/environments/${envB.id}`, { key: keyA, body: { name: 'x' } });
    expect([other.status, other.body]).toEqual([404, notFound('Environment')]);
    expect((await call('patch', `/api/v1/environments/${envA.id}`, { key: null, body: {} })).status).toBe(401);
  });
});

describe('API keys', () => {
  test('createApiKey: 201 with and without a body, 400, 401, 404', async () => {
    const { envA, envB, keyA } = await tenants();
    const named = await call('post', `/api/v1/environments/${envA.id}/api-keys`, { body: { name: 'ci' } });
    expect([named.status, named.body]).toEqual([
      201,
      {
        object: 'api_key',
        id: expect.stringMatching(/^key_/),
        environment_id: envA.id,
        name: 'ci',
        prefix: named.body.key.slice(0, 14),
        created_at: ISO,
        revoked_at: null,
        key: expect.stringMatching(/^dsync_key_/),
      },
    ]);
    const unnamed = await call('post', `/api/v1/environments/${envA.id}/api-keys`, { key: keyA });
    expect([unnamed.status, unnamed.body.name]).toEqual([201, 'default']);
    const bad = await call('post', `/api/v1/environments/${envA.id}/api-keys`, { body: { name: 'x'.repeat(201) } });
    expect([bad.status, bad.body.error.details.errors[0].field]).toEqual([400, 'name']);
    const other = await call('post', `/api/v1/environments/${envB.id}/api-keys`, { key: keyA, body: {} });
    expect([other.status, other.body]).toEqual([404, notFound('Environment')]);
    expect((await call('post', `/api/v1/environments/${envA.id}/api-keys`, { key: null })).status).toBe(401);
  });

  test('listApiKeys: 200, 400, 401, 404', async () => {
    const { envA, envB, keyA } = await tenants();
    const listed = await call('get', `/api/v1/environments/${envA.id}/api-keys`, { key: keyA });
    expect([listed.status, listed.body]).toEqual([
      200,
      {
        data: [
          {
            object: 'api_key',
            id: expect.stringMatching(/^key_/),
            environment_id: envA.id,
            name: 'test key',
            prefix: keyA.slice(0, 14),
            created_at: ISO,
            revoked_at: null,
          },
        ],
        list_metadata: { after: null },
      },
    ]);
    const bad = await call('get', `/api/v1/environments/${envA.id}/api-keys?after=${envA.id}`);
    expect([bad.status, bad.body]).toEqual([400, invalid('after is not a valid cursor')]);
    const other = await call('get', `/api/v1/environments/${envB.id}/api-keys`, { key: keyA });
    expect([other.status, other.body]).toEqual([404, notFound('Environment')]);
    expect((await call('get', `/api/v1/environments/${envA.id}/api-keys`, { key: null })).status).toBe(401);
  });

  test('revokeApiKey: 200, then the key is refused; 401, 404', async () => {
    const { envA, keyA } = await tenants();
    const [listed] = (await call('get', `/api/v1/environments/${envA.id}/api-keys`)).body.data;
    const path = `/api/v1/environments/${envA.id}/api-keys/${listed.id}`;
    const revoked = await call('delete', path);
    expect([revoked.status, revoked.body]).toEqual([200, { ...listed, revoked_at: ISO }]);
    const refused = await call('get', `/api/v1/environments/${envA.id}`, { key: keyA });
    expect([refused.status, refused.body]).toEqual([401, unauthorized]);
    const missing = await call('delete', `/api/v1/environments/${envA.id}/api-keys/key_${'0'.repeat(26)}`);
    expect([missing.status, missing.body]).toEqual([404, notFound('API key')]);
    expect((await call('delete', path, { key: null })).status).toBe(401);
  });
});

describe('directories', () => {
  test('createDirectory: 201, 400, 401, 404', async () => {
    const { envA, envB, keyA } = await tenants();
    const created = await call('post', '/api/v1/directories', {
      key: keyA,
      body: {
        environment_id: envA.id,
        name: 'Okta',
        provider: 'okta',
        organization_name: 'Acme',
        domains: [' Example.COM ', 'example.com', 'acme.test'],
      },
    });
    expect([created.status, created.body]).toEqual([
      201,
      {
        object: 'directory',
        id: expect.stringMatching(/^directory_/),
        environment_id: envA.id,
        name: 'Okta',
        organization_name: 'Acme',
        provider: 'okta',
        domains: ['example.com', 'acme.test'],
        state: 'active',
        scim_url: `https://dsync.test/scim/v2/${created.body.id}`,
        created_at: ISO,
        updated_at: ISO,
        bearer_token: expect.stringMatching(/^dsync_scim_/),
      },
    ]);
    const base = { name: 'd', provider: 'okta', organization_name: 'Acme' };
    const bad = await call('post', '/api/v1/directories', {
      body: { ...base, environment_id: envA.id, domains: ['not a domain'] },
    });
    expect([bad.status, bad.body.error.details.errors]).toEqual([
      400,
      [{ field: 'domains.0', message: 'must be a domain name like example.com' }],
    ]);
    const other = await call('post', '/api/v1/directories', { key: keyA, body: { ...base, environment_id: envB.id } });
    expect([other.status, other.body]).toEqual([404, notFound('Environment')]);
    expect((await call('post', '/api/v1/directories', { key: null, body: base })).status).toBe(401);
  });

  test('listDirectories: 200 scoped to the key, 400, 401, 404', async () => {
    const { envA, envB, keyA } = await tenants();
    const dirA = await makeDirectory(t.app, { environment_id: envA.id });
    await makeDirectory(t.app, { environment_id: envB.id });
    const { bearer_token: _token, ...shown } = dirA;
    const own = await call('get', '/api/v1/directories', { key: keyA });
    expect([own.status, own.body]).toEqual([200, { data: [shown], list_metadata: { after: null } }]);
    const filtered = await call('get', `/api/v1/directories?environment_id=${envB.id}&limit=5`);
    expect([filtered.status, filtered.body.data.length]).toEqual([200, 1]);
    const bad = await call('get', '/api/v1/directories?environment_id=');
    expect(bad.status).toBe(400);
    const other = await call('get', `/api/v1/directories?environment_id=${envB.id}`, { key: keyA });
    expect([other.status, other.body]).toEqual([404, notFound('Environment')]);
    expect((await call('get', '/api/v1/directories', { key: null })).status).toBe(401);
  });

  test('getDirectory: 200, 401, 404', async () => {
    const { envB, keyA } = await tenants();
    const { bearer_token: _token, ...dir } = await makeDirectory(t.app, { environment_id: envB.id });
    const got = await call('get', `/api/v1/directories/${dir.id}`);
    expect([got.status, got.body]).toEqual([200, dir]);
    const hidden = await call('get', `/api/v1/directories/${dir.id}`, { key: keyA });
    expect([hidden.status, hidden.body]).toEqual([404, notFound('Directory')]);
    expect((await call('get', `/api/v1/directories/${MISSING_DIRECTORY}`)).status).toBe(404);
    expect((await call('get', `/api/v1/directories/${dir.id}`, { key: null })).status).toBe(401);
  });

  test('updateDirectory: 200, 400, 401, 404', async () => {
    const { envA, keyA } = await tenants();
    const { bearer_token: _token, ...dir } = await makeDirectory(t.app, { environment_id: envA.id });
    const path = `/api/v1/directories/${dir.id}`;
    const updated = await call('patch', path, { key: keyA, body: { state: 'disabled', domains: [], name: 'Renamed' } });
    expect([updated.status, updated.body]).toEqual([
      200,
      { ...dir, state: 'disabled', domains: [], name: 'Renamed', updated_at: ISO },
    ]);
    const bad = await call('patch', path, { body: { provider: 'entra' } });
    expect([bad.status, bad.body.error.details.errors]).toEqual([
      400,
      [{ field: 'provider', message: expect.any(String) }],
    ]);
    expect((await call('patch', `/api/v1/directories/${MISSING_DIRECTORY}`, { body: {} })).status).toBe(404);
    expect((await call('patch', path, { key: null, body: {} })).status).toBe(401);
  });

  test('deleteDirectory: 204 with no body, then 404; 401', async () => {
    const dir = await makeDirectory(t.app);
    const path = `/api/v1/directories/${dir.id}`;
    expect((await call('delete', path, { key: null })).status).toBe(401);
    const deleted = await call('delete', path);
    expect([deleted.status, deleted.text]).toEqual([204, '']);
    const again = await call('delete', path);
    expect([again.status, again.body]).toEqual([404, notFound('Directory')]);
  });
});

describe('SCIM tokens', () => {
  test('createDirectoryToken: 201, 401, 404', async () => {
    const dir = await makeDirectory(t.app);
    const path = `/api/v1/directories/${dir.id}/tokens`;
    const issued = await call('post', path);
    expect([issued.status, issued.body]).toEqual([
      201,
      {
        object: 'scim_token',
        id: expect.stringMatching(/^scim_token_/),
        directory_id: dir.id,
        prefix: issued.body.bearer_token.slice(0, 15),
        created_at: ISO,
        revoked_at: null,
        bearer_token: expect.stringMatching(/^dsync_scim_/),
      },
    ]);
    expect((await call('post', `/api/v1/directories/${MISSING_DIRECTORY}/tokens`)).status).toBe(404);
    expect((await call('post', path, { key: null })).status).toBe(401);
  });

  test('listDirectoryTokens: 200, 400, 401, 404', async () => {
    const dir = await makeDirectory(t.app);
    const path = `/api/v1/directories/${dir.id}/tokens`;
    const issued = (await call('post', path)).body;
    const page = await call('get', `${path}?limit=1`);
    expect([page.status, page.body]).toEqual([
      200,
      {
        data: [expect.objectContaining({ directory_id: dir.id, prefix: dir.bearer_token.slice(0, 15) })],
        list_metadata: { after: page.body.data[0].id },
      },
    ]);
    const rest = await call('get', `${path}?after=${page.body.list_metadata.after}`);
    const { bearer_token: _secret, ...issuedView } = issued;
    expect(rest.body).toEqual({ data: [issuedView], list_metadata: { after: null } });
    expect((await call('get', `${path}?limit=1.5`)).status).toBe(400);
    expect((await call('get', `/api/v1/directories/${MISSING_DIRECTORY}/tokens`)).status).toBe(404);
    expect((await call('get', path, { key: null })).status).toBe(401);
  });

  test('revokeDirectoryToken: 200, 401, 404', async () => {
    const dir = await makeDirectory(t.app);
    const [token] = (await call('get', `/api/v1/directories/${dir.id}/tokens`)).body.data;
    const path = `/api/v1/directories/${dir.id}/tokens/${token.id}`;
    const revoked = await call('delete', path);
    expect([revoked.status, revoked.body]).toEqual([200, { ...token, revoked_at: ISO }]);
    const missing = await call('delete', `/api/v1/directories/${dir.id}/tokens/scim_token_${'0'.repeat(26)}`);
    expect([missing.status, missing.body]).toEqual([404, notFound('Token')]);
    expect((await call('delete', path, { key: null })).status).toBe(401);
  });
});

describe('directory users, groups and status mapping', () => {
  /** A directory of environment A with one member in one group, pushed over SCIM, and one of environment B. */
  async function populated() {
    const { envA, envB, keyA } = await tenants();
    const dir = await makeDirectory(t.app, { environment_id: envA.id });
    const other = await makeDirectory(t.app, { environment_id: envB.id });
    const scim = scimClient(t.app, dir);
    const user = await scim.post('/Users', { schemas: [USER_SCHEMA], userName: 'ada@acme.test', emails: [{ value: 'ada@acme.test', primary: true }] });
    const group = await scim.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Team', members: [{ value: user.body.id }] });
    expect([user.status, group.status]).toEqual([201, 201]);
    return { dir, other, keyA };
  }

  test('listDirectoryUsers and getDirectoryUser: 200, 400, 401, 404', async () => {
    const { dir, other, keyA } = await populated();
    const listed = await call('get', `/api/v1/directory-users?directory_id=${dir.id}&state=active&lifecycle=current`, { key: keyA });
    expect([listed.status, listed.body.data.length, listed.body.list_metadata]).toEqual([200, 1, { after: null }]);
    const [user] = listed.body.data;
    expect((await call('get', '/api/v1/directory-users?limit=1', { key: keyA })).body.data).toEqual([user]);
    const bad = await call('get', '/api/v1/directory-users?after=bogus');
    expect([bad.status, bad.body]).toEqual([400, invalid('after is not a valid cursor')]);
    const otherDir = await call('get', `/api/v1/directory-users?directory_id=${other.id}`, { key: keyA });
    expect([otherDir.status, otherDir.body]).toEqual([404, notFound('Directory')]);
    expect((await call('get', '/api/v1/directory-users', { key: null })).status).toBe(401);

    const got = await call('get', `/api/v1/directory-users/${user.id}`, { key: keyA });
    expect([got.status, got.body]).toEqual([200, user]);
    const missing = await call('get', `/api/v1/directory-users/directory_user_${'0'.repeat(26)}`);
    expect([missing.status, missing.body]).toEqual([404, notFound('Directory user')]);
    expect((await call('get', `/api/v1/directory-users/${user.id}`, { key: null })).status).toBe(401);
  });

  test('listDirectoryGroups, getDirectoryGroup and listDirectoryGroupUsers: 200, 400, 401, 404', async () => {
    const { dir, other, keyA } = await populated();
    const listed = await call('get', `/api/v1/directory-groups?directory_id=${dir.id}`, { key: keyA });
    expect([listed.status, listed.body.data.length]).toEqual([200, 1]);
    const [group] = listed.body.data;
    const bad = await call('get', '/api/v1/directory-groups?limit=0');
    expect(bad.status).toBe(400);
    const otherDir = await call('get', `/api/v1/directory-groups?directory_id=${other.id}`, { key: keyA });
    expect([otherDir.status, otherDir.body]).toEqual([404, notFound('Directory')]);
    expect((await call('get', '/api/v1/directory-groups', { key: null })).status).toBe(401);

    const got = await call('get', `/api/v1/directory-groups/${group.id}`, { key: keyA });
    expect([got.status, got.body]).toEqual([200, group]);
    const missing = await call('get', `/api/v1/directory-groups/directory_group_${'0'.repeat(26)}`);
    expect([missing.status, missing.body]).toEqual([404, notFound('Directory group')]);
    expect((await call('get', `/api/v1/directory-groups/${group.id}`, { key: null })).status).toBe(401);

    const members = await call('get', `/api/v1/directory-groups/${group.id}/users`, { key: keyA });
    expect([members.status, members.body.data.map((u: { username: string }) => u.username)]).toEqual([200, ['ada@acme.test']]);
    const badMembers = await call('get', `/api/v1/directory-groups/${group.id}/users?after=${group.id}`);
    expect([badMembers.status, badMembers.body]).toEqual([400, invalid('after is not a valid cursor')]);
    const missingMembers = await call('get', `/api/v1/directory-groups/directory_group_${'0'.repeat(26)}/users`);
    expect([missingMembers.status, missingMembers.body]).toEqual([404, notFound('Directory group')]);
    expect((await call('get', `/api/v1/directory-groups/${group.id}/users`, { key: null })).status).toBe(401);
  });

  test('getStatusMapping, setStatusMapping and resetStatusMapping: 200, 400, 401, 404', async () => {
    const { dir, other, keyA } = await populated();
    const path = `/api/v1/directories/${dir.id}/status-mapping`;
    const otherPath = `/api/v1/directories/${other.id}/status-mapping`;
    const preset = await call('get', path, { key: keyA });
    expect([preset.status, preset.body.source]).toEqual([200, 'preset']);
    const rules = [{ attribute: 'userType', active: ['Employee'], inactive: ['Former'], otherwise: 'inactive' }];
    const set = await call('put', path, { key: keyA, body: { rules } });
    expect([set.status, set.body]).toEqual([200, { rules, source: 'custom' }]);
    const bad = await call('put', path, { body: { rules: null } });
    expect([bad.status, bad.body.error.code]).toEqual([400, 'invalid_request']);
    const reset = await call('delete', path, { key: keyA });
    expect([reset.status, reset.body]).toEqual([200, preset.body]);
    for (const method of ['get', 'put', 'delete'] as const) {
      const hidden = await call(method, otherPath, { key: keyA, body: method === 'put' ? { rules } : undefined });
      expect([hidden.status, hidden.body]).toEqual([404, notFound('Directory')]);
      expect((await call(method, path, { key: null })).status).toBe(401);
    }
  });
});

describe('policy switch jobs', () => {
  /** An environment switched from retain to secure, and the job the switch started. */
  async function switched() {
    const { envA, envB, keyA } = await tenants();
    await call('patch', `/api/v1/environments/${envA.id}`, { body: { inactive_policy: 'retain', reason: 'Contract' } });
    const res = await call('patch', `/api/v1/environments/${envA.id}`, { body: { inactive_policy: 'secure', reason: 'Contract' } });
    expect(res.status).toBe(200);
    return { envA, envB, keyA, jobId: res.body.policy_switch_job.id as string };
  }

  test('getPolicySwitchJob: 200 for the admin and the environment key, 401, 404', async () => {
    const { envA, envB, jobId } = await switched();
    const keyA = await makeApiKey(t.app, envA.id);
    const keyB = await makeApiKey(t.app, envB.id);
    const got = await call('get', `/api/v1/policy-switch-jobs/${jobId}`, { key: keyA });
    expect([got.status, got.body]).toEqual([
      200,
      {
        object: 'policy_switch_job',
        id: jobId,
        environment_id: envA.id,
        from_policy: 'retain',
        to_policy: 'secure',
        // A runner of another test file may already have completed it (it has no users).
        status: expect.stringMatching(/^(running|completed)$/),
        total: 0,
        processed: 0,
        reason: 'Contract',
        created_at: ISO,
        updated_at: ISO,
        completed_at: got.body.status === 'completed' ? ISO : null,
      },
    ]);
    const byAdmin = await call('get', `/api/v1/policy-switch-jobs/${jobId}`);
    expect([byAdmin.status, byAdmin.body.id]).toEqual([200, jobId]);
    const other = await call('get', `/api/v1/policy-switch-jobs/${jobId}`, { key: keyB });
    expect([other.status, other.body]).toEqual([404, notFound('Policy switch job')]);
    const malformed = await call('get', '/api/v1/policy-switch-jobs/nope');
    expect([malformed.status, malformed.body]).toEqual([404, notFound('Policy switch job')]);
    expect((await call('get', `/api/v1/policy-switch-jobs/${jobId}`, { key: null })).status).toBe(401);
  });

  test('listPolicySwitchJobs: 200, 400, 401, 404', async () => {
    const { envA, envB, keyA, jobId } = await switched();
    const page = await call('get', `/api/v1/environments/${envA.id}/policy-switch-jobs?limit=1`, { key: keyA });
    expect([page.status, page.body.data.map((j: { id: string }) => j.id), page.body.list_metadata]).toEqual([
      200,
      [jobId],
      { after: null },
    ]);
    const bad = await call('get', `/api/v1/environments/${envA.id}/policy-switch-jobs?after=env_x`);
    expect([bad.status, bad.body]).toEqual([400, invalid('after is not a valid cursor')]);
    const other = await call('get', `/api/v1/environments/${envB.id}/policy-switch-jobs`, { key: keyA });
    expect([other.status, other.body]).toEqual([404, notFound('Environment')]);
    expect((await call('get', `/api/v1/environments/${envA.id}/policy-switch-jobs`, { key: null })).status).toBe(401);
  });
});

describe('operational endpoints', () => {
  test('getHealth: 200', async () => {
    const res = await call('get', '/healthz', { key: null });
    expect([res.status, res.body]).toEqual([200, { status: 'ok' }]);
  });

  test('getReadiness: 200 when migrated, 503 when the database is unreachable', async () => {
    const ready = await call('get', '/readyz', { key: null });
    expect([ready.status, ready.body]).toEqual([200, { ready: true, database: 'ok', pending_migrations: [] }]);
    const unready = await call('get', '/readyz', { key: null, app: down });
    expect([unready.status, unready.body]).toEqual([
      503,
      { ready: false, database: 'unreachable', pending_migrations: [] },
    ]);
  });

  test('getMetrics: 200 text, and 401 when METRICS_TOKEN is set and not given', async () => {
    const open = await call('get', '/metrics', { key: null });
    expect(open.status).toBe(200);
    expect(open.text).toContain('# TYPE dsync_http_requests_total counter');
    const refused = await call('get', '/metrics', { key: null, app: guarded });
    expect([refused.status, refused.body]).toEqual([
      401,
      { error: { code: 'unauthorized', message: 'Missing or invalid metrics token' } },
    ]);
    const allowed = await call('get', '/metrics', { key: METRICS_TOKEN, app: guarded });
    expect(allowed.status).toBe(200);
  });

  test('an unexpected failure is a 500 with the request id', async () => {
    const res = await call('get', '/api/v1/environments', { app: down });
    expect([res.status, res.body]).toEqual([
      500,
      { error: { code: 'internal_error', message: 'Internal server error', request_id: res.headers['x-request-id'] } },
    ]);
  });
});

// Runs last (Jest runs a file's tests in order): every operation's documented statuses were reached.
test('every documented operation was exercised with each documented status', () => {
  // 500, 413 and 415 come from shared handlers; one operation each proves their shape.
  const sampledOnce = new Set(['500', '413', '415']);
  // Events and Webhooks operations are exercised and checked in test/contract/events.test.ts and webhooks.test.ts.
  const elsewhere = new Set(['Events', 'Webhooks']);
  const expected = documentedOperations()
    .filter((o) => !(o.operation.tags ?? []).some((tag) => elsewhere.has(tag)))
    .flatMap((o) =>
    Object.keys(o.operation.responses)
      .filter((s) => !sampledOnce.has(s))
      .map((s) => `${o.operationId} ${s}`),
  );
  expected.push('createEnvironment 413', 'createEnvironment 415', 'listEnvironments 500');
  expect(expected.filter((e) => !exercised.has(e))).toEqual([]);
});
