import { contractRecorder } from '../support/contractCalls';
import { makeApiKey, makeDirectory, makeEnvironment } from '../support/factories';
import { USER_SCHEMA, scimClient } from '../support/scimClient';
import { TestApp, createTestApp } from '../support/testApp';
import { OWNED_TAGS, SHARED_HANDLER_STATUSES } from './ownership';

/** Drives the Activity operations through the real app and checks each response against openapi.yaml. */

let t: TestApp;
const { call, expectTagsCovered } = contractRecorder(() => t);
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

test('recordActivity: 200 with accepted and ignored, 400, 401', async () => {
  const env = await makeEnvironment(t.app);
  const key = await makeApiKey(t.app, env.id);
  const d = await makeDirectory(t.app, { environment_id: env.id });
  const foreign = await makeDirectory(t.app);
  expect((await scimClient(t.app, d).post('/Users', { schemas: [USER_SCHEMA], userName: 'ada@acme.test' })).status).toBe(201);
  const at = new Date().toISOString();
  const ok = await call('post', '/api/v1/activity', {
    key,
    body: {
      signals: [
        { directory_id: d.id, user: { user_name: 'ADA@acme.test' }, occurred_at: at, kind: 'sign_in' },
        { directory_id: d.id, user: { user_name: 'nobody@acme.test' }, occurred_at: at, kind: 'sign_in' },
        { directory_id: foreign.id, user: { user_name: 'ada@acme.test' }, occurred_at: at, kind: 'token' },
      ],
    },
  });
  expect([ok.status, ok.body]).toEqual([
    200,
    { accepted: 1, ignored: [{ index: 1, reason: 'unknown_user' }, { index: 2, reason: 'unknown_directory' }] },
  ]);
  const bad = await call('post', '/api/v1/activity', { key, body: { signals: [{ directory_id: d.id, user: {}, occurred_at: at, kind: 'sign_in' }] } });
  expect(bad.status).toBe(400);
  expect(bad.body.error.code).toBe('invalid_request');
  expect((await call('post', '/api/v1/activity', { key: null, body: { signals: [] } })).status).toBe(401);
});

// Runs last (Jest runs a file's tests in order).
test('every Activity operation was exercised with each documented status', () => {
  expectTagsCovered(OWNED_TAGS.activity, { sampledOnce: SHARED_HANDLER_STATUSES });
});
