import request from 'supertest';
import { makeApiKey, makeDirectory, makeEnvironment } from '../support/factories';
import { ADMIN_KEY, PUBLIC_URL, TestApp, createTestApp } from '../support/testApp';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const admin = { Authorization: `Bearer ${ADMIN_KEY}` };
const bearer = (secret: string) => ({ Authorization: `Bearer ${secret}` });
const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
const MISSING_DIRECTORY = 'directory_00000000000000000000000000';

const dirNotFound = { error: { code: 'not_found', message: 'Directory not found' } };
const envNotFound = { error: { code: 'not_found', message: 'Environment not found' } };
const scimDisabled = {
  schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
  status: '403',
  detail: 'This directory is disabled',
};
const scimUnauthorized = {
  schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
  status: '401',
  detail: 'Missing or invalid bearer token',
};
const PROVIDER_MESSAGE = 'Invalid option: expected one of "okta"|"entra"|"onelogin"|"jumpcloud"|"google"|"generic"';
const DOMAIN_MESSAGE = 'must be a domain name like example.com';

/** The admin API's validation error for the given field problems, the first one leading. */
function invalid(...errors: { field: string; message: string }[]) {
  return {
    error: {
      code: 'invalid_request',
      message: `${errors[0].field}: ${errors[0].message}`,
      details: { errors },
    },
  };
}

/** The directory as GET shows it: the created body without its one-time token. */
function withoutToken<T extends { bearer_token: string }>(created: T): Omit<T, 'bearer_token'> {
  const { bearer_token: _token, ...rest } = created;
  return rest;
}

/** Calls the directory's ServiceProviderConfig with a bearer token, as an IdP would. */
function scimProbe(dir: { id: string }, token: string) {
  return request(t.app).get(`/scim/v2/${dir.id}/ServiceProviderConfig`).set(bearer(token));
}

describe('POST /api/v1/directories', () => {
  test('creates a directory with its SCIM URL and a first bearer token', async () => {
    const env = await makeEnvironment(t.app);
    const res = await request(t.app).post('/api/v1/directories').set(admin).send({
      environment_id: env.id,
      name: 'Acme Okta',
      provider: 'okta',
      organization_name: 'Acme Inc.',
      domains: ['acme.com'],
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      object: 'directory',
      id: expect.stringMatching(/^directory_[0-9A-HJKMNP-TV-Z]{26}$/),
      environment_id: env.id,
      name: 'Acme Okta',
      organization_name: 'Acme Inc.',
      provider: 'okta',
      domains: ['acme.com'],
      state: 'active',
      scim_url: `${PUBLIC_URL}/scim/v2/${res.body.id}`,
      created_at: ISO,
      updated_at: res.body.created_at,
      bearer_token: expect.stringMatching(/^dsync_scim_[A-Za-z0-9_-]{43}$/),
    });
    const ok = await scimProbe(res.body, res.body.bearer_token);
    expect(ok.status).toBe(200);
  });

  test('lower-cases, trims and de-duplicates domains, and defaults them to none', async () => {
    const env = await makeEnvironment(t.app);
    const base = { environment_id: env.id, name: 'd', provider: 'entra', organization_name: 'o' };
    const res = await request(t.app)
      .post('/api/v1/directories')
      .set(admin)
      .send({ ...base, domains: ['Acme.COM', ' acme.com ', 'sub.ACME.com', 'acme.com'] });
    expect(res.status).toBe(201);
    expect(res.body.domains).toEqual(['acme.com', 'sub.acme.com']);
    const none = await request(t.app).post('/api/v1/directories').set(admin).send(base);
    expect(none.status).toBe(201);
    expect(none.body.domains).toEqual([]);
  });

  test('refuses an unknown provider', async () => {
    const env = await makeEnvironment(t.app);
    const res = await request(t.app)
      .post('/api/v1/directories')
      .set(admin)
      .send({ environment_id: env.id, name: 'd', provider: 'ldap', organization_name: 'o' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(invalid({ field: 'provider', message: PROVIDER_MESSAGE }));
  });

  test.each([['not a domain'], ['acme'], ['-acme.com'], ['acme_corp.com'], ['http://acme.com'], ['acme.com.']])(
    'refuses the domain %j',
    async (domain) => {
      const env = await makeEnvironment(t.app);
      const res = await request(t.app)
        .post('/api/v1/directories')
        .set(admin)
        .send({ environment_id: env.id, name: 'd', provider: 'okta', organization_name: 'o', domains: ['ok.com', domain] });
      expect(res.status).toBe(400);
      expect(res.body).toEqual(invalid({ field: 'domains.1', message: DOMAIN_MESSAGE }));
    },
  );

  test('lists every missing field', async () => {
    const res = await request(t.app).post('/api/v1/directories').set(admin).send({});
    expect(res.status).toBe(400);
    expect(res.body).toEqual(
      invalid(
        { field: 'environment_id', message: 'Invalid input: expected string, received undefined' },
        { field: 'name', message: 'Invalid input: expected string, received undefined' },
        { field: 'provider', message: PROVIDER_MESSAGE },
        { field: 'organization_name', message: 'Invalid input: expected string, received undefined' },
      ),
    );
  });

  test('refuses an unknown field', async () => {
    const env = await makeEnvironment(t.app);
    const res = await request(t.app)
      .post('/api/v1/directories')
      .set(admin)
      .send({ environment_id: env.id, name: 'd', provider: 'okta', organization_name: 'o', state: 'disabled' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(invalid({ field: 'state', message: 'Unrecognized key: "state"' }));
  });

  test("answers a nonexistent or another tenant's environment with the same 404", async () => {
    const env = await makeEnvironment(t.app);
    const other = await makeEnvironment(t.app);
    const key = await makeApiKey(t.app, env.id);
    const body = { name: 'd', provider: 'okta', organization_name: 'o' };
    const missing = await request(t.app)
      .post('/api/v1/directories')
      .set(admin)
      .send({ ...body, environment_id: 'env_00000000000000000000000000' });
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual(envNotFound);
    const theirs = await request(t.app).post('/api/v1/directories').set(bearer(key)).send({ ...body, environment_id: other.id });
    expect(theirs.status).toBe(404);
    expect(theirs.body).toEqual(envNotFound);
    const ours = await request(t.app).post('/api/v1/directories').set(bearer(key)).send({ ...body, environment_id: env.id });
    expect(ours.status).toBe(201);
  });
});

describe('GET /api/v1/directories', () => {
  test("pages through one environment's directories", async () => {
    const env = await makeEnvironment(t.app);
    const dirs = [];
    for (let i = 0; i < 5; i++) dirs.push(withoutToken(await makeDirectory(t.app, { environment_id: env.id })));
    const list = (query: Record<string, unknown>) =>
      request(t.app).get('/api/v1/directories').query({ environment_id: env.id, ...query }).set(admin);

    const first = await list({ limit: 2 });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ data: dirs.slice(0, 2), list_metadata: { after: dirs[1].id } });
    const second = await list({ limit: 2, after: first.body.list_metadata.after });
    expect(second.body).toEqual({ data: dirs.slice(2, 4), list_metadata: { after: dirs[3].id } });
    const third = await list({ limit: 2, after: second.body.list_metadata.after });
    expect(third.body).toEqual({ data: dirs.slice(4), list_metadata: { after: null } });
  });

  test("shows an environment key only its environment's directories", async () => {
    const env = await makeEnvironment(t.app);
    const other = await makeEnvironment(t.app);
    const key = await makeApiKey(t.app, env.id);
    const ours = withoutToken(await makeDirectory(t.app, { environment_id: env.id }));
    const theirs = await makeDirectory(t.app, { environment_id: other.id });

    const all = await request(t.app).get('/api/v1/directories').set(bearer(key));
    expect(all.status).toBe(200);
    expect(all.body).toEqual({ data: [ours], list_metadata: { after: null } });

    const filtered = await request(t.app).get('/api/v1/directories').query({ environment_id: env.id }).set(bearer(key));
    expect(filtered.body).toEqual({ data: [ours], list_metadata: { after: null } });

    for (const environment_id of [other.id, 'env_00000000000000000000000000']) {
      const res = await request(t.app).get('/api/v1/directories').query({ environment_id }).set(bearer(key));
      expect(res.status).toBe(404);
      expect(res.body).toEqual(envNotFound);
    }
    const single = await request(t.app).get(`/api/v1/directories/${theirs.id}`).set(bearer(key));
    expect(single.status).toBe(404);
    expect(single.body).toEqual(dirNotFound);
  });

  test('refuses bad list parameters', async () => {
    const limit = await request(t.app).get('/api/v1/directories').query({ limit: 0 }).set(admin);
    expect(limit.status).toBe(400);
    expect(limit.body).toEqual(invalid({ field: 'limit', message: 'Too small: expected number to be >=1' }));
    const after = await request(t.app).get('/api/v1/directories').query({ after: 'env_00000000000000000000000000' }).set(admin);
    expect(after.status).toBe(400);
    expect(after.body).toEqual({ error: { code: 'invalid_request', message: 'after is not a valid cursor' } });
    const unknown = await request(t.app).get('/api/v1/directories').query({ provider: 'okta' }).set(admin);
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual(invalid({ field: 'provider', message: 'Unrecognized key: "provider"' }));
  });
});

describe('GET and PATCH /api/v1/directories/:id', () => {
  test('reads the directory without its token', async () => {
    const dir = await makeDirectory(t.app);
    const res = await request(t.app).get(`/api/v1/directories/${dir.id}`).set(admin);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(withoutToken(dir));
  });

  test('answers a nonexistent or malformed id with 404', async () => {
    for (const id of [MISSING_DIRECTORY, 'nope', 'directory_%00']) {
      const res = await request(t.app).get(`/api/v1/directories/${id}`).set(admin);
      expect(res.status).toBe(404);
      expect(res.body).toEqual(dirNotFound);
    }
  });

  test('updates name, organization and domains', async () => {
    const dir = await makeDirectory(t.app);
    const res = await request(t.app)
      .patch(`/api/v1/directories/${dir.id}`)
      .set(admin)
      .send({ name: 'Renamed', organization_name: 'Acme Global', domains: ['ACME.org', 'acme.org', 'acme.net'] });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ...withoutToken(dir),
      name: 'Renamed',
      organization_name: 'Acme Global',
      domains: ['acme.org', 'acme.net'],
      updated_at: ISO,
    });
    const read = await request(t.app).get(`/api/v1/directories/${dir.id}`).set(admin);
    expect(read.body).toEqual(res.body);
  });

  test('refuses unknown fields, bad states and bad domains', async () => {
    const dir = await makeDirectory(t.app);
    const cases: [Record<string, unknown>, ReturnType<typeof invalid>][] = [
      [{ provider: 'entra' }, invalid({ field: 'provider', message: 'Unrecognized key: "provider"' })],
      [{ state: 'deleted' }, invalid({ field: 'state', message: 'Invalid option: expected one of "active"|"disabled"' })],
      [{ domains: null }, invalid({ field: 'domains', message: 'Invalid input: expected array, received null' })],
      [{ domains: ['nope'] }, invalid({ field: 'domains.0', message: DOMAIN_MESSAGE })],
    ];
    for (const [body, expected] of cases) {
      const res = await request(t.app).patch(`/api/v1/directories/${dir.id}`).set(admin).send(body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual(expected);
    }
    const unchanged = await request(t.app).get(`/api/v1/directories/${dir.id}`).set(admin);
    expect(unchanged.body).toEqual(withoutToken(dir));
  });

  test('disabling refuses SCIM requests with 403; enabling again lets them through', async () => {
    const dir = await makeDirectory(t.app);
    const disabled = await request(t.app).patch(`/api/v1/directories/${dir.id}`).set(admin).send({ state: 'disabled' });
    expect(disabled.status).toBe(200);
    expect(disabled.body).toEqual({ ...withoutToken(dir), state: 'disabled', updated_at: ISO });

    const refused = await scimProbe(dir, dir.bearer_token);
    expect(refused.status).toBe(403);
    expect(refused.headers['content-type']).toMatch(/^application\/scim\+json/);
    expect(JSON.parse(refused.text)).toEqual(scimDisabled);

    const enabled = await request(t.app).patch(`/api/v1/directories/${dir.id}`).set(admin).send({ state: 'active' });
    expect(enabled.status).toBe(200);
    expect(enabled.body).toEqual({ ...withoutToken(dir), state: 'active', updated_at: ISO });
    const ok = await scimProbe(dir, dir.bearer_token);
    expect(ok.status).toBe(200);
  });

  test("refuses to change another environment's directory through an environment key", async () => {
    const env = await makeEnvironment(t.app);
    const key = await makeApiKey(t.app, env.id);
    const theirs = await makeDirectory(t.app);
    const res = await request(t.app).patch(`/api/v1/directories/${theirs.id}`).set(bearer(key)).send({ state: 'disabled' });
    expect(res.status).toBe(404);
    expect(res.body).toEqual(dirNotFound);
    const still = await scimProbe(theirs, theirs.bearer_token);
    expect(still.status).toBe(200);
  });
});

describe('DELETE /api/v1/directories/:id', () => {
  test('deletes the directory: 204, then 404, and its SCIM token is refused', async () => {
    const dir = await makeDirectory(t.app);
    const res = await request(t.app).delete(`/api/v1/directories/${dir.id}`).set(admin);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');

    const read = await request(t.app).get(`/api/v1/directories/${dir.id}`).set(admin);
    expect(read.status).toBe(404);
    expect(read.body).toEqual(dirNotFound);
    const tokens = await request(t.app).get(`/api/v1/directories/${dir.id}/tokens`).set(admin);
    expect(tokens.status).toBe(404);
    expect(tokens.body).toEqual(dirNotFound);
    const again = await request(t.app).delete(`/api/v1/directories/${dir.id}`).set(admin);
    expect(again.status).toBe(404);
    expect(again.body).toEqual(dirNotFound);

    const scim = await scimProbe(dir, dir.bearer_token);
    expect(scim.status).toBe(401);
    expect(scim.headers['www-authenticate']).toBe('Bearer realm="dsync-scim"');
    expect(JSON.parse(scim.text)).toEqual(scimUnauthorized);
  });

  test("answers another environment's directory with 404 and keeps it", async () => {
    const env = await makeEnvironment(t.app);
    const key = await makeApiKey(t.app, env.id);
    const theirs = await makeDirectory(t.app);
    const res = await request(t.app).delete(`/api/v1/directories/${theirs.id}`).set(bearer(key));
    expect(res.status).toBe(404);
    expect(res.body).toEqual(dirNotFound);
    const read = await request(t.app).get(`/api/v1/directories/${theirs.id}`).set(admin);
    expect(read.status).toBe(200);
  });

  test("lets an environment key delete its own environment's directory", async () => {
    const env = await makeEnvironment(t.app);
    const key = await makeApiKey(t.app, env.id);
    const dir = await makeDirectory(t.app, { environment_id: env.id });
    const res = await request(t.app).delete(`/api/v1/directories/${dir.id}`).set(bearer(key));
    expect(res.status).toBe(204);
    const listed = await request(t.app).get('/api/v1/directories').set(bearer(key));
    expect(listed.body).toEqual({ data: [], list_metadata: { after: null } });
  });
});
