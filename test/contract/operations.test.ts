import { contractRecorder } from '../support/contractCalls';
import { TestApp, createTestApp } from '../support/testApp';
import { OWNED_TAGS, SHARED_HANDLER_STATUSES } from './ownership';

/**
 * Drives the Operations endpoints (/healthz, /readyz, /metrics) through the real app and
 * checks each response against openapi.yaml, and samples once the statuses every
 * operation shares (413, 415, 500); the last test proves all of them were reached.
 */

let t: TestApp;
let small: TestApp; // BODY_LIMIT=1kb
let guarded: TestApp; // METRICS_TOKEN set
let down: TestApp; // its database connection is closed
const METRICS_TOKEN = 'metrics-token-0123456789';
const { call, expectTagsCovered } = contractRecorder(() => t);

beforeAll(async () => {
  t = await createTestApp();
  small = await createTestApp({ BODY_LIMIT: '1kb' });
  guarded = await createTestApp({ METRICS_TOKEN });
  down = await createTestApp();
  await down.close();
});
afterAll(async () => {
  await Promise.all([t.close(), small.close(), guarded.close()]);
});

describe('operational endpoints', () => {
  test('getHealth: 200', async () => {
    const res = await call('get', '/healthz', { key: null });
    expect([res.status, res.body]).toEqual([200, { status: 'ok' }]);
  });

  test('getReadiness: 200 when migrated, 503 when the database is unreachable', async () => {
    const ready = await call('get', '/readyz', { key: null });
    expect([ready.status, ready.body]).toEqual([200, { ready: true, database: 'ok', pending_migrations: [] }]);
    const unready = await call('get', '/readyz', { key: null, app: down });
    expect([unready.status, unready.body]).toEqual([
      503,
      { ready: false, database: 'unreachable', pending_migrations: [] },
    ]);
  });

  test('getMetrics: 200 text, and 401 when METRICS_TOKEN is set and not given', async () => {
    const open = await call('get', '/metrics', { key: null });
    expect(open.status).toBe(200);
    expect(open.text).toContain('# TYPE dsync_http_requests_total counter');
    const refused = await call('get', '/metrics', { key: null, app: guarded });
    expect([refused.status, refused.body]).toEqual([
      401,
      { error: { code: 'unauthorized', message: 'Missing or invalid metrics token' } },
    ]);
    const allowed = await call('get', '/metrics', { key: METRICS_TOKEN, app: guarded });
    expect(allowed.status).toBe(200);
  });
});

describe('statuses every operation shares, sampled on one operation each', () => {
  test('a body over BODY_LIMIT is a 413 and an unsupported charset a 415 (createEnvironment)', async () => {
    const large = await call('post', '/api/v1/environments', { app: small, body: { name: 'x'.repeat(2000) } });
    expect([large.status, large.body]).toEqual([
      413,
      { error: { code: 'payload_too_large', message: 'Request body exceeds the limit of 1024 bytes' } },
    ]);

    const latin1 = await call('post', '/api/v1/environments', {
      raw: '{"name":"x"}',
      contentType: 'application/json; charset=latin1',
    });
    expect([latin1.status, latin1.body]).toEqual([
      415,
      { error: { code: 'unsupported_media_type', message: 'Unsupported body charset or encoding' } },
    ]);
  });

  test('an unexpected failure is a 500 with the request id', async () => {
    const res = await call('get', '/api/v1/environments', { app: down });
    expect([res.status, res.body]).toEqual([
      500,
      { error: { code: 'internal_error', message: 'Internal server error', request_id: res.headers['x-request-id'] } },
    ]);
  });
});

// Runs last (Jest runs a file's tests in order).
test('every Operations endpoint and each shared status sample was exercised', () => {
  // getReadiness and getMetrics document 500 too; like every operation's, it is the shared handler's, sampled above.
  expectTagsCovered(OWNED_TAGS.operations, {
    sampledOnce: SHARED_HANDLER_STATUSES,
    samples: ['createEnvironment 413', 'createEnvironment 415', 'listEnvironments 500'],
  });
});
