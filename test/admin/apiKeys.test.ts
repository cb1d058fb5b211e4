import request from 'supertest';
import { makeApiKey, makeEnvironment } from '../support/factories';
import { ADMIN_KEY, TestApp, createTestApp } from '../support/testApp';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const admin = { Authorization: `Bearer ${ADMIN_KEY}` };
const bearer = (secret: string) => ({ Authorization: `Bearer ${secret}` });
const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
const KEY_ID = expect.stringMatching(/^key_[0-9A-HJKMNP-TV-Z]{26}$/);
const KEY_SECRET = /^dsync_key_[A-Za-z0-9_-]{43}$/;

const unauthorized = { error: { code: 'unauthorized', message: 'Missing or invalid API key' } };
const envNotFound = { error: { code: 'not_found', message: 'Environment not found' } };
const keyNotFound = { error: { code: 'not_found', message: 'API key not found' } };

type KeyView = { id: string; environment_id: string; name: string; prefix: string; created_at: string; revoked_at: null };

/** Creates a key through the API and returns the created body (with `key`). */
async function createKey(environmentId: string, name: string, auth = admin) {
  const res = await request(t.app).post(`/api/v1/environments/${environmentId}/api-keys`).set(auth).send({ name });
  expect(res.status).toBe(201);
  return res.body as KeyView & { key: string };
}

/** The metadata of a created key, as lists show it (without the secret). */
function metadata(created: KeyView & { key: string }) {
  const { key: _key, ...rest } = created;
  return rest;
}

describe('POST /api/v1/environments/:id/api-keys', () => {
  test('shows the key once, with a dsync_key_ prefix, and it authenticates for its environment', async () => {
    const env = await makeEnvironment(t.app);
    const res = await request(t.app).post(`/api/v1/environments/${env.id}/api-keys`).set(admin).send({ name: 'backend' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      object: 'api_key',
      id: KEY_ID,
      environment_id: env.id,
      name: 'backend',
      prefix: res.body.key.slice(0, 'dsync_key_'.length + 4),
      created_at: ISO,
      revoked_at: null,
      key: expect.stringMatching(KEY_SECRET),
    });
    const own = await request(t.app).get(`/api/v1/environments/${env.id}`).set(bearer(res.body.key));
    expect(own.status).toBe(200);
    expect(own.body).toEqual(env);
  });

  test('names the key "default" when the body is empty or absent', async () => {
    const env = await makeEnvironment(t.app);
    for (const send of [(r: request.Test) => r.send({}), (r: request.Test) => r]) {
      const res = await send(request(t.app).post(`/api/v1/environments/${env.id}/api-keys`).set(admin));
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        object: 'api_key',
        id: KEY_ID,
        environment_id: env.id,
        name: 'default',
        prefix: expect.stringMatching(/^dsync_key_.{4}$/),
        created_at: ISO,
        revoked_at: null,
        key: expect.stringMatching(KEY_SECRET),
      });
    }
  });

  test('refuses unknown fields and bad names', async () => {
    const env = await makeEnvironment(t.app);
    const unknown = await request(t.app)
      .post(`/api/v1/environments/${env.id}/api-keys`)
      .set(admin)
      .send({ name: 'x', scope: 'admin' });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual({
      error: {
        code: 'invalid_request',
        message: 'scope: Unrecognized key: "scope"',
        details: { errors: [{ field: 'scope', message: 'Unrecognized key: "scope"' }] },
      },
    });
    const blank = await request(t.app).post(`/api/v1/environments/${env.id}/api-keys`).set(admin).send({ name: ' ' });
    expect(blank.status).toBe(400);
    expect(blank.body).toEqual({
      error: {
        code: 'invalid_request',
        message: 'name: Too small: expected string to have >=1 characters',
        details: { errors: [{ field: 'name', message: 'Too small: expected string to have >=1 characters' }] },
      },
    });
  });

  test('lets an environment key create keys in its own environment only', async () => {
    const env = await makeEnvironment(t.app);
    const other = await makeEnvironment(t.app);
    const key = await makeApiKey(t.app, env.id);
    const own = await createKey(env.id, 'deploy', bearer(key));
    expect(own.environment_id).toBe(env.id);
    const theirs = await request(t.app)
      .post(`/api/v1/environments/${other.id}/api-keys`)
      .set(bearer(key))
      .send({ name: 'sneaky' });
    expect(theirs.status).toBe(404);
    expect(theirs.body).toEqual(envNotFound);
  });

  test('answers a nonexistent environment with 404', async () => {
    const res = await request(t.app)
      .post('/api/v1/environments/env_00000000000000000000000000/api-keys')
      .set(admin)
      .send({ name: 'x' });
    expect(res.status).toBe(404);
    expect(res.body).toEqual(envNotFound);
  });
});

describe('GET /api/v1/environments/:id/api-keys', () => {
  test('lists metadata with the prefix only, oldest first, across pages', async () => {
    const env = await makeEnvironment(t.app);
    const created = [];
    for (const name of ['a', 'b', 'c', 'd', 'e']) created.push(await createKey(env.id, name));
    const listed = created.map(metadata);
    const url = `/api/v1/environments/${env.id}/api-keys`;

    const first = await request(t.app).get(url).query({ limit: 2 }).set(admin);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ data: listed.slice(0, 2), list_metadata: { after: listed[1].id } });
    const second = await request(t.app).get(url).query({ limit: 2, after: first.body.list_metadata.after }).set(admin);
    expect(second.body).toEqual({ data: listed.slice(2, 4), list_metadata: { after: listed[3].id } });
    const third = await request(t.app).get(url).query({ limit: 2, after: second.body.list_metadata.after }).set(admin);
    expect(third.body).toEqual({ data: listed.slice(4), list_metadata: { after: null } });

    const all = await request(t.app).get(url).set(admin);
    expect(all.body).toEqual({ data: listed, list_metadata: { after: null } });
    for (const c of created) expect(JSON.stringify(all.body)).not.toContain(c.key);
  });

  test('refuses a cursor of another kind', async () => {
    const env = await makeEnvironment(t.app);
    const res = await request(t.app)
      .get(`/api/v1/environments/${env.id}/api-keys`)
      .query({ after: env.id })
      .set(admin);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: 'invalid_request', message: 'after is not a valid cursor' } });
  });

  test("hides another environment's keys from an environment key", async () => {
    const env = await makeEnvironment(t.app);
    const other = await makeEnvironment(t.app);
    const key = await makeApiKey(t.app, env.id);
    await makeApiKey(t.app, other.id);
    const res = await request(t.app).get(`/api/v1/environments/${other.id}/api-keys`).set(bearer(key));
    expect(res.status).toBe(404);
    expect(res.body).toEqual(envNotFound);
  });
});

describe('DELETE /api/v1/environments/:id/api-keys/:keyId', () => {
  test('revokes the key at once; the revoked key then gets 401', async () => {
    const env = await makeEnvironment(t.app);
    const created = await createKey(env.id, 'to revoke');
    const before = await request(t.app).get(`/api/v1/environments/${env.id}`).set(bearer(created.key));
    expect(before.status).toBe(200);

    const res = await request(t.app).delete(`/api/v1/environments/${env.id}/api-keys/${created.id}`).set(admin);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ...metadata(created), revoked_at: ISO });

    const after = await request(t.app).get(`/api/v1/environments/${env.id}`).set(bearer(created.key));
    expect(after.status).toBe(401);
    expect(after.headers['www-authenticate']).toBe('Bearer realm="dsync-admin"');
    expect(after.body).toEqual(unauthorized);

    const listed = await request(t.app).get(`/api/v1/environments/${env.id}/api-keys`).set(admin);
    expect(listed.body).toEqual({ data: [res.body], list_metadata: { after: null } });
  });

  test('is idempotent: revoking a revoked key returns it unchanged', async () => {
    const env = await makeEnvironment(t.app);
    const created = await createKey(env.id, 'twice');
    const once = await request(t.app).delete(`/api/v1/environments/${env.id}/api-keys/${created.id}`).set(admin);
    const twice = await request(t.app).delete(`/api/v1/environments/${env.id}/api-keys/${created.id}`).set(admin);
    expect(twice.status).toBe(200);
    expect(twice.body).toEqual(once.body);
  });

  test('lets an environment key revoke itself, after which it is refused', async () => {
    const env = await makeEnvironment(t.app);
    const created = await createKey(env.id, 'self');
    const res = await request(t.app)
      .delete(`/api/v1/environments/${env.id}/api-keys/${created.id}`)
      .set(bearer(created.key));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ...metadata(created), revoked_at: ISO });
    const again = await request(t.app).get(`/api/v1/environments/${env.id}/api-keys`).set(bearer(created.key));
    expect(again.status).toBe(401);
    expect(again.body).toEqual(unauthorized);
  });

  test("answers another environment's key with 404 and leaves it working", async () => {
    const env = await makeEnvironment(t.app);
    const other = await makeEnvironment(t.app);
    const theirs = await createKey(other.id, 'theirs');
    const ownKey = await makeApiKey(t.app, env.id);

    // Through our environment's URL, with the admin key and with our own key.
    for (const auth of [admin, bearer(ownKey)]) {
      const res = await request(t.app).delete(`/api/v1/environments/${env.id}/api-keys/${theirs.id}`).set(auth);
      expect(res.status).toBe(404);
      expect(res.body).toEqual(keyNotFound);
    }
    // Through their environment's URL with our key.
    const direct = await request(t.app)
      .delete(`/api/v1/environments/${other.id}/api-keys/${theirs.id}`)
      .set(bearer(ownKey));
    expect(direct.status).toBe(404);
    expect(direct.body).toEqual(envNotFound);

    const still = await request(t.app).get(`/api/v1/environments/${other.id}`).set(bearer(theirs.key));
    expect(still.status).toBe(200);
  });

  test.each([['key_00000000000000000000000000'], ['not-a-key'], ['%00']])(
    'answers the key id %s with 404',
    async (keyId) => {
      const env = await makeEnvironment(t.app);
      const res = await request(t.app).delete(`/api/v1/environments/${env.id}/api-keys/${keyId}`).set(admin);
      expect(res.status).toBe(404);
      expect(res.body).toEqual(keyNotFound);
    },
  );
});

test('a body that is not JSON is 415, and no key is created', async () => {
  const env = await makeEnvironment(t.app);
  const res = await request(t.app)
    .post(`/api/v1/environments/${env.id}/api-keys`)
    .set('Authorization', `Bearer ${ADMIN_KEY}`)
    .set('Content-Type', 'text/plain')
    .send('name=x');
  expect([res.status, res.body]).toEqual([
    415,
    { error: { code: 'unsupported_media_type', message: 'Content-Type must be application/json, not text/plain' } },
  ]);
  const list = await request(t.app).get(`/api/v1/environments/${env.id}/api-keys`).set('Authorization', `Bearer ${ADMIN_KEY}`);
  expect(list.body.data).toEqual([]);
});
