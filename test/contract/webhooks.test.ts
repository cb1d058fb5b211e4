import request from 'supertest';
import { ISO, contractRecorder, notFound, unauthorized } from '../support/contractCalls';
import { makeApiKey, makeDirectory, makeEnvironment } from '../support/factories';
import { ADMIN_KEY, TestApp, createTestApp } from '../support/testApp';
import { OWNED_TAGS } from './ownership';

/**
 * Drives every Webhooks operation through the real app, checks each response against
 * openapi.yaml, and proves at the end that every documented status was reached.
 */

const MISSING_ENDPOINT = `webhook_endpoint_${'0'.repeat(26)}`;
const HOOK_URL = 'https://hooks.example.com/dsync';

let t: TestApp;
let small: TestApp; // BODY_LIMIT=1kb
const { call, expectTagsCovered } = contractRecorder(() => t);
beforeAll(async () => {
  t = await createTestApp();
  small = await createTestApp({ BODY_LIMIT: '1kb' });
});
afterAll(async () => {
  await Promise.all([t.close(), small.close()]);
});

const fieldError = (field: string, message: unknown = expect.any(String)) => ({
  error: {
    code: 'invalid_request',
    message: expect.stringMatching(new RegExp(`^${field.replace('.', '\\.')}: `)),
    details: { errors: [{ field, message }] },
  },
});

/** Two environments: A with an environment key, B that the key must not see, and an endpoint in each. */
async function tenants() {
  const envA = await makeEnvironment(t.app);
  const envB = await makeEnvironment(t.app);
  const keyA = await makeApiKey(t.app, envA.id);
  const create = async (environment_id: string) => {
    const res = await request(t.app)
      .post('/api/v1/webhook-endpoints')
      .set('Authorization', `Bearer ${ADMIN_KEY}`)
      .send({ environment_id, url: HOOK_URL });
    expect(res.status).toBe(201);
    const { secret: _secret, ...endpoint } = res.body;
    return endpoint;
  };
  return { envA, envB, keyA, endpointA: await create(envA.id), endpointB: await create(envB.id) };
}

test('createWebhookEndpoint: 201, 400, 401, 404, 413, 415', async () => {
  const { envA, envB, keyA } = await tenants();
  const created = await call('post', '/api/v1/webhook-endpoints', {
    key: keyA,
    body: { environment_id: envA.id, url: 'HTTPS://Hooks.Example.com', events: ['user.created', 'user.created'] },
  });
  expect([created.status, created.body]).toEqual([
    201,
    {
      object: 'webhook_endpoint',
      id: expect.stringMatching(/^webhook_endpoint_[0-9A-Z]{26}$/),
      environment_id: envA.id,
      url: 'https://hooks.example.com/',
      events: ['user.created'],
      enabled: true,
      secret_prefix: created.body.secret.slice(0, 10),
      previous_secret_prefix: null,
      previous_secret_expires_at: null,
      disabled_reason: null,
      created_at: ISO,
      updated_at: ISO,
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9_-]{43}$/),
    },
  ]);
  const refused = await call('post', '/api/v1/webhook-endpoints', {
    body: { environment_id: envA.id, url: 'http://10.0.0.1/hook' },
  });
  expect([refused.status, refused.body]).toEqual([
    400,
    fieldError('url', 'url must not point to a private, loopback or special-purpose address (WEBHOOK_ALLOW_PRIVATE_NETWORKS=true allows them)'),
  ]);
  const other = await call('post', '/api/v1/webhook-endpoints', { key: keyA, body: { environment_id: envB.id, url: HOOK_URL } });
  expect([other.status, other.body]).toEqual([404, notFound('Environment')]);
  const anonymous = await call('post', '/api/v1/webhook-endpoints', { key: null, body: { environment_id: envA.id, url: HOOK_URL } });
  expect([anonymous.status, anonymous.body]).toEqual([401, unauthorized]);
  const large = await call('post', '/api/v1/webhook-endpoints', {
    app: small,
    body: { environment_id: envA.id, url: `${HOOK_URL}?${'x'.repeat(2000)}` },
  });
  expect([large.status, large.body]).toEqual([
    413,
    { error: { code: 'payload_too_large', message: 'Request body exceeds the limit of 1024 bytes' } },
  ]);
  const latin1 = await call('post', '/api/v1/webhook-endpoints', {
    raw: JSON.stringify({ environment_id: envA.id, url: HOOK_URL }),
    contentType: 'application/json; charset=latin1',
  });
  expect([latin1.status, latin1.body]).toEqual([
    415,
    { error: { code: 'unsupported_media_type', message: 'Unsupported body charset or encoding' } },
  ]);
});

test('listWebhookEndpoints: 200 scoped to the key with paging, 400, 401, 404', async () => {
  const { envA, envB, keyA, endpointA } = await tenants();
  const own = await call('get', '/api/v1/webhook-endpoints', { key: keyA });
  expect([own.status, own.body]).toEqual([200, { data: [endpointA], list_metadata: { after: null } }]);
  const second = (await call('post', '/api/v1/webhook-endpoints', { body: { environment_id: envA.id, url: HOOK_URL } })).body;
  const first = await call('get', `/api/v1/webhook-endpoints?environment_id=${envA.id}&limit=1`);
  expect(first.body).toEqual({ data: [endpointA], list_metadata: { after: endpointA.id } });
  const next = await call('get', `/api/v1/webhook-endpoints?environment_id=${envA.id}&after=${endpointA.id}`);
  const { secret: _secret, ...secondView } = second;
  expect(next.body).toEqual({ data: [secondView], list_metadata: { after: null } });
  const bad = await call('get', `/api/v1/webhook-endpoints?after=${envA.id}`);
  expect([bad.status, bad.body]).toEqual([400, { error: { code: 'invalid_request', message: 'after is not a valid cursor' } }]);
  const hidden = await call('get', `/api/v1/webhook-endpoints?environment_id=${envB.id}`, { key: keyA });
  expect([hidden.status, hidden.body]).toEqual([404, notFound('Environment')]);
  expect((await call('get', '/api/v1/webhook-endpoints', { key: null })).status).toBe(401);
});

test('getWebhookEndpoint: 200, 401, 404 (also for another tenant)', async () => {
  const { keyA, endpointA, endpointB } = await tenants();
  const got = await call('get', `/api/v1/webhook-endpoints/${endpointA.id}`, { key: keyA });
  expect([got.status, got.body]).toEqual([200, endpointA]);
  const hidden = await call('get', `/api/v1/webhook-endpoints/${endpointB.id}`, { key: keyA });
  expect([hidden.status, hidden.body]).toEqual([404, notFound('Webhook endpoint')]);
  const malformed = await call('get', '/api/v1/webhook-endpoints/nope');
  expect([malformed.status, malformed.body]).toEqual([404, notFound('Webhook endpoint')]);
  expect((await call('get', `/api/v1/webhook-endpoints/${endpointA.id}`, { key: null })).status).toBe(401);
});

test('updateWebhookEndpoint: 200, 400, 401, 404, 413, 415', async () => {
  const { keyA, endpointA, endpointB } = await tenants();
  const path = `/api/v1/webhook-endpoints/${endpointA.id}`;
  const updated = await call('patch', path, {
    key: keyA,
    body: { url: 'https://other.example.com/x', events: ['group.created'], enabled: false },
  });
  expect([updated.status, updated.body]).toEqual([
    200,
    { ...endpointA, url: 'https://other.example.com/x', events: ['group.created'], enabled: false, updated_at: ISO },
  ]);
  const bad = await call('patch', `/api/v1/webhook-endpoints/${MISSING_ENDPOINT}`, { body: { events: ['user.exploded'] } });
  expect([bad.status, bad.body]).toEqual([400, fieldError('events.0')]);
  const hidden = await call('patch', `/api/v1/webhook-endpoints/${endpointB.id}`, { key: keyA, body: { enabled: false } });
  expect([hidden.status, hidden.body]).toEqual([404, notFound('Webhook endpoint')]);
  expect((await call('patch', path, { key: null, body: {} })).status).toBe(401);
  const large = await call('patch', path, { app: small, body: { url: `${HOOK_URL}?${'x'.repeat(2000)}` } });
  expect(large.status).toBe(413);
  const latin1 = await call('patch', path, { raw: '{}', contentType: 'application/json; charset=latin1' });
  expect(latin1.status).toBe(415);
});

test('deleteWebhookEndpoint: 204 with no body, then 404; 401', async () => {
  const { keyA, endpointA, endpointB } = await tenants();
  const path = `/api/v1/webhook-endpoints/${endpointA.id}`;
  expect((await call('delete', path, { key: null })).status).toBe(401);
  const hidden = await call('delete', `/api/v1/webhook-endpoints/${endpointB.id}`, { key: keyA });
  expect([hidden.status, hidden.body]).toEqual([404, notFound('Webhook endpoint')]);
  const deleted = await call('delete', path, { key: keyA });
  expect([deleted.status, deleted.text]).toEqual([204, '']);
  const again = await call('delete', path);
  expect([again.status, again.body]).toEqual([404, notFound('Webhook endpoint')]);
});

test('rotateWebhookEndpointSecret: 200 with a new secret and the old one overlapping, 400, 401, 404, 413, 415', async () => {
  const { keyA, endpointA, endpointB } = await tenants();
  const path = `/api/v1/webhook-endpoints/${endpointA.id}/secret`;
  const rotated = await call('post', path, { key: keyA });
  expect([rotated.status, rotated.body]).toEqual([
    200,
    {
      ...endpointA,
      secret_prefix: rotated.body.secret.slice(0, 10),
      previous_secret_prefix: endpointA.secret_prefix,
      previous_secret_expires_at: ISO,
      updated_at: ISO,
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9_-]{43}$/),
    },
  ]);
  const unending = await call('post', path, { body: { overlap: 'P1M' } });
  expect([unending.status, unending.body]).toEqual([
    400,
    fieldError('overlap', 'must be an ISO 8601 duration of weeks, days, hours, minutes or seconds, like PT24H or PT0S'),
  ]);
  const tooLong = await call('post', path, { body: { overlap: 'P8D' } });
  expect([tooLong.status, tooLong.body]).toEqual([400, fieldError('overlap', 'must be at most P7D (one week)')]);
  const hidden = await call('post', `/api/v1/webhook-endpoints/${endpointB.id}/secret`, { key: keyA });
  expect([hidden.status, hidden.body]).toEqual([404, notFound('Webhook endpoint')]);
  expect((await call('post', path, { key: null })).status).toBe(401);
  const large = await call('post', path, { app: small, body: { overlap: `PT${'1'.repeat(2000)}S` } });
  expect(large.status).toBe(413);
  const latin1 = await call('post', path, { raw: '{}', contentType: 'application/json; charset=latin1' });
  expect(latin1.status).toBe(415);
});

test('endWebhookSecretOverlap: 200 without the previous secret, also when there was none; 401, 404', async () => {
  const { keyA, endpointA, endpointB } = await tenants();
  const { secret: _secret, ...rotated } = (await call('post', `/api/v1/webhook-endpoints/${endpointA.id}/secret`, { body: { overlap: 'PT1H' } })).body;
  const path = `/api/v1/webhook-endpoints/${endpointA.id}/previous-secret`;
  const ended = await call('delete', path, { key: keyA });
  expect([ended.status, ended.body]).toEqual([
    200,
    { ...rotated, previous_secret_prefix: null, previous_secret_expires_at: null, updated_at: ISO },
  ]);
  const again = await call('delete', path);
  expect([again.status, again.body]).toEqual([200, ended.body]);
  const hidden = await call('delete', `/api/v1/webhook-endpoints/${endpointB.id}/previous-secret`, { key: keyA });
  expect([hidden.status, hidden.body]).toEqual([404, notFound('Webhook endpoint')]);
  expect((await call('delete', path, { key: null })).status).toBe(401);
});

describe('deliveries', () => {
  /** An endpoint of environment A with one delivery: the directory.activated event of a new directory. */
  async function delivered() {
    const { envA, keyA, endpointA, endpointB } = await tenants();
    const dir = await makeDirectory(t.app, { environment_id: envA.id });
    // Listing events runs the sequencer, whose fan-out creates the deliveries.
    const events = await request(t.app).get(`/api/v1/events?directory_id=${dir.id}`).set('Authorization', `Bearer ${ADMIN_KEY}`);
    expect(events.body.data.map((e: { type: string }) => e.type)).toEqual(['directory.activated']);
    return { keyA, endpointA, endpointB, event: events.body.data[0] };
  }

  test('listWebhookDeliveries: 200, 400, 401, 404', async () => {
    const { keyA, endpointA, endpointB, event } = await delivered();
    const path = `/api/v1/webhook-endpoints/${endpointA.id}/deliveries`;
    const listed = await call('get', path, { key: keyA });
    expect([listed.status, listed.body]).toEqual([
      200,
      {
        data: [
          {
            object: 'webhook_delivery',
            id: expect.stringMatching(/^delivery_\d+$/),
            endpoint_id: endpointA.id,
            event_id: event.id,
            event_type: 'directory.activated',
            event_position: event.position,
            status: 'pending',
            attempts: 0,
            last_status_code: null,
            last_error: null,
            next_attempt_at: ISO,
            created_at: ISO,
            updated_at: ISO,
            delivered_at: null,
          },
        ],
        list_metadata: { after: null },
      },
    ]);
    const bad = await call('get', `${path}?status=lost`);
    expect([bad.status, bad.body]).toEqual([400, fieldError('status')]);
    const badCursor = await call('get', `${path}?after=${endpointA.id}`);
    expect([badCursor.status, badCursor.body]).toEqual([
      400,
      { error: { code: 'invalid_request', message: 'after is not a valid cursor' } },
    ]);
    const hidden = await call('get', `/api/v1/webhook-endpoints/${endpointB.id}/deliveries`, { key: keyA });
    expect([hidden.status, hidden.body]).toEqual([404, notFound('Webhook endpoint')]);
    expect((await call('get', path, { key: null })).status).toBe(401);
  });

  test('retryWebhookDelivery: 200, 401, 404, 409', async () => {
    const { keyA, endpointA, endpointB } = await delivered();
    const [delivery] = (await call('get', `/api/v1/webhook-endpoints/${endpointA.id}/deliveries`)).body.data;
    const rowId = delivery.id.replace('delivery_', '');
    await t.dataSource.query(
      `UPDATE webhook_deliveries SET status = 'failed', attempts = 12, last_status_code = 500, last_error = 'HTTP 500' WHERE id = $1`,
      [rowId],
    );
    const path = `/api/v1/webhook-endpoints/${endpointA.id}/deliveries/${delivery.id}/retry`;
    const retried = await call('post', path, { key: keyA });
    expect([retried.status, retried.body]).toEqual([
      200,
      { ...delivery, attempts: 12, last_status_code: 500, last_error: 'HTTP 500', next_attempt_at: ISO, updated_at: ISO },
    ]);

    await t.dataSource.query(
      `UPDATE webhook_deliveries SET status = 'delivering', lease_expires_at = now() + interval '1 minute' WHERE id = $1`,
      [rowId],
    );
    const busy = await call('post', path);
    expect([busy.status, busy.body]).toEqual([
      409,
      { error: { code: 'conflict', message: 'The delivery is being sent now; retry it once this attempt is recorded' } },
    ]);

    const otherEndpoint = await call('post', `/api/v1/webhook-endpoints/${endpointB.id}/deliveries/${delivery.id}/retry`);
    expect([otherEndpoint.status, otherEndpoint.body]).toEqual([404, notFound('Delivery')]);
    const hidden = await call('post', `/api/v1/webhook-endpoints/${endpointB.id}/deliveries/${delivery.id}/retry`, { key: keyA });
    expect([hidden.status, hidden.body]).toEqual([404, notFound('Webhook endpoint')]);
    const malformed = await call('post', `/api/v1/webhook-endpoints/${endpointA.id}/deliveries/nope/retry`);
    expect([malformed.status, malformed.body]).toEqual([404, notFound('Delivery')]);
    expect((await call('post', path, { key: null })).status).toBe(401);
  });
});

// Runs last (Jest runs a file's tests in order).
test('every Webhooks operation was exercised with each documented status', () => {
  // Unlike the other tags', the Webhooks writes must reach 413 and 415 themselves; only 500 is sampled once.
  const expected = expectTagsCovered(OWNED_TAGS.webhooks, { sampledOnce: ['500'] });
  expect(expected.length).toBeGreaterThan(20);
});
