import { Client } from 'pg';
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

test('idle rules: set, get, clear, preview and scan with each documented status', async () => {
  const env = await makeEnvironment(t.app);
  const key = await makeApiKey(t.app, env.id);
  const d = await makeDirectory(t.app, { environment_id: env.id });
  const foreign = await makeDirectory(t.app);
  const base = `/api/v1/directories/${d.id}`;
  expect((await call('get', `${base}/idle-rule`, { key })).status).toBe(404);
  expect((await call('get', `${base}/idle-users`, { key })).status).toBe(404);
  const set = await call('put', `${base}/idle-rule`, { key, body: { after: 'P30D', action: 'notify', warn_before: 'P7D' } });
  expect(set.status).toBe(200);
  expect((await call('put', `${base}/idle-rule`, { key, body: { after: 'P1M', action: 'notify' } })).status).toBe(400);
  expect((await call('put', `/api/v1/directories/${foreign.id}/idle-rule`, { key, body: { after: 'P7D', action: 'notify' } })).status).toBe(404);
  expect((await call('put', `${base}/idle-rule`, { key: null, body: { after: 'P7D', action: 'notify' } })).status).toBe(401);
  expect((await call('get', `${base}/idle-rule`, { key })).body).toEqual(set.body);
  expect((await call('get', `${base}/idle-rule`, { key: null })).status).toBe(401);
  expect((await call('get', `${base}/idle-users?limit=5`, { key })).body).toEqual({ data: [], list_metadata: { after: null } });
  expect((await call('get', `${base}/idle-users?as_of=tomorrow`, { key })).status).toBe(400);
  expect((await call('get', `${base}/idle-users`, { key: null })).status).toBe(401);
  expect((await call('post', `${base}/idle-scan`, { key })).body).toEqual({ data: [] });
  expect((await call('post', `/api/v1/directories/${foreign.id}/idle-scan`, { key })).status).toBe(404);
  expect((await call('post', `${base}/idle-scan`, { key: null })).status).toBe(401);
  // A scan holding the directory: the advisory lock src/activity/runIdleScan.ts takes.
  const other = new Client({ connectionString: process.env.DATABASE_URL });
  await other.connect();
  try {
    await other.query(`SELECT pg_advisory_lock(7301, hashtext($1))`, [d.id]);
    expect((await call('post', `${base}/idle-scan`, { key })).status).toBe(409);
  } finally {
    await other.end();
  }
  // A directory whose Entra sign-ins cannot be read is not scanned: 502. (`.invalid`
  // never resolves, RFC 6761 §6.4, so the call fails without leaving the machine.)
  const entra = {
    kind: 'entra',
    tenant_id: 'acme.onmicrosoft.com',
    client_id: '11111111-2222-3333-4444-555555555555',
    client_secret: 'entra-secret',
    service_principal_id: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
    graph_url: 'https://graph.dsync.invalid',
    login_url: 'https://login.dsync.invalid',
  };
  expect((await call('put', `${base}/idp-connection`, { key, body: entra })).status).toBe(200);
  const unavailable = await call('post', `${base}/idle-scan`, { key });
  expect([unavailable.status, unavailable.body.error.code]).toEqual([502, 'idp_unavailable']);
  expect((await call('delete', `${base}/idle-rule`, { key })).status).toBe(204);
  expect((await call('delete', `${base}/idle-rule`, { key })).status).toBe(404);
  expect((await call('delete', `${base}/idle-rule`, { key: null })).status).toBe(401);
});

// Runs last (Jest runs a file's tests in order).
test('every Activity and Idle rules operation was exercised with each documented status', () => {
  expectTagsCovered(OWNED_TAGS.activity, { sampledOnce: SHARED_HANDLER_STATUSES });
});
