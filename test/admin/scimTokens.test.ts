import request from 'supertest';
import { makeApiKey, makeDirectory, makeEnvironment } from '../support/factories';
import { ADMIN_KEY, TestApp, createTestApp } from '../support/testApp';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const admin = { Authorization: `Bearer ${ADMIN_KEY}` };
const bearer = (secret: string) => ({ Authorization: `Bearer ${secret}` });
const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
const TOKEN_ID = expect.stringMatching(/^scim_token_[0-9A-HJKMNP-TV-Z]{26}$/);
const SCIM_SECRET = /^dsync_scim_[A-Za-z0-9_-]{43}$/;

const dirNotFound = { error: { code: 'not_found', message: 'Directory not found' } };
const tokenNotFound = { error: { code: 'not_found', message: 'Token not found' } };
const unauthorized = { error: { code: 'unauthorized', message: 'Missing or invalid API key' } };
const scimUnauthorized = {
  schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
  status: '401',
  detail: 'Missing or invalid bearer token',
};

type TokenView = { object: 'scim_token'; id: string; directory_id: string; prefix: string; created_at: string; revoked_at: string | null };

/** GET {scim_url}/ServiceProviderConfig with a bearer token, as an IdP's connection test does. */
function scimProbe(dir: { scim_url: string }, token: string) {
  const path = new URL(dir.scim_url).pathname;
  return request(t.app).get(`${path}/ServiceProviderConfig`).set(bearer(token));
}

/** Asserts a SCIM request was refused with 401, the Bearer challenge and the RFC 7644 §3.12 body. */
function expectScim401(res: request.Response) {
  expect(res.status).toBe(401);
  expect(res.headers['www-authenticate']).toBe('Bearer realm="dsync-scim"');
  expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
  expect(JSON.parse(res.text)).toEqual(scimUnauthorized);
}

/** The directory's token list (everything on one page). */
async function listTokens(directoryId: string): Promise<TokenView[]> {
  const res = await request(t.app).get(`/api/v1/directories/${directoryId}/tokens`).set(admin);
  expect(res.status).toBe(200);
  expect(res.body.list_metadata).toEqual({ after: null });
  return res.body.data;
}

describe('SCIM token rotation', () => {
  test('a new token works alongside the old one until the old one is revoked', async () => {
    const dir = await makeDirectory(t.app);
    const [original] = await listTokens(dir.id);
    expect(original).toEqual({
      object: 'scim_token',
      id: TOKEN_ID,
      directory_id: dir.id,
      prefix: dir.bearer_token.slice(0, 'dsync_scim_'.length + 4),
      created_at: ISO,
      revoked_at: null,
    });

    const rotated = await request(t.app).post(`/api/v1/directories/${dir.id}/tokens`).set(admin);
    expect(rotated.status).toBe(201);
    expect(rotated.body).toEqual({
      object: 'scim_token',
      id: TOKEN_ID,
      directory_id: dir.id,
      prefix: rotated.body.bearer_token.slice(0, 'dsync_scim_'.length + 4),
      created_at: ISO,
      revoked_at: null,
      bearer_token: expect.stringMatching(SCIM_SECRET),
    });
    const fresh = rotated.body.bearer_token as string;
    expect(fresh).not.toBe(dir.bearer_token);

    // Overlap: both tokens are accepted while the IdP is being switched.
    expect((await scimProbe(dir, dir.bearer_token)).status).toBe(200);
    expect((await scimProbe(dir, fresh)).status).toBe(200);

    const revoked = await request(t.app).delete(`/api/v1/directories/${dir.id}/tokens/${original.id}`).set(admin);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toEqual({ ...original, revoked_at: ISO });

    expectScim401(await scimProbe(dir, dir.bearer_token));
    expect((await scimProbe(dir, fresh)).status).toBe(200);

    const { bearer_token: _secret, ...freshView } = rotated.body;
    expect(await listTokens(dir.id)).toEqual([revoked.body, freshView]);
  });

  test('lists token metadata without secrets, across pages', async () => {
    const dir = await makeDirectory(t.app);
    const secrets = [dir.bearer_token];
    for (let i = 0; i < 4; i++) {
      const res = await request(t.app).post(`/api/v1/directories/${dir.id}/tokens`).set(admin);
      secrets.push(res.body.bearer_token);
    }
    const all = await listTokens(dir.id);
    expect(all).toHaveLength(5);
    for (const token of all) {
      expect(token).toEqual({
        object: 'scim_token',
        id: TOKEN_ID,
        directory_id: dir.id,
        prefix: expect.stringMatching(/^dsync_scim_.{4}$/),
        created_at: ISO,
        revoked_at: null,
      });
    }
    expect(all.map((tk) => tk.prefix)).toEqual(secrets.map((s) => s.slice(0, 15)));

    const url = `/api/v1/directories/${dir.id}/tokens`;
    const first = await request(t.app).get(url).query({ limit: 2 }).set(admin);
    expect(first.body).toEqual({ data: all.slice(0, 2), list_metadata: { after: all[1].id } });
    const second = await request(t.app).get(url).query({ limit: 2, after: all[1].id }).set(admin);
    expect(second.body).toEqual({ data: all.slice(2, 4), list_metadata: { after: all[3].id } });
    const third = await request(t.app).get(url).query({ limit: 2, after: all[3].id }).set(admin);
    expect(third.body).toEqual({ data: all.slice(4), list_metadata: { after: null } });

    const raw = JSON.stringify([first.body, second.body, third.body]);
    for (const secret of secrets) expect(raw).not.toContain(secret);
  });

  test('revoking twice returns the same revoked token', async () => {
    const dir = await makeDirectory(t.app);
    const [token] = await listTokens(dir.id);
    const once = await request(t.app).delete(`/api/v1/directories/${dir.id}/tokens/${token.id}`).set(admin);
    const twice = await request(t.app).delete(`/api/v1/directories/${dir.id}/tokens/${token.id}`).set(admin);
    expect(twice.status).toBe(200);
    expect(twice.body).toEqual(once.body);
  });

  test("answers another directory's token id with 404 and leaves it working", async () => {
    const dir = await makeDirectory(t.app);
    const other = await makeDirectory(t.app);
    const [theirs] = await listTokens(other.id);
    const res = await request(t.app).delete(`/api/v1/directories/${dir.id}/tokens/${theirs.id}`).set(admin);
    expect(res.status).toBe(404);
    expect(res.body).toEqual(tokenNotFound);
    expect((await scimProbe(other, other.bearer_token)).status).toBe(200);
  });

  test.each([['scim_token_00000000000000000000000000'], ['nope'], ['%00']])(
    'answers the token id %s with 404',
    async (tokenId) => {
      const dir = await makeDirectory(t.app);
      const res = await request(t.app).delete(`/api/v1/directories/${dir.id}/tokens/${tokenId}`).set(admin);
      expect(res.status).toBe(404);
      expect(res.body).toEqual(tokenNotFound);
    },
  );

  test("is closed to another environment's key and open to the directory's own", async () => {
    const env = await makeEnvironment(t.app);
    const key = await makeApiKey(t.app, env.id);
    const theirs = await makeDirectory(t.app);
    const [theirToken] = await listTokens(theirs.id);
    const attempts = [
      request(t.app).post(`/api/v1/directories/${theirs.id}/tokens`).set(bearer(key)),
      request(t.app).get(`/api/v1/directories/${theirs.id}/tokens`).set(bearer(key)),
      request(t.app).delete(`/api/v1/directories/${theirs.id}/tokens/${theirToken.id}`).set(bearer(key)),
    ];
    for (const attempt of attempts) {
      const res = await attempt;
      expect(res.status).toBe(404);
      expect(res.body).toEqual(dirNotFound);
    }
    expect(await listTokens(theirs.id)).toEqual([theirToken]);

    const ours = await makeDirectory(t.app, { environment_id: env.id });
    const rotated = await request(t.app).post(`/api/v1/directories/${ours.id}/tokens`).set(bearer(key));
    expect(rotated.status).toBe(201);
    expect((await scimProbe(ours, rotated.body.bearer_token)).status).toBe(200);
  });
});

describe('credentials stay in their lane', () => {
  test("another directory's token is refused on this directory's SCIM URL", async () => {
    const env = await makeEnvironment(t.app);
    const dir = await makeDirectory(t.app, { environment_id: env.id });
    const sibling = await makeDirectory(t.app, { environment_id: env.id });
    expectScim401(await scimProbe(dir, sibling.bearer_token));
    expectScim401(await scimProbe(sibling, dir.bearer_token));
  });

  test('the admin key and environment keys are refused by SCIM', async () => {
    const env = await makeEnvironment(t.app);
    const key = await makeApiKey(t.app, env.id);
    const dir = await makeDirectory(t.app, { environment_id: env.id });
    expectScim401(await scimProbe(dir, ADMIN_KEY));
    expectScim401(await scimProbe(dir, key));
  });

  test('SCIM requests without a usable token are refused', async () => {
    const dir = await makeDirectory(t.app);
    const path = new URL(dir.scim_url).pathname;
    expectScim401(await request(t.app).get(`${path}/ServiceProviderConfig`));
    expectScim401(await request(t.app).get(`${path}/Users`).set('Authorization', `Basic ${dir.bearer_token}`));
    expectScim401(await scimProbe({ scim_url: `https://dsync.test/scim/v2/directory_00000000000000000000000000` }, dir.bearer_token));
  });

  test('a SCIM token is refused by /api/v1', async () => {
    const dir = await makeDirectory(t.app);
    for (const path of ['/api/v1/environments', `/api/v1/directories/${dir.id}`]) {
      const res = await request(t.app).get(path).set(bearer(dir.bearer_token));
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="dsync-admin"');
      expect(res.body).toEqual(unauthorized);
    }
  });
});
