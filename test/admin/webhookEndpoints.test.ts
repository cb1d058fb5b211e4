import { whereStored } from '../support/databaseScan';
import request from 'supertest';
import { resolveSecretsKey, secretBox } from '../../src/webhooks/secretBox';
import { makeApiKey, makeDirectory, makeEnvironment } from '../support/factories';
import { USER_SCHEMA, scimClient } from '../support/scimClient';
import { ADMIN_KEY, TestApp, createTestApp } from '../support/testApp';

let t: TestApp;
let open: TestApp; // WEBHOOK_ALLOW_PRIVATE_NETWORKS=true
beforeAll(async () => {
  t = await createTestApp();
  open = await createTestApp({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' });
});
afterAll(async () => {
  await Promise.all([t.close(), open.close()]);
});

const admin = { Authorization: `Bearer ${ADMIN_KEY}` };
const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
const HOOK_URL = 'https://hooks.example.com/dsync';
const notFound = (what: string) => ({ error: { code: 'not_found', message: `${what} not found` } });
const fieldError = (field: string, message: unknown) => ({
  error: {
    code: 'invalid_request',
    message: typeof message === 'string' ? `${field}: ${message}` : expect.stringMatching(new RegExp(`^${field}: .+`)),
    details: { errors: [{ field, message }] },
  },
});

async function createEndpoint(body: Record<string, unknown>, app: TestApp = t, auth = admin) {
  return request(app.app).post('/api/v1/webhook-endpoints').set(auth).send(body);
}

/** An endpoint's sealed secrets, current and previous, opened with the instance's key. */
async function storedSecrets(id: string): Promise<{ current: string; previous: string | null }> {
  const [row]: { secret_ciphertext: string; previous_secret_ciphertext: string | null }[] = await t.dataSource.query(
    `SELECT secret_ciphertext, previous_secret_ciphertext FROM webhook_endpoints WHERE id = $1`,
    [id],
  );
  const box = secretBox(await resolveSecretsKey(t.dataSource.manager, t.config.secretsKey));
  return { current: box.open(row.secret_ciphertext), previous: row.previous_secret_ciphertext && box.open(row.previous_secret_ciphertext) };
}

/** The sealed secret column of an endpoint, opened with the instance's key. */
async function storedSecret(id: string): Promise<{ sealed: string; opened: string }> {
  const [row]: { secret_ciphertext: string }[] = await t.dataSource.query(
    `SELECT secret_ciphertext FROM webhook_endpoints WHERE id = $1`,
    [id],
  );
  const box = secretBox(await resolveSecretsKey(t.dataSource.manager, t.config.secretsKey));
  return { sealed: row.secret_ciphertext, opened: box.open(row.secret_ciphertext) };
}


test('creation returns the endpoint with its secret once; later reads never show it, and it is stored sealed', async () => {
  const env = await makeEnvironment(t.app);
  const created = await createEndpoint({ environment_id: env.id, url: HOOK_URL, events: ['user.created', 'group.created'] });
  expect([created.status, created.body]).toEqual([
    201,
    {
      object: 'webhook_endpoint',
      id: expect.stringMatching(/^webhook_endpoint_[0-9A-HJKMNP-TV-Z]{26}$/),
      environment_id: env.id,
      url: HOOK_URL,
      events: ['user.created', 'group.created'],
      enabled: true,
      secret_prefix: created.body.secret.slice(0, 10),
      previous_secret_prefix: null,
      previous_secret_expires_at: null,
      disabled_reason: null,
      created_at: ISO,
      updated_at: created.body.created_at,
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9_-]{43}$/),
    },
  ]);
  const { secret, ...view } = created.body;
  const got = await request(t.app).get(`/api/v1/webhook-endpoints/${view.id}`).set(admin);
  expect([got.status, got.body]).toEqual([200, view]);
  const listed = await request(t.app).get(`/api/v1/webhook-endpoints?environment_id=${env.id}`).set(admin);
  expect(listed.body).toEqual({ data: [view], list_metadata: { after: null } });

  const stored = await storedSecret(view.id);
  expect(stored.opened).toBe(secret);
  expect(stored.sealed).toMatch(/^v1\./);
  // The scan works: it finds a value that is stored (the endpoint's id).
  expect(await whereStored(t.dataSource, view.id)).toContain('webhook_endpoints.id');
  expect(await whereStored(t.dataSource, secret.slice('whsec_'.length))).toEqual([]);
});

test('rotating keeps the old secret sealed beside the new one for the overlap (default 24 hours); PT0S forgets it at once', async () => {
  const env = await makeEnvironment(t.app);
  const { secret: first, ...endpoint } = (await createEndpoint({ environment_id: env.id, url: HOOK_URL })).body;
  const before = Date.now();
  const rotated = await request(t.app).post(`/api/v1/webhook-endpoints/${endpoint.id}/secret`).set(admin);
  expect([rotated.status, rotated.body]).toEqual([
    200,
    {
      ...endpoint,
      secret_prefix: rotated.body.secret.slice(0, 10),
      previous_secret_prefix: first.slice(0, 10),
      previous_secret_expires_at: ISO,
      updated_at: ISO,
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9_-]{43}$/),
    },
  ]);
  // 24 hours from the rotation, by the database's clock (a few seconds of skew allowed).
  const expiresIn = Date.parse(rotated.body.previous_secret_expires_at) - before;
  expect(Math.abs(expiresIn - 24 * 3600 * 1000)).toBeLessThan(60_000);
  expect(rotated.body.secret).not.toBe(first);
  expect(await storedSecrets(endpoint.id)).toEqual({ current: rotated.body.secret, previous: first });
  for (const secret of [first, rotated.body.secret]) {
    expect({ secret, hits: await whereStored(t.dataSource, secret.slice('whsec_'.length)) }).toEqual({ secret, hits: [] });
  }
  const { secret: second, ...rotatedView } = rotated.body;
  expect((await request(t.app).get(`/api/v1/webhook-endpoints/${endpoint.id}`).set(admin)).body).toEqual(rotatedView);

  const immediate = await request(t.app).post(`/api/v1/webhook-endpoints/${endpoint.id}/secret`).set(admin).send({ overlap: 'PT0S' });
  expect([immediate.status, immediate.body.previous_secret_prefix, immediate.body.previous_secret_expires_at]).toEqual([200, null, null]);
  expect(await storedSecrets(endpoint.id)).toEqual({ current: immediate.body.secret, previous: null });
  expect(immediate.body.secret).not.toBe(second);
});

test('an overlap that has run out shows as none, and a rotation during an overlap replaces the previous secret', async () => {
  const env = await makeEnvironment(t.app);
  const { secret: first, ...endpoint } = (await createEndpoint({ environment_id: env.id, url: HOOK_URL })).body;
  const path = `/api/v1/webhook-endpoints/${endpoint.id}`;
  const { secret: second } = (await request(t.app).post(`${path}/secret`).set(admin).send({ overlap: 'PT1H' })).body;
  const { secret: third, ...view } = (await request(t.app).post(`${path}/secret`).set(admin).send({ overlap: 'PT1H' })).body;
  expect(view.previous_secret_prefix).toBe(second.slice(0, 10));
  expect(await storedSecrets(endpoint.id)).toEqual({ current: third, previous: second });
  expect(first).not.toBe(second);

  // The hour passes (moved on the row rather than waited for).
  await t.dataSource.query(`UPDATE webhook_endpoints SET previous_secret_expires_at = now() - interval '1 second' WHERE id = $1`, [endpoint.id]);
  const got = await request(t.app).get(path).set(admin);
  expect(got.body).toEqual({ ...view, previous_secret_prefix: null, previous_secret_expires_at: null });
});

test('invalid bodies are refused with the field and the reason', async () => {
  const env = await makeEnvironment(t.app);
  const privateUrl = 'url must not point to a private, loopback or special-purpose address (WEBHOOK_ALLOW_PRIVATE_NETWORKS=true allows them)';
  const cases: { body: Record<string, unknown>; expected: unknown }[] = [
    { body: { url: 'not a url' }, expected: fieldError('url', 'url must be an absolute http(s) URL') },
    { body: { url: 'ftp://example.com/x' }, expected: fieldError('url', 'url must use http or https') },
    { body: { url: 'https://user:pw@example.com/' }, expected: fieldError('url', 'url must not contain credentials') },
    { body: { url: 'http://localhost:8080/hook' }, expected: fieldError('url', privateUrl) },
    { body: { url: 'http://api.localhost/hook' }, expected: fieldError('url', privateUrl) },
    { body: { url: 'http://127.0.0.1:9/hook' }, expected: fieldError('url', privateUrl) },
    { body: { url: 'http://2130706433/hook' }, expected: fieldError('url', privateUrl) },
    { body: { url: 'http://[::1]/hook' }, expected: fieldError('url', privateUrl) },
    { body: { url: 'http://192.168.1.5/hook' }, expected: fieldError('url', privateUrl) },
    { body: { url: 'http://169.254.169.254/latest/meta-data' }, expected: fieldError('url', privateUrl) },
    {
      body: { url: `https://example.com/${'x'.repeat(2029)}` },
      expected: fieldError('url', 'Too big: expected string to have <=2048 characters'),
    },
    { body: { url: '' }, expected: fieldError('url', expect.any(String)) },
    { body: { url: 42 }, expected: fieldError('url', expect.any(String)) },
    { body: { url: HOOK_URL, events: ['user.exploded'] }, expected: fieldError('events.0', expect.any(String)) },
    { body: { url: HOOK_URL, events: 'user.created' }, expected: fieldError('events', expect.any(String)) },
    { body: { url: HOOK_URL, enabled: 'yes' }, expected: fieldError('enabled', expect.any(String)) },
    { body: { url: HOOK_URL, secret: 'whsec_mine' }, expected: fieldError('secret', expect.any(String)) },
  ];
  for (const { body, expected } of cases) {
    const res = await createEndpoint({ environment_id: env.id, ...body });
    expect({ body, status: res.status, response: res.body }).toEqual({ body, status: 400, response: expected });
  }
  const missing = await createEndpoint({ environment_id: env.id });
  expect([missing.status, missing.body.error.details.errors]).toEqual([400, [{ field: 'url', message: expect.any(String) }]]);
  // Nothing was created by the refused requests.
  const listed = await request(t.app).get(`/api/v1/webhook-endpoints?environment_id=${env.id}`).set(admin);
  expect(listed.body).toEqual({ data: [], list_metadata: { after: null } });
});

test('loopback and private URLs are accepted when WEBHOOK_ALLOW_PRIVATE_NETWORKS=true', async () => {
  const env = await makeEnvironment(open.app);
  for (const url of ['http://127.0.0.1:9/hook', 'http://localhost:8080/hook', 'http://10.1.2.3/hook']) {
    const res = await createEndpoint({ environment_id: env.id, url }, open);
    expect([res.status, res.body.url]).toEqual([201, url]);
  }
  // Credentials and other schemes stay refused.
  const ftp = await createEndpoint({ environment_id: env.id, url: 'ftp://127.0.0.1/x' }, open);
  expect([ftp.status, ftp.body]).toEqual([400, fieldError('url', 'url must use http or https')]);
});

test('PATCH changes url, events and enabled; re-enabling clears the failing streak and disabled_reason', async () => {
  const env = await makeEnvironment(t.app);
  const { secret: _secret, ...endpoint } = (await createEndpoint({ environment_id: env.id, url: HOOK_URL })).body;
  const path = `/api/v1/webhook-endpoints/${endpoint.id}`;

  const unchanged = await request(t.app).patch(path).set(admin).send({ url: HOOK_URL, events: [] });
  expect([unchanged.status, unchanged.body]).toEqual([200, endpoint]);
  const refused = await request(t.app).patch(path).set(admin).send({ url: 'http://10.0.0.7/' });
  expect([refused.status, refused.body]).toEqual([400, fieldError('url', 'url must not point to a private, loopback or special-purpose address (WEBHOOK_ALLOW_PRIVATE_NETWORKS=true allows them)')]);
  const unknown = await request(t.app).patch(path).set(admin).send({ secret_prefix: 'whsec_abcd' });
  expect([unknown.status, unknown.body.error.details.errors]).toEqual([400, [{ field: 'secret_prefix', message: expect.any(String) }]]);

  const changed = await request(t.app).patch(path).set(admin).send({ url: 'https://b.example.com/in', events: ['user.deleted'] });
  expect([changed.status, changed.body]).toEqual([
    200,
    { ...endpoint, url: 'https://b.example.com/in', events: ['user.deleted'], updated_at: ISO },
  ]);

  // As the worker leaves an endpoint that failed for too long.
  await t.dataSource.query(
    `UPDATE webhook_endpoints SET enabled = false, failing_since = now() - interval '3 days',
            disabled_reason = 'every delivery failed for 72 hours' WHERE id = $1`,
    [endpoint.id],
  );
  const disabled = await request(t.app).get(path).set(admin);
  expect(disabled.body).toEqual({ ...changed.body, enabled: false, disabled_reason: 'every delivery failed for 72 hours' });
  const enabled = await request(t.app).patch(path).set(admin).send({ enabled: true });
  expect([enabled.status, enabled.body]).toEqual([200, { ...changed.body, enabled: true, disabled_reason: null, updated_at: ISO }]);
  const [row] = await t.dataSource.query(`SELECT failing_since FROM webhook_endpoints WHERE id = $1`, [endpoint.id]);
  expect(row).toEqual({ failing_since: null });
});

test('an environment key acts only on its environment; other tenants\' endpoints answer 404', async () => {
  const envA = await makeEnvironment(t.app);
  const envB = await makeEnvironment(t.app);
  const keyA = await makeApiKey(t.app, envA.id);
  const own = await createEndpoint({ environment_id: envA.id, url: HOOK_URL }, t, bearer(keyA));
  expect([own.status, own.body.environment_id]).toEqual([201, envA.id]);
  const { secret: _secret, ...foreign } = (await createEndpoint({ environment_id: envB.id, url: HOOK_URL })).body;

  const intoB = await createEndpoint({ environment_id: envB.id, url: HOOK_URL }, t, bearer(keyA));
  expect([intoB.status, intoB.body]).toEqual([404, notFound('Environment')]);
  const base = `/api/v1/webhook-endpoints/${foreign.id}`;
  const attempts = [
    request(t.app).get(base),
    request(t.app).patch(base).send({ enabled: false }),
    request(t.app).delete(base),
    request(t.app).post(`${base}/secret`),
    request(t.app).get(`${base}/deliveries`),
    request(t.app).post(`${base}/deliveries/delivery_1/retry`),
  ];
  for (const attempt of attempts) {
    const res = await attempt.set(bearer(keyA));
    expect([res.status, res.body]).toEqual([404, notFound('Webhook endpoint')]);
  }
  const listed = await request(t.app).get('/api/v1/webhook-endpoints?limit=100').set(bearer(keyA));
  expect(listed.body.data.map((e: { id: string }) => e.id)).toEqual([own.body.id]);
  // The foreign endpoint is untouched.
  expect((await request(t.app).get(base).set(admin)).body).toEqual(foreign);
});

describe('deliveries', () => {
  /** An environment with an endpoint for user.created only and one for every type, then three SCIM users. */
  async function withEvents() {
    const env = await makeEnvironment(t.app);
    const users = (await createEndpoint({ environment_id: env.id, url: HOOK_URL, events: ['user.created'] })).body;
    const all = (await createEndpoint({ environment_id: env.id, url: HOOK_URL })).body;
    const dir = await makeDirectory(t.app, { environment_id: env.id });
    const scim = scimClient(t.app, dir);
    for (const name of ['a', 'b', 'c']) {
      expect((await scim.post('/Users', { schemas: [USER_SCHEMA], userName: `${name}@acme.test` })).status).toBe(201);
    }
    // Listing events runs the sequencer, whose fan-out creates the deliveries.
    const events = (await request(t.app).get(`/api/v1/events?environment_id=${env.id}&limit=100`).set(admin)).body.data;
    expect(events.map((e: { type: string }) => e.type)).toEqual(['directory.activated', 'user.created', 'user.created', 'user.created']);
    return { env, users, all, events };
  }

  type Event = { id: string; type: string; position: number };
  const pending = (endpointId: string, e: Event) => ({
    object: 'webhook_delivery',
    id: expect.stringMatching(/^delivery_[1-9][0-9]*$/),
    endpoint_id: endpointId,
    event_id: e.id,
    event_type: e.type,
    event_position: e.position,
    status: 'pending',
    attempts: 0,
    last_status_code: null,
    last_error: null,
    next_attempt_at: ISO,
    created_at: ISO,
    updated_at: ISO,
    delivered_at: null,
  });

  type Delivery = { id: string; event_position: number };
  /** Deliveries in event order: one fan-out creates several at once, in no particular order among themselves. */
  const byPosition = (data: Delivery[]) => [...data].sort((a, b) => a.event_position - b.event_position);
  const rowIdOf = (d: Delivery) => BigInt(d.id.replace('delivery_', ''));
  const expectNewestFirst = (data: Delivery[]) => {
    const ids = data.map(rowIdOf);
    expect(ids).toEqual([...ids].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)));
    expect(new Set(ids).size).toBe(ids.length);
  };

  test('each endpoint gets a delivery per subscribed event, listed newest first with paging and a status filter', async () => {
    const { users, all, events } = await withEvents();
    const list = (id: string, query = '') =>
      request(t.app).get(`/api/v1/webhook-endpoints/${id}/deliveries${query}`).set(admin);
    const userDeliveries = await list(users.id);
    expect([userDeliveries.status, byPosition(userDeliveries.body.data), userDeliveries.body.list_metadata]).toEqual([
      200,
      events.slice(1).map((e: Event) => pending(users.id, e)),
      { after: null },
    ]);
    expectNewestFirst(userDeliveries.body.data);
    const allDeliveries = (await list(all.id, '?limit=100')).body.data;
    expect(byPosition(allDeliveries)).toEqual(events.map((e: Event) => pending(all.id, e)));
    expectNewestFirst(allDeliveries);

    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page: request.Response = await list(all.id, `?limit=3${after ? `&after=${after}` : ''}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.data.map((d: { id: string }) => d.id));
      after = page.body.list_metadata.after;
    } while (after);
    expect(seen).toEqual(allDeliveries.map((d: { id: string }) => d.id));

    const [newest] = allDeliveries;
    await t.dataSource.query(
      `UPDATE webhook_deliveries SET status = 'succeeded', attempts = 1, last_status_code = 204, delivered_at = now() WHERE id = $1`,
      [newest.id.replace('delivery_', '')],
    );
    const succeeded = await list(all.id, '?status=succeeded');
    expect(succeeded.body).toEqual({
      data: [{ ...newest, status: 'succeeded', attempts: 1, last_status_code: 204, next_attempt_at: null, delivered_at: ISO }],
      list_metadata: { after: null },
    });
    expect((await list(all.id, '?status=pending&limit=100')).body.data).toEqual(allDeliveries.slice(1));
  });

  test('retry makes a failed or succeeded delivery pending and due now, and refuses one being sent', async () => {
    const { users } = await withEvents();
    const [delivery] = (await request(t.app).get(`/api/v1/webhook-endpoints/${users.id}/deliveries`).set(admin)).body.data;
    const rowId = delivery.id.replace('delivery_', '');
    const path = `/api/v1/webhook-endpoints/${users.id}/deliveries/${delivery.id}/retry`;
    const due = async () =>
      (await t.dataSource.query(`SELECT next_attempt_at <= now() AS due, lease_expires_at FROM webhook_deliveries WHERE id = $1`, [rowId]))[0];

    await t.dataSource.query(
      `UPDATE webhook_deliveries SET status = 'failed', attempts = 12, last_status_code = 503, last_error = 'HTTP 503',
              next_attempt_at = now() + interval '1 day' WHERE id = $1`,
      [rowId],
    );
    const retried = await request(t.app).post(path).set(admin);
    expect([retried.status, retried.body]).toEqual([
      200,
      { ...delivery, attempts: 12, last_status_code: 503, last_error: 'HTTP 503', next_attempt_at: ISO, updated_at: ISO },
    ]);
    expect(await due()).toEqual({ due: true, lease_expires_at: null });

    await t.dataSource.query(
      `UPDATE webhook_deliveries SET status = 'delivering', lease_expires_at = now() + interval '1 minute' WHERE id = $1`,
      [rowId],
    );
    const busy = await request(t.app).post(path).set(admin);
    expect([busy.status, busy.body]).toEqual([
      409,
      { error: { code: 'conflict', message: 'The delivery is being sent now; retry it once this attempt is recorded' } },
    ]);

    // A lease that expired belongs to a worker that died: the delivery may be retried.
    await t.dataSource.query(`UPDATE webhook_deliveries SET lease_expires_at = now() - interval '1 second' WHERE id = $1`, [rowId]);
    const expired = await request(t.app).post(path).set(admin);
    expect([expired.status, expired.body.status]).toEqual([200, 'pending']);
    expect(await due()).toEqual({ due: true, lease_expires_at: null });

    // A succeeded delivery is sent again; when it last succeeded stays on record until then.
    await t.dataSource.query(
      `UPDATE webhook_deliveries SET status = 'succeeded', last_status_code = 200, last_error = NULL, delivered_at = now(),
              lease_expires_at = NULL WHERE id = $1`,
      [rowId],
    );
    const again = await request(t.app).post(path).set(admin);
    expect([again.status, again.body]).toEqual([
      200,
      { ...delivery, attempts: 12, last_status_code: 200, next_attempt_at: ISO, updated_at: ISO, delivered_at: ISO },
    ]);

    const unknown = await request(t.app).post(`/api/v1/webhook-endpoints/${users.id}/deliveries/delivery_999999999999/retry`).set(admin);
    expect([unknown.status, unknown.body]).toEqual([404, notFound('Delivery')]);
  });
});

test('create, update, rotate, ending an overlap and delete are audited, never with the secret', async () => {
  const env = await makeEnvironment(t.app);
  const key = await makeApiKey(t.app, env.id);
  const [{ id: keyId }] = (await request(t.app).get(`/api/v1/environments/${env.id}/api-keys`).set(admin)).body.data;
  const created = (await createEndpoint({ environment_id: env.id, url: HOOK_URL }, t, bearer(key))).body;
  const path = `/api/v1/webhook-endpoints/${created.id}`;
  expect((await request(t.app).patch(path).set(admin).send({ enabled: false, events: ['user.created'] })).status).toBe(200);
  const rotated = (await request(t.app).post(`${path}/secret`).set(admin)).body;
  expect((await request(t.app).delete(`${path}/previous-secret`).set(bearer(key))).status).toBe(200);
  expect((await request(t.app).delete(`${path}/previous-secret`).set(bearer(key))).status).toBe(200);
  expect((await request(t.app).delete(path).set(bearer(key))).status).toBe(204);

  const rows = await t.dataSource.query(
    `SELECT actor, action, target_type, target_id, details FROM audit_log
      WHERE environment_id = $1 AND target_type = 'webhook_endpoint' ORDER BY id`,
    [env.id],
  );
  expect(rows).toEqual([
    {
      actor: `api_key:${keyId}`,
      action: 'webhook_endpoint.created',
      target_type: 'webhook_endpoint',
      target_id: created.id,
      details: { url: HOOK_URL, events: [], enabled: true },
    },
    {
      actor: 'admin_key:ADMIN_API_KEY',
      action: 'webhook_endpoint.updated',
      target_type: 'webhook_endpoint',
      target_id: created.id,
      details: { events: { from: [], to: ['user.created'] }, enabled: { from: true, to: false } },
    },
    {
      actor: 'admin_key:ADMIN_API_KEY',
      action: 'webhook_endpoint.secret_rotated',
      target_type: 'webhook_endpoint',
      target_id: created.id,
      details: {
        from_prefix: created.secret_prefix,
        to_prefix: rotated.secret_prefix,
        overlap_seconds: 86400,
        previous_secret_expires_at: rotated.previous_secret_expires_at,
      },
    },
    // Once: ending an overlap that is already over changes nothing.
    {
      actor: `api_key:${keyId}`,
      action: 'webhook_endpoint.previous_secret_revoked',
      target_type: 'webhook_endpoint',
      target_id: created.id,
      details: { prefix: created.secret_prefix },
    },
    {
      actor: `api_key:${keyId}`,
      action: 'webhook_endpoint.deleted',
      target_type: 'webhook_endpoint',
      target_id: created.id,
      details: { url: HOOK_URL },
    },
  ]);
  expect(JSON.stringify(rows)).not.toContain(created.secret.slice(10));
  expect(JSON.stringify(rows)).not.toContain(rotated.secret.slice(10));
});
