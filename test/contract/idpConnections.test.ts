import request from 'supertest';
import { contractRecorder, notFound } from '../support/contractCalls';
import { makeApiKey, makeDirectory, makeEnvironment } from '../support/factories';
import { assertMatchesContract, requestBodyErrors } from '../support/openapi';
import { TestApp, createTestApp } from '../support/testApp';
import { OWNED_TAGS, SHARED_HANDLER_STATUSES } from './ownership';

/**
 * Drives the IdP connections operations — the connection dsync calls, the Okta event
 * hook secret, and the hook URL Okta calls — through the real app and checks each
 * response against openapi.yaml.
 */

let t: TestApp;
const { call, exercised, expectTagsCovered } = contractRecorder(() => t);
beforeAll(async () => {
  t = await createTestApp({ BODY_LIMIT: '8kb' });
});
afterAll(() => t.close());

const okta = { kind: 'okta', org_url: 'https://acme.okta.com', api_token: 'okta-token', app_id: '0oa1b2c3' };
const entra = {
  kind: 'entra',
  tenant_id: 'acme.onmicrosoft.com',
  client_id: '11111111-2222-3333-4444-555555555555',
  client_secret: 'entra-secret',
  service_principal_id: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
};

/** A request to the hook URL, which takes the hook secret rather than an API key; recorded like `call`. */
async function hook(req: request.Test, method: 'get' | 'post', path: string) {
  const res = await req;
  const m = assertMatchesContract(res, method, path);
  exercised.add(`${m.operationId} ${m.status}`);
  return res;
}

test('the documented request bodies are the accepted ones', () => {
  const path = '/api/v1/directories/directory_01J00000000000000000000000/idp-connection';
  expect(requestBodyErrors('put', path, okta)).toEqual([]);
  expect(requestBodyErrors('put', path, entra)).toEqual([]);
  expect(requestBodyErrors('put', path, { ...entra, graph_url: 'https://graph.microsoft.us', login_url: 'https://login.microsoftonline.us' })).toEqual([]);
  expect(requestBodyErrors('put', path, { ...okta, tenant_id: 'x' })).not.toEqual([]);
  expect(requestBodyErrors('put', path, { ...entra, client_id: 'x' })).not.toEqual([]);
  expect(requestBodyErrors('put', path, { kind: 'onelogin' })).not.toEqual([]);
});

test('set, get and delete the connection with each documented status', async () => {
  const env = await makeEnvironment(t.app);
  const key = await makeApiKey(t.app, env.id);
  const d = await makeDirectory(t.app, { environment_id: env.id });
  const foreign = await makeDirectory(t.app);
  const path = `/api/v1/directories/${d.id}/idp-connection`;
  expect((await call('get', path, { key })).status).toBe(404);
  expect((await call('delete', path, { key })).status).toBe(404);
  expect((await call('put', path, { key, body: okta })).status).toBe(200);
  expect((await call('put', path, { key, body: entra })).body).toMatchObject({ kind: 'entra', graph_url: 'https://graph.microsoft.com' });
  expect((await call('put', path, { key, body: { ...okta, org_url: 'http://10.0.0.1' } })).status).toBe(400);
  expect((await call('put', `/api/v1/directories/${foreign.id}/idp-connection`, { key, body: okta })).body).toEqual(notFound('Directory'));
  expect((await call('put', path, { key: null, body: okta })).status).toBe(401);
  expect((await call('get', path, { key })).body).toMatchObject({ object: 'idp_connection', kind: 'entra' });
  expect((await call('get', path, { key: null })).status).toBe(401);
  expect((await call('put', `/api/v1/directories/${d.id}/idle-rule`, { key, body: { after: 'P30D', action: 'unassign' } })).status).toBe(200);
  expect((await call('delete', path, { key })).status).toBe(409);
  expect((await call('delete', `/api/v1/directories/${d.id}/idle-rule`, { key })).status).toBe(204);
  expect((await call('delete', path, { key: null })).status).toBe(401);
  expect((await call('delete', path, { key })).status).toBe(204);
  expect((await call('get', path, { key })).body).toEqual(notFound('IdP connection'));
});

test('the Okta event hook: its secret, the verification and deliveries with each documented status', async () => {
  const env = await makeEnvironment(t.app);
  const key = await makeApiKey(t.app, env.id);
  const d = await makeDirectory(t.app, { environment_id: env.id });
  const foreign = await makeDirectory(t.app);
  const create = `/api/v1/directories/${d.id}/okta-event-hook`;
  expect((await call('post', `/api/v1/directories/${foreign.id}/okta-event-hook`, { key })).status).toBe(404);
  expect((await call('post', create, { key: null })).status).toBe(401);
  const { header_value: secret } = (await call('post', create, { key })).body;

  const path = `/hooks/okta/${d.id}`;
  const get = () => request(t.app).get(path);
  const post = () => request(t.app).post(path);
  expect((await hook(get().set('Authorization', secret).set('X-Okta-Verification-Challenge', 'abc'), 'get', path)).body).toEqual({ verification: 'abc' });
  expect((await hook(get().set('Authorization', secret), 'get', path)).status).toBe(400);
  expect((await hook(get().set('X-Okta-Verification-Challenge', 'abc'), 'get', path)).status).toBe(401);
  const events = { data: { events: [{ eventType: 'user.session.start', published: new Date().toISOString(), actor: { id: '00u1', alternateId: 'a@acme.test' } }] } };
  expect((await hook(post().set('Authorization', secret).send(events), 'post', path)).body).toEqual({ accepted: 0, ignored: 1 });
  expect((await hook(post().set('Authorization', secret).send({ events: [] }), 'post', path)).status).toBe(400);
  expect((await hook(post().set('Authorization', 'wrong').send(events), 'post', path)).status).toBe(401);
  expect((await hook(post().set('Authorization', secret).send({ data: { events: [{ pad: 'x'.repeat(10_000) }] } }), 'post', path)).status).toBe(413);
  expect((await hook(post().set('Authorization', secret).set('Content-Type', 'text/plain').send('x'), 'post', path)).status).toBe(415);
});

// Runs last (Jest runs a file's tests in order).
test('every IdP connections operation was exercised with each documented status', () => {
  expectTagsCovered(OWNED_TAGS.idpConnections, { sampledOnce: SHARED_HANDLER_STATUSES });
});
