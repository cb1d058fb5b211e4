import request from 'supertest';
import { makeDirectory } from '../support/factories';
import { GROUP_SCHEMA, PATCH_OP, USER_SCHEMA, scimClient, scimError } from '../support/scimClient';
import { TestApp, createTestApp } from '../support/testApp';

/**
 * Every failure has the RFC 7644 §3.12 shape: the Error schema, status as a string,
 * the scimType the RFC assigns to the cause, and a detail. Unexpected failures (the
 * database) are 500 with the request id, never a 404 or a 401.
 */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp(process.env.DEBUG_LOG ? { LOG_LEVEL: 'error' } : {});
});
afterAll(() => t.close());

type Client = ReturnType<typeof scimClient>;
const RANDOM_ID = '7b0e6f6a-2c1d-4e5f-9a8b-1c2d3e4f5a6b';
const patch = (...Operations: unknown[]) => ({ schemas: [PATCH_OP], Operations });

async function newClient(): Promise<Client> {
  return scimClient(t.app, await makeDirectory(t.app));
}

async function makeUser(c: Client, userName = 'erin@acme.test', extra: Record<string, unknown> = {}) {
  const res = await c.post('/Users', { schemas: [USER_SCHEMA], userName, ...extra });
  expect(res.status).toBe(201);
  return res.body as { id: string; meta: { version: string } };
}

async function makeGroup(c: Client, displayName = 'Errors', extra: Record<string, unknown> = {}) {
  const res = await c.post('/Groups', { schemas: [GROUP_SCHEMA], displayName, ...extra });
  expect(res.status).toBe(201);
  return res.body as { id: string; meta: { version: string } };
}

function expectError(res: request.Response, status: number, scimType?: string) {
  expect({ status: res.status, body: res.body }).toEqual({ status, body: scimError(status, scimType) });
  expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
}

describe('401 Unauthorized', () => {
  test('no token, a wrong token, another scheme or an empty bearer: SCIM error body and WWW-Authenticate', async () => {
    const dir = await makeDirectory(t.app);
    const url = `/scim/v2/${dir.id}/Users`;
    const attempts = [
      request(t.app).get(url),
      request(t.app).get(url).set('Authorization', 'Bearer wrong-token'),
      request(t.app).get(url).set('Authorization', `Basic ${Buffer.from(`x:${dir.bearer_token}`).toString('base64')}`),
      request(t.app).get(url).set('Authorization', 'Bearer '),
      request(t.app).post(url).set('Content-Type', 'application/scim+json').send({ schemas: [USER_SCHEMA], userName: 'x@acme.test' }),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="dsync-scim"');
      expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
      expect(res.body).toEqual({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
        status: '401',
        detail: 'Missing or invalid bearer token',
      });
    }
    expect((await scimClient(t.app, dir).get('/Users')).body.totalResults).toBe(0);
  });
});

describe('404 Not Found', () => {
  test('an unknown uuid and a non-uuid id, for every method on Users and Groups', async () => {
    const c = await newClient();
    for (const endpoint of ['Users', 'Groups']) {
      const body = endpoint === 'Users' ? { schemas: [USER_SCHEMA], userName: 'x@acme.test' } : { schemas: [GROUP_SCHEMA], displayName: 'x' };
      for (const id of [RANDOM_ID, 'not-a-uuid', '1', "x' OR '1'='1"]) {
        const path = `/${endpoint}/${encodeURIComponent(id)}`;
        expectError(await c.get(path), 404);
        expectError(await c.put(path, body), 404);
        expectError(await c.patch(path, patch({ op: 'replace', path: 'displayName', value: 'y' })), 404);
        expectError(await c.delete(path), 404);
      }
    }
    expectError(await c.get('/Widgets'), 404);
  });
});

describe('400 on malformed bodies', () => {
  test('malformed JSON is invalidSyntax on POST, PUT and PATCH', async () => {
    const dir = await makeDirectory(t.app);
    const u = await makeUser(scimClient(t.app, dir));
    const raw = (method: 'post' | 'put' | 'patch', path: string, text: string, type = 'application/scim+json') =>
      request(t.app)[method](`/scim/v2/${dir.id}${path}`).set('Authorization', `Bearer ${dir.bearer_token}`).set('Content-Type', type).send(text);
    for (const res of [
      await raw('post', '/Users', '{"userName": '),
      await raw('put', `/Users/${u.id}`, '{"userName": "a",}'),
      await raw('patch', `/Users/${u.id}`, '{"Operations": [}'),
      await raw('post', '/Groups', "{'displayName': 'single quotes'}", 'application/json'),
      await raw('post', '/Users/.search', '{"filter": "userName pr"'),
    ]) {
      expectError(res, 400, 'invalidSyntax');
    }
  });

  test('a body that is not a JSON object is invalidSyntax', async () => {
    const c = await newClient();
    const u = await makeUser(c);
    const g = await makeGroup(c);
    for (const body of [[{ userName: 'x' }], 'hello', 42, null, true]) {
      expectError(await c.post('/Users', body), 400, 'invalidSyntax');
      expectError(await c.put(`/Users/${u.id}`, body), 400, 'invalidSyntax');
      expectError(await c.patch(`/Groups/${g.id}`, body), 400, 'invalidSyntax');
      expectError(await c.post('/Users/.search', body), 400, 'invalidSyntax');
    }
  });

  test('wrong attribute types, a missing required attribute and a foreign schema are rejected', async () => {
    const c = await newClient();
    expectError(await c.post('/Users', { schemas: [USER_SCHEMA], userName: 'x@acme.test', active: 'yes' }), 400, 'invalidValue');
    expectError(await c.post('/Groups', { schemas: [GROUP_SCHEMA] }), 400, 'invalidValue');
    expectError(await c.post('/Users', { schemas: [GROUP_SCHEMA], userName: 'x@acme.test' }), 400, 'invalidSyntax');
    expect((await c.get('/Users')).body.totalResults).toBe(0);
  });
});

describe('413 Payload Too Large', () => {
  test('a body over BODY_LIMIT is 413 with a SCIM error body', async () => {
    const small = await createTestApp({ BODY_LIMIT: '1kb' });
    try {
      const dir = await makeDirectory(small.app);
      const c = scimClient(small.app, dir);
      const big = { schemas: [USER_SCHEMA], userName: 'big@acme.test', nickName: 'x'.repeat(2048) };
      expectError(await c.post('/Users', big), 413);
      const fits = await c.post('/Users', { schemas: [USER_SCHEMA], userName: 'small@acme.test' });
      expect(fits.status).toBe(201);
      expectError(await c.put(`/Users/${fits.body.id}`, big), 413);
      expect((await c.get('/Users')).body.totalResults).toBe(1);
    } finally {
      await small.close();
    }
  });
});

describe('PATCH errors (RFC 7644 §3.5.2)', () => {
  test('a malformed PatchOp message: missing schema, no operations, unknown op, add without value', async () => {
    const c = await newClient();
    const g = await makeGroup(c);
    const path = `/Groups/${g.id}`;
    const op = { op: 'replace', path: 'displayName', value: 'x' };
    expectError(await c.patch(path, { Operations: [op] }), 400, 'invalidSyntax');
    expectError(await c.patch(path, { schemas: ['urn:example:wrong'], Operations: [op] }), 400, 'invalidSyntax');
    // Also when the only operation targets an attribute the schema does not declare.
    expectError(await c.patch(path, { Operations: [{ op: 'add', path: 'urn:example:ext:1.0:Group:badge', value: 'b' }] }), 400, 'invalidSyntax');
    expectError(await c.patch(path, patch()), 400, 'invalidValue');
    expectError(await c.patch(path, { schemas: [PATCH_OP], Operations: 'replace' }), 400, 'invalidValue');
    expectError(await c.patch(path, patch({ op: 'frobnicate', path: 'displayName', value: 'x' })), 400, 'invalidSyntax');
    expectError(await c.patch(path, patch({ op: 'add', path: 'displayName' })), 400, 'invalidValue');
    expectError(await c.patch(path, patch('replace')), 400, 'invalidValue');
    const after = await c.get(path);
    expect(after.body.displayName).toBe('Errors');
    expect(after.body.meta.version).toBe('W/"1"');
  });

  test('an invalid path is invalidPath', async () => {
    const c = await newClient();
    const u = await makeUser(c);
    const g = await makeGroup(c);
    expectError(await c.patch(`/Groups/${g.id}`, patch({ op: 'replace', path: 'members[[', value: 'x' })), 400, 'invalidPath');
    expectError(await c.patch(`/Users/${u.id}`, patch({ op: 'replace', path: 'name.nonsense', value: 'x' })), 400, 'invalidPath');
    expectError(await c.patch(`/Users/${u.id}`, patch({ op: 'replace', path: 42, value: 'x' })), 400, 'invalidPath');
  });

  test('noTarget: remove without a path, replace through a filter matching nothing; remove matching nothing is a no-op', async () => {
    const c = await newClient();
    const u = await makeUser(c, 'nt@acme.test', { emails: [{ value: 'nt@acme.test', type: 'work' }] });
    const g = await makeGroup(c, 'Targets', { members: [{ value: u.id }] });
    expectError(await c.patch(`/Groups/${g.id}`, patch({ op: 'remove' })), 400, 'noTarget');
    expectError(
      await c.patch(`/Groups/${g.id}`, patch({ op: 'replace', path: `members[value eq "${RANDOM_ID}"].display`, value: 'x' })),
      400,
      'noTarget',
    );
    expectError(await c.patch(`/Users/${u.id}`, patch({ op: 'replace', path: 'emails[value eq "other@acme.test"].type', value: 'home' })), 400, 'noTarget');

    // RFC 7644 §3.5.2.2 only defines noTarget for replace; removing what is already gone is
    // idempotent, which Okta relies on when it retries a membership removal.
    const before = await c.get(`/Groups/${g.id}`);
    const removed = await c.patch(`/Groups/${g.id}`, patch({ op: 'remove', path: `members[value eq "${RANDOM_ID}"]` }));
    expect(removed.status).toBe(200);
    expect(removed.body).toEqual(before.body);
    const userBefore = await c.get(`/Users/${u.id}`);
    const noEmail = await c.patch(`/Users/${u.id}`, patch({ op: 'remove', path: 'emails[value eq "other@acme.test"]' }));
    expect(noEmail.status).toBe(200);
    expect(noEmail.body).toEqual(userBefore.body);
  });

  test('readOnly attributes: replacing id is 400 mutability; meta is ignored', async () => {
    const c = await newClient();
    const g = await makeGroup(c);
    expectError(await c.patch(`/Groups/${g.id}`, patch({ op: 'replace', path: 'id', value: RANDOM_ID })), 400, 'mutability');
    expectError(await c.patch(`/Groups/${g.id}`, patch({ op: 'replace', value: { id: RANDOM_ID, displayName: 'x' } })), 400, 'mutability');
    const before = await c.get(`/Groups/${g.id}`);
    // RFC 7643 §3.1: meta is readOnly and server-assigned; scimmy drops writes to it.
    const meta = await c.patch(`/Groups/${g.id}`, patch({ op: 'replace', path: 'meta', value: { version: 'W/"99"', created: '2000-01-01T00:00:00Z' } }));
    expect(meta.status).toBe(200);
    expect(meta.body).toEqual(before.body);
    expect((await c.get(`/Groups/${RANDOM_ID}`)).status).toBe(404);
  });
});

describe('list parameters', () => {
  test('invalid filter syntax and unknown filter attributes are 400 invalidFilter, by GET and by .search', async () => {
    const c = await newClient();
    for (const filter of ['userName eq', 'userName eq "a" and', '(userName eq "a"', 'userName zz "a"', 'nonsense eq "x"', 'name.nonsense eq "x"']) {
      expectError(await c.get(`/Users?filter=${encodeURIComponent(filter)}`), 400, 'invalidFilter');
      expectError(await c.post('/Users/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter }), 400, 'invalidFilter');
    }
    expectError(await c.get(`/Groups?filter=${encodeURIComponent('nickName eq "x"')}`), 400, 'invalidFilter');
  });

  test('a startIndex or count that is not an integer is 400 invalidValue', async () => {
    const c = await newClient();
    for (const q of ['startIndex=abc', 'count=abc', 'startIndex=1.5', 'count=10e', 'filter=userName%20pr&filter=userName%20pr']) {
      expectError(await c.get(`/Users?${q}`), 400, 'invalidValue');
    }
    // RFC 7644 §3.4.2.4: values below the minimum are clamped, not rejected.
    const clamped = await c.get('/Users?startIndex=-5&count=-1');
    expect(clamped.status).toBe(200);
    expect(clamped.body).toMatchObject({ startIndex: 1, itemsPerPage: 0, Resources: [] });
  });
});

describe('409 uniqueness', () => {
  test('duplicate externalId of users and of groups, by POST, PUT and PATCH', async () => {
    const c = await newClient();
    const u1 = await makeUser(c, 'one@acme.test', { externalId: 'ext-1' });
    const u2 = await makeUser(c, 'two@acme.test', { externalId: 'ext-2' });
    expectError(await c.post('/Users', { schemas: [USER_SCHEMA], userName: 'three@acme.test', externalId: 'ext-1' }), 409, 'uniqueness');
    expectError(await c.put(`/Users/${u2.id}`, { schemas: [USER_SCHEMA], userName: 'two@acme.test', externalId: 'ext-1' }), 409, 'uniqueness');
    expectError(await c.patch(`/Users/${u2.id}`, patch({ op: 'replace', path: 'externalId', value: 'ext-1' })), 409, 'uniqueness');
    expectError(await c.patch(`/Users/${u2.id}`, patch({ op: 'replace', path: 'userName', value: 'ONE@acme.test' })), 409, 'uniqueness');

    const g1 = await makeGroup(c, 'G1', { externalId: 'gext-1' });
    const g2 = await makeGroup(c, 'G2', { externalId: 'gext-2' });
    expectError(await c.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'G3', externalId: 'gext-1' }), 409, 'uniqueness');
    expectError(await c.patch(`/Groups/${g2.id}`, patch({ op: 'replace', path: 'externalId', value: 'gext-1' })), 409, 'uniqueness');

    // Nothing was written by the failed requests.
    expect((await c.get(`/Users/${u2.id}`)).body).toMatchObject({ userName: 'two@acme.test', externalId: 'ext-2', meta: { version: 'W/"1"' } });
    expect((await c.get(`/Groups/${g2.id}`)).body).toMatchObject({ externalId: 'gext-2', meta: { version: 'W/"1"' } });
    expect((await c.get(`/Users/${u1.id}`)).body).toMatchObject({ userName: 'one@acme.test', externalId: 'ext-1' });
    expect((await c.get(`/Groups/${g1.id}`)).body).toMatchObject({ displayName: 'G1', externalId: 'gext-1' });
    expect((await c.get('/Users')).body.totalResults).toBe(2);
    expect((await c.get('/Groups')).body.totalResults).toBe(2);
  });
});

describe('ETags (RFC 7644 §3.14)', () => {
  test('a stale If-Match is 412 on PUT, PATCH and DELETE and changes nothing; the current one or * succeeds', async () => {
    const c = await newClient();
    const u = await makeUser(c);
    const path = `/Users/${u.id}`;
    const before = (await c.get(path)).body;
    expectError(await c.put(path, { schemas: [USER_SCHEMA], userName: 'new@acme.test' }).set('If-Match', 'W/"2"'), 412);
    expectError(await c.patch(path, patch({ op: 'replace', path: 'displayName', value: 'x' })).set('If-Match', '"0"'), 412);
    expectError(await c.delete(path).set('If-Match', 'W/"5"'), 412);
    expect((await c.get(path)).body).toEqual(before);

    const put = await c.put(path, { schemas: [USER_SCHEMA], userName: 'new@acme.test' }).set('If-Match', 'W/"1"');
    expect(put.status).toBe(200);
    expect(put.headers.etag).toBe('W/"2"');
    const star = await c.patch(path, patch({ op: 'replace', path: 'displayName', value: 'Star' })).set('If-Match', '*');
    expect(star.status).toBe(200);
    expect(star.headers.etag).toBe('W/"3"');
    expect((await c.delete(path).set('If-Match', 'W/"3"')).status).toBe(204);
  });

  test('If-None-Match with the current ETag is 304 without a body; with an old one, 200', async () => {
    const c = await newClient();
    const g = await makeGroup(c);
    const path = `/Groups/${g.id}`;
    const fresh = await c.get(path).set('If-None-Match', 'W/"1"');
    expect(fresh.status).toBe(304);
    expect(fresh.headers.etag).toBe('W/"1"');
    expect(fresh.text).toBe('');
    await c.patch(path, patch({ op: 'replace', path: 'displayName', value: 'Changed' }));
    const stale = await c.get(path).set('If-None-Match', 'W/"1"');
    expect(stale.status).toBe(200);
    expect(stale.headers.etag).toBe('W/"2"');
    expect(stale.body.displayName).toBe('Changed');
  });
});

describe('database failures are 500 with the request id, never 404 or 401', () => {
  const internalError = (requestId: string) => ({
    schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
    status: '500',
    detail: `Internal server error (request id ${requestId})`,
  });

  test('the database is gone: even authentication fails as 500, so an IdP does not take the token for revoked', async () => {
    const broken = await createTestApp();
    const dir = await makeDirectory(broken.app);
    const c = scimClient(broken.app, dir);
    const u = await makeUser(c);
    await broken.close();
    for (const res of [
      await c.get(`/Users/${u.id}`).set('X-Request-Id', 'req-db-gone-1'),
      await c.get(`/Users/${RANDOM_ID}`).set('X-Request-Id', 'req-db-gone-2'),
      await c.post('/Users', { schemas: [USER_SCHEMA], userName: 'x@acme.test' }).set('X-Request-Id', 'req-db-gone-3'),
    ]) {
      expect(res.status).toBe(500);
      expect(res.headers['x-request-id']).toMatch(/^req-db-gone-\d$/);
      expect(res.body).toEqual(internalError(res.headers['x-request-id']));
    }
  });

  test('queries failing after authentication succeeded are 500 on every route', async () => {
    // A role that can authenticate tokens but may not read or write SCIM resources.
    const role = 'dsync_test_scim_auth_only';
    await t.dataSource.query(
      `DO $$ BEGIN CREATE ROLE ${role} LOGIN PASSWORD 'auth-only'; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`,
    );
    await t.dataSource.query(`GRANT SELECT ON directories, directory_tokens TO ${role}`);
    const url = new URL(process.env.DATABASE_URL!);
    url.username = role;
    url.password = 'auth-only';
    const limited = await createTestApp({ DATABASE_URL: url.toString() });
    try {
      const dir = await makeDirectory(t.app);
      const real = scimClient(t.app, dir);
      const u = await makeUser(real);
      const g = await makeGroup(real);
      const c = scimClient(limited.app, dir);
      // Authentication works: discovery needs nothing else.
      expect((await c.get('/ServiceProviderConfig')).status).toBe(200);
      const attempts = [
        c.get(`/Users/${u.id}`),
        c.get(`/Users/${RANDOM_ID}`),
        c.get(`/Groups/${g.id}`),
        c.get('/Users'),
        c.get(`/Groups?filter=${encodeURIComponent('displayName eq "x"')}`),
        c.post('/Users', { schemas: [USER_SCHEMA], userName: 'x@acme.test' }),
        c.put(`/Users/${u.id}`, { schemas: [USER_SCHEMA], userName: 'x@acme.test' }),
        c.patch(`/Groups/${g.id}`, patch({ op: 'replace', path: 'displayName', value: 'x' })),
        c.delete(`/Users/${u.id}`),
      ];
      for (const res of await Promise.all(attempts)) {
        expect(res.status).toBe(500);
        expect(res.body).toEqual(internalError(res.headers['x-request-id']));
      }
      expect((await real.get(`/Users/${u.id}`)).body).toEqual(u);
    } finally {
      await limited.close();
    }
  });
});

test('a body that is not JSON is 415 with a SCIM error, and nothing is created', async () => {
  const d = await makeDirectory(t.app);
  const res = await request(t.app)
    .post(`/scim/v2/${d.id}/Users`)
    .set('Authorization', `Bearer ${d.bearer_token}`)
    .set('Content-Type', 'text/plain')
    .send('userName=alice');
  expect([res.status, res.body]).toEqual([415, scimError(415)]);
  const list = await scimClient(t.app, d).get('/Users');
  expect(list.body.totalResults).toBe(0);
});
