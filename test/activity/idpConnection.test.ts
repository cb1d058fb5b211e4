import request from 'supertest';
import { buildApp } from '../../src/app';
import { createLogger } from '../../src/http/logger';
import { idpCallsFromConfig } from '../../src/activity/idp/idpCalls';
import { pullEntraSignIns } from '../../src/activity/idp/pullEntraSignIns';
import { makeApiKey, makeDirectory, makeEnvironment } from '../support/factories';
import { memoryLog } from '../support/memoryLog';
import { TestApp, createTestApp } from '../support/testApp';

/**
 * PUT/GET/DELETE /api/v1/directories/{id}/idp-connection: how dsync calls a directory's
 * IdP. Secrets are never shown, logged or stored in the clear; base URLs pass the
 * webhook URL policy when saved and again at every call.
 */

let t: TestApp; // private networks refused, as in production
let open: TestApp; // WEBHOOK_ALLOW_PRIVATE_NETWORKS=true
beforeAll(async () => {
  t = await createTestApp();
  open = await createTestApp({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' });
});
afterAll(async () => {
  await t.close();
  await open.close();
});

const OKTA_TOKEN = '00aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789-okta';
const ENTRA_SECRET = 'Qx8Q~entra.client-secret_0123456789abcdefgh';
const okta = { kind: 'okta', org_url: 'https://acme.okta.com/', api_token: OKTA_TOKEN, app_id: '0oa1b2c3d4e5F6g7h8' };
const entra = {
  kind: 'entra',
  tenant_id: 'acme.onmicrosoft.com',
  client_id: '11111111-2222-3333-4444-555555555555',
  client_secret: ENTRA_SECRET,
  service_principal_id: 'AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE',
};

async function setUp(app: TestApp = t) {
  const env = await makeEnvironment(app.app);
  const key = await makeApiKey(app.app, env.id);
  const d = await makeDirectory(app.app, { environment_id: env.id });
  const path = `/api/v1/directories/${d.id}/idp-connection`;
  const api = {
    put: (body: object) => request(app.app).put(path).set('Authorization', `Bearer ${key}`).send(body),
    get: () => request(app.app).get(path).set('Authorization', `Bearer ${key}`),
    delete: () => request(app.app).delete(path).set('Authorization', `Bearer ${key}`),
  };
  return { env, key, d, api };
}

test('PUT creates and replaces it, GET shows it without secrets, DELETE removes it', async () => {
  const { d, api } = await setUp();
  expect((await api.get()).status).toBe(404);
  const created = await api.put(okta);
  expect([created.status, created.body]).toEqual([
    200,
    {
      object: 'idp_connection',
      directory_id: d.id,
      kind: 'okta',
      org_url: 'https://acme.okta.com',
      app_id: '0oa1b2c3d4e5F6g7h8',
      created_at: expect.any(String),
      updated_at: expect.any(String),
    },
  ]);
  expect((await api.get()).body).toEqual(created.body);

  const replaced = await api.put(entra);
  expect([replaced.status, replaced.body]).toEqual([
    200,
    {
      object: 'idp_connection',
      directory_id: d.id,
      kind: 'entra',
      tenant_id: 'acme.onmicrosoft.com',
      client_id: '11111111-2222-3333-4444-555555555555',
      service_principal_id: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
      graph_url: 'https://graph.microsoft.com',
      login_url: 'https://login.microsoftonline.com',
      created_at: created.body.created_at,
      updated_at: expect.any(String),
    },
  ]);
  const national = await api.put({ ...entra, graph_url: 'https://graph.microsoft.us', login_url: 'https://login.microsoftonline.us' });
  expect(national.body).toMatchObject({ graph_url: 'https://graph.microsoft.us', login_url: 'https://login.microsoftonline.us' });

  expect((await api.delete()).status).toBe(204);
  expect((await api.get()).status).toBe(404);
  expect((await api.delete()).status).toBe(404);
  const audit = await t.dataSource.query(`SELECT action FROM audit_log WHERE target_id = $1 AND action LIKE 'directory.idp_connection%' ORDER BY id`, [d.id]);
  expect(audit.map((a: { action: string }) => a.action)).toEqual([
    'directory.idp_connection_created',
    'directory.idp_connection_updated',
    'directory.idp_connection_updated',
    'directory.idp_connection_deleted',
  ]);
});

test('secrets are stored sealed, never in the audit log, and never logged, even when a request fails', async () => {
  const log = memoryLog();
  const app = buildApp({ dataSource: t.dataSource, config: t.config, logger: createLogger('trace', log.stream) });
  const env = await makeEnvironment(app);
  const key = await makeApiKey(app, env.id);
  const d = await makeDirectory(app, { environment_id: env.id });
  const put = (body: object) => request(app).put(`/api/v1/directories/${d.id}/idp-connection`).set('Authorization', `Bearer ${key}`).send(body);
  expect((await put(okta)).status).toBe(200);
  expect((await put({ ...okta, org_url: 'not a url' })).status).toBe(400);
  expect((await put({ ...entra, client_id: 'nope' })).status).toBe(400);
  expect((await put(entra)).status).toBe(200);
  const [row] = await t.dataSource.query(`SELECT * FROM idp_connections WHERE directory_id = $1`, [d.id]);
  expect(row.secret_ciphertext).toMatch(/^v1\./);
  const stored = JSON.stringify(row) + JSON.stringify(await t.dataSource.query(`SELECT * FROM audit_log WHERE target_id = $1`, [d.id]));
  expect(log.text()).toContain(d.id);
  for (const secret of [OKTA_TOKEN, ENTRA_SECRET]) {
    expect(stored).not.toContain(secret);
    expect(log.text()).not.toContain(secret);
  }
});

test.each([
  ['an unknown kind', { ...okta, kind: 'onelogin' }],
  ['no kind', { org_url: okta.org_url, api_token: OKTA_TOKEN, app_id: okta.app_id }],
  ['a missing api_token', { kind: 'okta', org_url: okta.org_url, app_id: okta.app_id }],
  ['an empty api_token', { ...okta, api_token: '' }],
  ['an app_id that would change the path', { ...okta, app_id: '0oa1/../../users' }],
  ['an org_url that is not a URL', { ...okta, org_url: 'acme.okta.com' }],
  ['an org_url of another scheme', { ...okta, org_url: 'ftp://acme.okta.com' }],
  ['an org_url with credentials', { ...okta, org_url: 'https://me:pw@acme.okta.com' }],
  ['an org_url with a query', { ...okta, org_url: 'https://acme.okta.com/?x=1' }],
  ['an org_url over plain http', { ...okta, org_url: 'http://acme.okta.com' }],
  ['a login_url over plain http', { ...entra, login_url: 'http://login.microsoftonline.com' }],
  ['an Entra field on Okta', { ...okta, tenant_id: 'acme' }],
  ['a client_id that is not a GUID', { ...entra, client_id: 'acme-app' }],
  ['a service_principal_id that is not a GUID', { ...entra, service_principal_id: '42' }],
  ['a tenant_id with a slash', { ...entra, tenant_id: 'acme/../common' }],
  ['a graph_url that is not a URL', { ...entra, graph_url: 'graph' }],
  ['an unknown field', { ...entra, region: 'eu' }],
])('%s is a 400 and stores nothing', async (_name, body) => {
  const { api } = await setUp();
  const res = await api.put(body);
  expect([res.status, res.body.error.code]).toEqual([400, 'invalid_request']);
  expect((await api.get()).status).toBe(404);
});

test.each([
  ['org_url', { ...okta, org_url: 'http://127.0.0.1:8080' }],
  ['org_url', { ...okta, org_url: 'https://localhost' }],
  ['graph_url', { ...entra, graph_url: 'http://10.1.2.3' }],
  ['login_url', { ...entra, login_url: 'http://[::1]:9000' }],
])('a private %s is refused unless WEBHOOK_ALLOW_PRIVATE_NETWORKS', async (field, body) => {
  const { api } = await setUp();
  const message = `${field} must not point to a private, loopback or special-purpose address (WEBHOOK_ALLOW_PRIVATE_NETWORKS=true allows them)`;
  const res = await api.put(body);
  expect([res.status, res.body]).toEqual([400, { error: { code: 'invalid_request', message: `${field}: ${message}`, details: { errors: [{ field, message }] } } }]);
  expect((await (await setUp(open)).api.put(body)).status).toBe(200);
});

test('the policy is checked again at every call: a connection saved while private networks were allowed is refused by a process that refuses them', async () => {
  const { key, d, api } = await setUp(open);
  expect((await api.put({ ...entra, graph_url: 'http://127.0.0.1:9', login_url: 'http://127.0.0.1:9' })).status).toBe(200);
  const calls = idpCallsFromConfig(t.config);
  const env = (await t.dataSource.query(`SELECT environment_id FROM directories WHERE id = $1`, [d.id]))[0].environment_id;
  const pulled = pullEntraSignIns(t.dataSource, { kind: 'environment', keyId: key, environmentId: env }, d.id, calls, new Date());
  await expect(pulled).rejects.toMatchObject({
    code: 'idp_unavailable',
    message: expect.stringContaining('Refused to call http://127.0.0.1:9: must not point to a private, loopback or special-purpose address (WEBHOOK_ALLOW_PRIVATE_NETWORKS=true allows them)'),
  });
});

test('unassign needs a connection; a connection the rule uses cannot be deleted (409)', async () => {
  const { d, key, api } = await setUp();
  const rule = (body: object) => request(t.app).put(`/api/v1/directories/${d.id}/idle-rule`).set('Authorization', `Bearer ${key}`).send(body);
  expect((await rule({ after: 'P30D', action: 'unassign' })).status).toBe(400);
  expect((await api.put(okta)).status).toBe(200);
  expect((await rule({ after: 'P30D', action: 'unassign' })).status).toBe(200);
  const refused = await api.delete();
  expect([refused.status, refused.body.error.code]).toEqual([409, 'conflict']);
  expect((await api.get()).status).toBe(200);
  expect((await rule({ after: 'P30D', action: 'notify' })).status).toBe(200);
  expect((await api.delete()).status).toBe(204);
});

test("another environment's directory is 404 on every IdP endpoint", async () => {
  const { d } = await setUp();
  const other = await makeApiKey(t.app, (await makeEnvironment(t.app)).id);
  const as = (r: request.Test) => r.set('Authorization', `Bearer ${other}`);
  const base = `/api/v1/directories/${d.id}`;
  for (const res of [
    await as(request(t.app).put(`${base}/idp-connection`)).send(okta),
    await as(request(t.app).get(`${base}/idp-connection`)),
    await as(request(t.app).delete(`${base}/idp-connection`)),
    await as(request(t.app).post(`${base}/okta-event-hook`)),
  ]) {
    expect([res.status, res.body.error?.code]).toEqual([404, 'not_found']);
  }
  expect(await t.dataSource.query(`SELECT 1 FROM idp_connections WHERE directory_id = $1`, [d.id])).toEqual([]);
});
