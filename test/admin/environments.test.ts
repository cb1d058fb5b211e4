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
const ENV_ID = expect.stringMatching(/^env_[0-9A-HJKMNP-TV-Z]{26}$/);
// A well-formed id that no environment has (ULIDs of the year 1970).
const MISSING_ENV = 'env_00000000000000000000000000';

const unauthorized = { error: { code: 'unauthorized', message: 'Missing or invalid API key' } };
const envNotFound = { error: { code: 'not_found', message: 'Environment not found' } };
const invalid = (field: string, message: string) => ({
  error: { code: 'invalid_request', message: `${field}: ${message}`, details: { errors: [{ field, message }] } },
});

describe('POST /api/v1/environments', () => {
  test('creates an environment whose inactive policy defaults to secure', async () => {
    const res = await request(t.app).post('/api/v1/environments').set(admin).send({ name: '  Production  ' });
    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({
      object: 'environment',
      id: ENV_ID,
      name: 'Production',
      inactive_policy: 'secure',
      created_at: ISO,
      updated_at: res.body.created_at,
    });
  });

  test('accepts the retain policy', async () => {
    const res = await request(t.app).post('/api/v1/environments').set(admin).send({ name: 'Staging', inactive_policy: 'retain' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      object: 'environment',
      id: ENV_ID,
      name: 'Staging',
      inactive_policy: 'retain',
      created_at: ISO,
      updated_at: ISO,
    });
  });

  test('refuses an unknown field', async () => {
    const res = await request(t.app).post('/api/v1/environments').set(admin).send({ name: 'x', colour: 'blue' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(invalid('colour', 'Unrecognized key: "colour"'));
  });

  test('refuses an unknown inactive policy', async () => {
    const res = await request(t.app).post('/api/v1/environments').set(admin).send({ name: 'x', inactive_policy: 'never' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(invalid('inactive_policy', 'Invalid option: expected one of "secure"|"retain"'));
  });

  test.each([
    ['missing', {}, 'Invalid input: expected string, received undefined'],
    ['blank', { name: '   ' }, 'Too small: expected string to have >=1 characters'],
    ['too long', { name: 'x'.repeat(201) }, 'Too big: expected string to have <=200 characters'],
    ['not a string', { name: 42 }, 'Invalid input: expected string, received number'],
    ['holding a NUL', { name: 'a\u0000b' }, 'must not contain NUL characters'],
  ])('refuses a name that is %s', async (_label, body, message) => {
    const res = await request(t.app).post('/api/v1/environments').set(admin).send(body);
    expect(res.status).toBe(400);
    expect(res.body).toEqual(invalid('name', message));
  });

  test.each([
    ['truncated', '{"name":'],
    ['a trailing comma', '{"name":"x",}'],
    ['a bare string', '"production"'],
    ['null', 'null'],
  ])('answers malformed or non-object JSON (%s) with 400', async (_label, raw) => {
    const res = await request(t.app)
      .post('/api/v1/environments')
      .set(admin)
      .set('Content-Type', 'application/json')
      .send(raw);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: 'invalid_request', message: 'Request body is not valid JSON' } });
  });

  test('answers a JSON array body with 400', async () => {
    const res = await request(t.app).post('/api/v1/environments').set(admin).send([{ name: 'x' }]);
    expect(res.status).toBe(400);
    expect(res.body).toEqual(invalid('(body)', 'Invalid input: expected object, received array'));
  });

  test('answers a body in an unsupported charset with 415', async () => {
    const res = await request(t.app)
      .post('/api/v1/environments')
      .set(admin)
      .set('Content-Type', 'application/json; charset=latin1')
      .send('{"name":"x"}');
    expect(res.status).toBe(415);
    expect(res.body).toEqual({
      error: { code: 'unsupported_media_type', message: 'Unsupported body charset or encoding' },
    });
  });

  test('answers a body over BODY_LIMIT with 413, and an anonymous one with 401 before reading it', async () => {
    const small = await createTestApp({ BODY_LIMIT: '1kb' });
    try {
      const body = { name: 'x'.repeat(2000) };
      const res = await request(small.app).post('/api/v1/environments').set(admin).send(body);
      expect(res.status).toBe(413);
      expect(res.body).toEqual({
        error: { code: 'payload_too_large', message: 'Request body exceeds the limit of 1024 bytes' },
      });
      const anonymous = await request(small.app).post('/api/v1/environments').send(body);
      expect(anonymous.status).toBe(401);
      expect(anonymous.body).toEqual(unauthorized);
    } finally {
      await small.close();
    }
  });

  test('is forbidden to an environment key', async () => {
    const env = await makeEnvironment(t.app);
    const key = await makeApiKey(t.app, env.id);
    const res = await request(t.app).post('/api/v1/environments').set(bearer(key)).send({ name: 'mine now' });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ error: { code: 'forbidden', message: 'Only the admin key can create environments' } });
  });
});

describe('authentication of /api/v1', () => {
  test.each([
    ['no Authorization header', {}],
    ['a wrong key', bearer('dsync_key_not-a-real-key')],
    ['the admin key under the Basic scheme', { Authorization: `Basic ${ADMIN_KEY}` }],
    ['an empty bearer', { Authorization: 'Bearer ' }],
  ])('answers %s with 401 and a Bearer challenge', async (_label, headers) => {
    const res = await request(t.app).get('/api/v1/environments').set(headers);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="dsync-admin"');
    expect(res.body).toEqual(unauthorized);
  });

  test('does not take the key from the query string, where it would be logged', async () => {
    const env = await makeEnvironment(t.app);
    const res = await request(t.app).get(`/api/v1/environments/${env.id}`).query({ access_token: ADMIN_KEY });
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="dsync-admin"');
    expect(res.body).toEqual(unauthorized);
  });

  test('answers an unknown route with a JSON 404 once authenticated', async () => {
    const res = await request(t.app).get('/api/v1/nothing-here').set(admin);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { code: 'not_found', message: 'No route GET /api/v1/nothing-here' } });
  });
});

describe('GET /api/v1/environments', () => {
  test('shows an environment key only its own environment', async () => {
    const env = await makeEnvironment(t.app);
    await makeEnvironment(t.app);
    const key = await makeApiKey(t.app, env.id);
    const res = await request(t.app).get('/api/v1/environments').set(bearer(key));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: [env], list_metadata: { after: null } });
  });

  test('pages the admin key through every environment with limit and the after cursor', async () => {
    // Other test files create environments concurrently, so walk from a marker of ours
    // and check that ours all come back once, in creation order, across several pages.
    const marker = await makeEnvironment(t.app);
    const mine: Record<string, unknown>[] = [];
    for (let i = 0; i < 7; i++) mine.push(await makeEnvironment(t.app));
    const seen: Record<string, unknown>[] = [];
    let after: string = marker.id;
    let pages = 0;
    // The page cap turns a cursor that does not advance into a failure, not a hang.
    while (pages < 20 && !seen.some((e) => e.id === mine[mine.length - 1].id)) {
      const res = await request(t.app).get('/api/v1/environments').query({ limit: 3, after }).set(admin);
      expect(res.status).toBe(200);
      const data = res.body.data as Record<string, unknown>[];
      expect(data.length).toBeGreaterThan(0);
      expect(data.length).toBeLessThanOrEqual(3);
      // A full page points past itself, unless it is the last (other files' environments may end it).
      if (data.length === 3) expect([data[2].id, null]).toContainEqual(res.body.list_metadata.after);
      else expect(res.body.list_metadata).toEqual({ after: null });
      seen.push(...data);
      pages++;
      if (res.body.list_metadata.after === null) break;
      after = res.body.list_metadata.after;
    }
    expect(pages).toBeGreaterThanOrEqual(3);
    const ids = seen.map((e) => e.id as string);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(seen.filter((e) => mine.some((m) => m.id === e.id))).toEqual(mine);
  });

  test('ends with a null cursor on the last page', async () => {
    const env = await makeEnvironment(t.app);
    const key = await makeApiKey(t.app, env.id);
    const res = await request(t.app).get('/api/v1/environments').query({ limit: 1 }).set(bearer(key));
    expect(res.body).toEqual({ data: [env], list_metadata: { after: null } });
  });

  test.each([
    ['0', 'Too small: expected number to be >=1'],
    ['101', 'Too big: expected number to be <=100'],
    ['abc', 'Invalid input: expected number, received NaN'],
    ['2.5', 'Invalid input: expected int, received number'],
  ])('refuses limit=%s', async (limit, message) => {
    const res = await request(t.app).get('/api/v1/environments').query({ limit }).set(admin);
    expect(res.status).toBe(400);
    expect(res.body).toEqual(invalid('limit', message));
  });

  test.each([['garbage'], ['directory_00000000000000000000000000'], ["env_' OR 1=1 --"]])(
    'refuses the cursor %s',
    async (after) => {
      const res = await request(t.app).get('/api/v1/environments').query({ after }).set(admin);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: { code: 'invalid_request', message: 'after is not a valid cursor' } });
    },
  );

  test('refuses an unknown query parameter', async () => {
    const res = await request(t.app).get('/api/v1/environments').query({ order: 'desc' }).set(admin);
    expect(res.status).toBe(400);
    expect(res.body).toEqual(invalid('order', 'Unrecognized key: "order"'));
  });
});

describe('GET /api/v1/environments/:id', () => {
  test('returns the environment as created', async () => {
    const env = await makeEnvironment(t.app, { inactive_policy: 'retain' });
    const res = await request(t.app).get(`/api/v1/environments/${env.id}`).set(admin);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(env);
  });

  test('lets an environment key read its own environment', async () => {
    const env = await makeEnvironment(t.app);
    const key = await makeApiKey(t.app, env.id);
    const res = await request(t.app).get(`/api/v1/environments/${env.id}`).set(bearer(key));
    expect(res.status).toBe(200);
    expect(res.body).toEqual(env);
  });

  test("answers another environment's id exactly as a nonexistent one", async () => {
    const env = await makeEnvironment(t.app);
    const other = await makeEnvironment(t.app);
    const key = await makeApiKey(t.app, env.id);
    for (const id of [other.id, MISSING_ENV, 'not-an-id']) {
      const res = await request(t.app).get(`/api/v1/environments/${id}`).set(bearer(key));
      expect(res.status).toBe(404);
      expect(res.body).toEqual(envNotFound);
    }
    const byAdmin = await request(t.app).get(`/api/v1/environments/${MISSING_ENV}`).set(admin);
    expect(byAdmin.status).toBe(404);
    expect(byAdmin.body).toEqual(envNotFound);
  });
});

describe('PATCH /api/v1/environments/:id', () => {
  test('renames the environment', async () => {
    const env = await makeEnvironment(t.app);
    const res = await request(t.app).patch(`/api/v1/environments/${env.id}`).set(admin).send({ name: 'Renamed' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ...env, name: 'Renamed', updated_at: ISO });
    expect(Date.parse(res.body.updated_at)).toBeGreaterThanOrEqual(Date.parse(res.body.created_at));
    const read = await request(t.app).get(`/api/v1/environments/${env.id}`).set(admin);
    expect(read.body).toEqual(res.body);
  });

  test('lets an environment key rename its own environment but not another', async () => {
    const env = await makeEnvironment(t.app);
    const other = await makeEnvironment(t.app);
    const key = await makeApiKey(t.app, env.id);
    const own = await request(t.app).patch(`/api/v1/environments/${env.id}`).set(bearer(key)).send({ name: 'Ours' });
    expect(own.status).toBe(200);
    expect(own.body).toEqual({ ...env, name: 'Ours', updated_at: ISO });
    const theirs = await request(t.app).patch(`/api/v1/environments/${other.id}`).set(bearer(key)).send({ name: 'Ours' });
    expect(theirs.status).toBe(404);
    expect(theirs.body).toEqual(envNotFound);
    const unchanged = await request(t.app).get(`/api/v1/environments/${other.id}`).set(admin);
    expect(unchanged.body).toEqual(other);
  });

  test('refuses a policy switch without a reason (test/lifecycle/policySwitch.test.ts has the rest), and unknown fields', async () => {
    const env = await makeEnvironment(t.app);
    const res = await request(t.app).patch(`/api/v1/environments/${env.id}`).set(admin).send({ inactive_policy: 'retain' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(invalid('reason', 'Required when inactive_policy is given'));
    const unknown = await request(t.app).patch(`/api/v1/environments/${env.id}`).set(admin).send({ colour: 'red' });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual(invalid('colour', 'Unrecognized key: "colour"'));
  });

  test('answers malformed JSON with 400', async () => {
    const env = await makeEnvironment(t.app);
    const res = await request(t.app)
      .patch(`/api/v1/environments/${env.id}`)
      .set(admin)
      .set('Content-Type', 'application/json')
      .send('{name: "unquoted"}');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: 'invalid_request', message: 'Request body is not valid JSON' } });
  });

  test('answers a nonexistent id with 404', async () => {
    const res = await request(t.app).patch(`/api/v1/environments/${MISSING_ENV}`).set(admin).send({ name: 'x' });
    expect(res.status).toBe(404);
    expect(res.body).toEqual(envNotFound);
  });
});
