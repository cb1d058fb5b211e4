import request from 'supertest';
import { IdpCalls, idpCallsFromConfig } from '../../src/activity/idp/idpCalls';
import { runIdleScan } from '../../src/activity/runIdleScan';
import { FakeGraph, startFakeGraph } from '../support/fakeGraph';
import { makeApiKey, makeDirectory, makeEnvironment } from '../support/factories';
import { USER_SCHEMA, scimClient } from '../support/scimClient';
import { TestApp, createTestApp } from '../support/testApp';

/**
 * Entra sign-ins, pulled: before each idle scan of a directory with an Entra connection,
 * every user's lastSignInDateTime is read from (a fake of) Microsoft Graph, page by page,
 * throttling honoured, and recorded as sign-ins of the matching people. Waits are
 * injected (`sleep`), never slept; the token's expiry is judged by an injected clock.
 */

const APP = { tenantId: 'acme.onmicrosoft.com', clientId: '11111111-2222-3333-4444-555555555555', clientSecret: 'entra-secret-for-tests' };
const SP = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY);

let t: TestApp;
let graph: FakeGraph;
beforeAll(async () => {
  t = await createTestApp({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' });
  graph = await startFakeGraph(APP, { pageSize: 2 });
});
afterAll(async () => {
  await graph.close();
  await t.close();
});

async function setUp() {
  const env = await makeEnvironment(t.app, { inactive_policy: 'retain' });
  const key = await makeApiKey(t.app, env.id);
  const d = await makeDirectory(t.app, { environment_id: env.id, provider: 'entra' });
  const api = (method: 'put' | 'post', path: string, body?: object) =>
    request(t.app)[method](`/api/v1/directories/${d.id}${path}`).set('Authorization', `Bearer ${key}`).send(body);
  const connected = await api('put', '/idp-connection', {
    kind: 'entra',
    tenant_id: APP.tenantId,
    client_id: APP.clientId,
    client_secret: APP.clientSecret,
    service_principal_id: SP,
    graph_url: graph.url,
    login_url: graph.url,
  });
  expect(connected.status).toBe(200);
  const c = scimClient(t.app, d);
  const person = async (userName: string, externalId: string) => {
    const res = await c.post('/Users', { schemas: [USER_SCHEMA], userName, externalId, active: true });
    expect(res.status).toBe(201);
    await t.dataSource.query(`UPDATE directory_users SET created_at = $2 WHERE scim_user_id = $1`, [res.body.id, ago(90)]);
    const [du] = await t.dataSource.query(`SELECT id FROM directory_users WHERE scim_user_id = $1`, [res.body.id]);
    return { scimId: res.body.id as string, id: du.id as string };
  };
  const rule = async () => {
    expect((await api('put', '/idle-rule', { after: 'P30D', action: 'notify' })).status).toBe(200);
    await t.dataSource.query(`UPDATE idle_rules SET enabled_at = $2 WHERE directory_id = $1`, [d.id, ago(80)]);
  };
  const slept: number[] = [];
  const calls = (over: Partial<IdpCalls> = {}) => idpCallsFromConfig(t.config, { sleep: async (ms) => void slept.push(ms), ...over });
  const actor = { kind: 'environment' as const, keyId: 'test', environmentId: env.id };
  const lastSeen = async (scimId: string) =>
    ((await t.dataSource.query(`SELECT last_seen_at FROM person_activity WHERE scim_user_id = $1`, [scimId]))[0]?.last_seen_at as Date | undefined)?.toISOString();
  return { d, api, person, rule, slept, calls, actor, lastSeen };
}

function graphUsers(...users: { id?: string; upn: string; at?: Date | null }[]) {
  graph.users.splice(0, graph.users.length, ...users.map((u) => ({ id: u.id ?? graph.newUserId(), userPrincipalName: u.upn, lastSignInDateTime: u.at === undefined ? undefined : u.at?.toISOString() ?? null })));
}

test('every page is read (following @odata.nextLink, waiting out a 429), each sign-in lands on the person by userPrincipalName or object id, and the scan sees them', async () => {
  const { d, person, rule, slept, calls, actor, lastSeen } = await setUp();
  const bobObjectId = graph.newUserId();
  const ada = await person('Ada@Acme.test', 'ada-nickname');
  const bob = await person('bob@acme.test', bobObjectId);
  const carol = await person('carol@acme.test', 'carol');
  const dave = await person('dave@acme.test', 'dave');
  await rule();
  graphUsers(
    { upn: 'ada@ACME.test', at: ago(2) },
    { upn: 'erin@acme.test', at: ago(1) }, // not in the directory
    { id: bobObjectId, upn: 'robert@acme.test', at: ago(3) },
    { upn: 'carol@acme.test', at: null }, // never signed in
    { upn: 'dave@acme.test', at: ago(100) },
  );
  graph.throttleNext('7');
  const before = graph.requests.length;
  const results = await runIdleScan(t.dataSource, actor, d.id, { idp: calls() });

  expect(slept).toEqual([7000]);
  const seen = graph.requests.slice(before).map((r) => `${r.method} ${r.path.replace(/^\/v1\.0/, '')} ${r.status}`);
  expect(seen).toEqual([
    `POST /${APP.tenantId}/oauth2/v2.0/token 200`,
    'GET /users?$select=id,userPrincipalName,signInActivity 429',
    'GET /users?$select=id,userPrincipalName,signInActivity 200',
    'GET /users?$select=id,userPrincipalName,signInActivity&$skiptoken=2 200',
    'GET /users?$select=id,userPrincipalName,signInActivity&$skiptoken=4 200',
  ]);
  expect(await lastSeen(ada.scimId)).toBe(graph.users[0].lastSignInDateTime);
  expect(await lastSeen(bob.scimId)).toBe(graph.users[2].lastSignInDateTime);
  expect(await lastSeen(carol.scimId)).toBeUndefined();
  expect(await lastSeen(dave.scimId)).toBe(graph.users[4].lastSignInDateTime);
  // Ada and Bob signed in lately: only Carol (never) and Dave (100 days ago) are idle.
  expect(new Set(results)).toEqual(
    new Set([
      { directory_user_id: carol.id, action: 'notify', result: 'flagged' },
      { directory_user_id: dave.id, action: 'notify', result: 'flagged' },
    ]),
  );
});

test('the token is cached until shortly before it expires', async () => {
  const { d, rule, calls, actor } = await setUp();
  await rule();
  graphUsers({ upn: 'ada@acme.test', at: ago(1) });
  const tokens = graph.tokenRequests();
  const clock = { now: Date.now() };
  const idp = calls({ now: () => new Date(clock.now) });
  await runIdleScan(t.dataSource, actor, d.id, { idp });
  await runIdleScan(t.dataSource, actor, d.id, { idp });
  expect(graph.tokenRequests()).toBe(tokens + 1);
  // The fake's tokens live 3599 s; one is not used in its last minute.
  clock.now += 3539_000 - 1;
  await runIdleScan(t.dataSource, actor, d.id, { idp });
  expect(graph.tokenRequests()).toBe(tokens + 1);
  clock.now += 2;
  await runIdleScan(t.dataSource, actor, d.id, { idp });
  expect(graph.tokenRequests()).toBe(tokens + 2);
});

test('a directory without an idle rule, or without an Entra connection, is not pulled', async () => {
  const { d, calls, actor } = await setUp();
  const before = graph.requests.length;
  expect(await runIdleScan(t.dataSource, actor, d.id, { idp: calls() })).toEqual([]);
  expect(graph.requests.length).toBe(before);
});

test('a pull that fails fails the scan (502 idp_unavailable): nobody is flagged on sign-ins that could not be read', async () => {
  const { d, api, person, rule } = await setUp();
  const ada = await person('ada@acme.test', 'ada');
  await rule();
  graphUsers({ upn: 'ada@acme.test', at: ago(1) });
  graph.failNext('GET', 403);
  const res = await api('post', '/idle-scan');
  expect([res.status, res.body]).toEqual([
    502,
    { error: { code: 'idp_unavailable', message: 'Microsoft Graph sign-in activity could not be read: HTTP 403: Insufficient privileges to complete the operation.' } },
  ]);
  expect(await t.dataSource.query(`SELECT idle_since FROM person_activity WHERE scim_user_id = $1`, [ada.scimId])).toEqual([]);
  // The next scan reads it and flags nobody.
  expect((await api('post', '/idle-scan')).body).toEqual({ data: [] });
});

test('a wrong client secret, and a nextLink leading away from the Graph URL, fail the pull', async () => {
  const { d, api, rule, calls, actor } = await setUp();
  await rule();
  graphUsers({ upn: 'a@acme.test', at: ago(1) }, { upn: 'b@acme.test', at: ago(1) }, { upn: 'c@acme.test', at: ago(1) });
  graph.settings.nextLinkOrigin = 'http://127.0.0.2:9';
  try {
    await expect(runIdleScan(t.dataSource, actor, d.id, { idp: calls() })).rejects.toMatchObject({
      code: 'idp_unavailable',
      message: `Microsoft Graph's @odata.nextLink leads away from ${graph.url}`,
    });
  } finally {
    graph.settings.nextLinkOrigin = '';
  }
  const wrong = await api('put', '/idp-connection', {
    kind: 'entra',
    tenant_id: APP.tenantId,
    client_id: APP.clientId,
    client_secret: 'not-the-secret',
    service_principal_id: SP,
    graph_url: graph.url,
    login_url: graph.url,
  });
  expect(wrong.status).toBe(200);
  await expect(runIdleScan(t.dataSource, actor, d.id, { idp: calls() })).rejects.toMatchObject({
    code: 'idp_unavailable',
    message: expect.stringContaining('token request failed: HTTP 401: AADSTS7000215: Invalid client secret provided.'),
  });
});
