import { ISO, contractRecorder, invalid, notFound, twoTenants, unauthorized } from '../support/contractCalls';
import { TestApp, createTestApp } from '../support/testApp';
import { OWNED_TAGS, SHARED_HANDLER_STATUSES } from './ownership';

/**
 * Drives every Environments and API keys operation through the real app and checks each
 * response against openapi.yaml; the last test proves every documented status was reached.
 */

const MISSING_ENV = `env_${'0'.repeat(26)}`;

let t: TestApp;
const { call, expectTagsCovered } = contractRecorder(() => t);
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const tenants = () => twoTenants(t.app);

describe('environments', () => {
  test('createEnvironment: 201, 400, 401, 403 (413 and 415 are sampled in operations.test.ts)', async () => {
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

// Runs last (Jest runs a file's tests in order).
test('every Environments and API keys operation was exercised with each documented status', () => {
  expectTagsCovered(OWNED_TAGS.environments, { sampledOnce: SHARED_HANDLER_STATUSES });
});
