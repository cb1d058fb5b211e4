import { makeDirectory } from '../support/factories';
import { ISO, contractRecorder, notFound, twoTenants } from '../support/contractCalls';
import { TestApp, createTestApp } from '../support/testApp';
import { OWNED_TAGS, SHARED_HANDLER_STATUSES } from './ownership';

/**
 * Drives every Directories and SCIM tokens operation through the real app and checks each
 * response against openapi.yaml; the last test proves every documented status was reached.
 */

const MISSING_DIRECTORY = `directory_${'0'.repeat(26)}`;

let t: TestApp;
const { call, expectTagsCovered } = contractRecorder(() => t);
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const tenants = () => twoTenants(t.app);

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

// Runs last (Jest runs a file's tests in order).
test('every Directories and SCIM tokens operation was exercised with each documented status', () => {
  expectTagsCovered(OWNED_TAGS.directories, { sampledOnce: SHARED_HANDLER_STATUSES });
});
