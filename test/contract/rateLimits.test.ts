import request from 'supertest';
import { makeDirectory } from '../support/factories';
import { contractRecorder, notFound, twoTenants } from '../support/contractCalls';
import { ADMIN_KEY, TestApp, createTestApp } from '../support/testApp';
import { OWNED_TAGS, SHARED_HANDLER_STATUSES } from './ownership';

/**
 * Drives every Rate limits operation through the real app and checks each response
 * against openapi.yaml; samples once the 429 that every /api/v1 operation shares (the
 * rate limiter); the last test proves every documented status was reached.
 */

let t: TestApp;
let limited: TestApp; // RATE_LIMITS=on
const { call, expectTagsCovered } = contractRecorder(() => t);
beforeAll(async () => {
  t = await createTestApp();
  limited = await createTestApp({ RATE_LIMITS: 'on' });
});
afterAll(async () => {
  await Promise.all([t.close(), limited.close()]);
});

const forbidden = { error: { code: 'forbidden', message: 'Only the admin key can change rate limits' } };
const SCIM_DEFAULT = { object: 'rate_limit', requests_per_second: 100, burst: 200, source: 'default' };
const KEY_DEFAULT = { object: 'rate_limit', requests_per_second: 50, burst: 100, source: 'default' };

test("a directory's rate limit: get, set, reset; 400, 401, 403, 404", async () => {
  const { envA, envB, keyA } = await twoTenants(t.app);
  const dir = await makeDirectory(t.app, { environment_id: envA.id });
  const other = await makeDirectory(t.app, { environment_id: envB.id });
  const path = `/api/v1/directories/${dir.id}/rate-limit`;

  expect([(await call('get', path, { key: keyA })).body]).toEqual([SCIM_DEFAULT]);
  const set = await call('put', path, { body: { requests_per_second: 2.5, burst: 10 } });
  expect([set.status, set.body]).toEqual([200, { object: 'rate_limit', requests_per_second: 2.5, burst: 10, source: 'custom' }]);
  expect((await call('get', path, { key: keyA })).body).toEqual(set.body);
  const audit = await t.dataSource.query(
    `SELECT action, details FROM audit_log WHERE target_id = $1 AND action = 'directory.rate_limit_updated'`,
    [dir.id],
  );
  expect(audit).toEqual([{ action: 'directory.rate_limit_updated', details: { from: SCIM_DEFAULT, to: set.body } }]);

  const refused = await call('put', path, { key: keyA, body: { requests_per_second: 1000, burst: 2000 } });
  expect([refused.status, refused.body]).toEqual([403, forbidden]);
  expect((await call('delete', path, { key: keyA })).status).toBe(403);
  for (const body of [{ requests_per_second: 0, burst: 1 }, { requests_per_second: 1, burst: 1.5 }, { requests_per_second: 1 }, { burst: 1, x: 1, requests_per_second: 1 }]) {
    expect((await call('put', path, { body })).status).toBe(400);
  }
  expect((await call('get', `/api/v1/directories/${other.id}/rate-limit`, { key: keyA })).body).toEqual(notFound('Directory'));
  expect((await call('put', `/api/v1/directories/${other.id}/rate-limit`, { key: keyA, body: { requests_per_second: 1, burst: 1 } })).body).toEqual(
    notFound('Directory'),
  );
  expect((await call('delete', `/api/v1/directories/${other.id}/rate-limit`, { key: keyA })).status).toBe(404);
  for (const m of ['get', 'put', 'delete'] as const) expect((await call(m, path, { key: null })).status).toBe(401);

  const reset = await call('delete', path);
  expect([reset.status, reset.body]).toEqual([200, SCIM_DEFAULT]);
});

test("an API key's rate limit: get, set, reset; 400, 401, 403, 404", async () => {
  const { envA, envB, keyA } = await twoTenants(t.app);
  const created = await request(t.app).post(`/api/v1/environments/${envA.id}/api-keys`).set('Authorization', `Bearer ${ADMIN_KEY}`).send({});
  const path = `/api/v1/environments/${envA.id}/api-keys/${created.body.id}/rate-limit`;

  expect((await call('get', path, { key: keyA })).body).toEqual(KEY_DEFAULT);
  const set = await call('put', path, { body: { requests_per_second: 5, burst: 5 } });
  expect([set.status, set.body]).toEqual([200, { object: 'rate_limit', requests_per_second: 5, burst: 5, source: 'custom' }]);
  expect([(await call('put', path, { key: keyA, body: { requests_per_second: 500, burst: 500 } })).body]).toEqual([forbidden]);
  expect((await call('delete', path, { key: keyA })).status).toBe(403);
  expect((await call('put', path, { body: { requests_per_second: -1, burst: 5 } })).status).toBe(400);
  const foreign = `/api/v1/environments/${envB.id}/api-keys/${created.body.id}/rate-limit`;
  expect((await call('get', foreign, { key: keyA })).body).toEqual(notFound('Environment'));
  expect((await call('put', foreign, { key: keyA, body: { requests_per_second: 1, burst: 1 } })).status).toBe(404);
  expect((await call('delete', foreign, { key: keyA })).status).toBe(404);
  expect((await call('get', `/api/v1/environments/${envA.id}/api-keys/key_01M99EJGK9GJDQM4983HPYZ3PC/rate-limit`)).body).toEqual(notFound('API key'));
  for (const m of ['get', 'put', 'delete'] as const) expect((await call(m, path, { key: null })).status).toBe(401);
  expect([(await call('delete', path)).body]).toEqual([KEY_DEFAULT]);
});

test('a key over its budget gets 429 with Retry-After on any operation (sampled on getDirectory)', async () => {
  const { envA } = await twoTenants(t.app);
  const dir = await makeDirectory(t.app, { environment_id: envA.id });
  const created = await request(t.app).post(`/api/v1/environments/${envA.id}/api-keys`).set('Authorization', `Bearer ${ADMIN_KEY}`).send({});
  await call('put', `/api/v1/environments/${envA.id}/api-keys/${created.body.id}/rate-limit`, { body: { requests_per_second: 0.001, burst: 1 } });
  const first = await call('get', `/api/v1/directories/${dir.id}`, { key: created.body.key, app: limited });
  const second = await call('get', `/api/v1/directories/${dir.id}`, { key: created.body.key, app: limited });
  expect([first.status, second.status, second.body.error.code, Number(second.headers['retry-after']) > 0]).toEqual([200, 429, 'rate_limited', true]);
});

// Runs last (Jest runs a file's tests in order).
test('every Rate limits operation was exercised with each documented status, and 429 was sampled', () => {
  expectTagsCovered(OWNED_TAGS.rateLimits, { sampledOnce: SHARED_HANDLER_STATUSES, samples: ['getDirectory 429'] });
});
