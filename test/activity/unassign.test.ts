import request from 'supertest';
import { attemptUnassign } from '../../src/activity/idp/attemptUnassign';
import { idpCallsFromConfig } from '../../src/activity/idp/idpCalls';
import { runIdleScan } from '../../src/activity/runIdleScan';
import { eventsSince, markEvents } from '../support/events';
import { FakeGraph, startFakeGraph } from '../support/fakeGraph';
import { FakeOkta, startFakeOkta } from '../support/fakeOkta';
import { makeApiKey, makeDirectory, makeEnvironment } from '../support/factories';
import { USER_SCHEMA, scimClient } from '../support/scimClient';
import { TestApp, createTestApp } from '../support/testApp';

/**
 * The idle rule's `unassign` action: the scan flags the person and queues the IdP call in
 * its transaction; each attempt is the idp_unassign task, run here directly (as the job
 * runner would, one job at a time, taking the job off the queue first) against fakes of
 * Okta and Microsoft Graph. Retries, their limit and their backoff; a removal that
 * succeeded is never sent again; every call and the final failure are audited.
 */

const OKTA_TOKEN = 'okta-api-token-for-tests-0123456789';
const APP_ID = '0oaDSYNC123';
const ENTRA = { tenantId: 'acme.onmicrosoft.com', clientId: '11111111-2222-3333-4444-555555555555', clientSecret: 'entra-secret-for-tests' };
const SP = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY);

let t: TestApp;
let okta: FakeOkta;
let graph: FakeGraph;
beforeAll(async () => {
  t = await createTestApp({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true', IDP_RETRY_BASE_SECONDS: '3' });
  okta = await startFakeOkta(OKTA_TOKEN);
  graph = await startFakeGraph(ENTRA);
});
afterAll(async () => {
  await okta.close();
  await graph.close();
  await t.close();
});

async function setUp(kind: 'okta' | 'entra' = 'okta') {
  const env = await makeEnvironment(t.app, { inactive_policy: 'retain' });
  const key = await makeApiKey(t.app, env.id);
  const d = await makeDirectory(t.app, { environment_id: env.id, provider: kind });
  const api = (method: 'put' | 'get', path: string, body?: object) =>
    request(t.app)[method](`/api/v1${path}`).set('Authorization', `Bearer ${key}`).send(body);
  const connection =
    kind === 'okta'
      ? { kind, org_url: okta.url, api_token: OKTA_TOKEN, app_id: APP_ID }
      : { kind, tenant_id: ENTRA.tenantId, client_id: ENTRA.clientId, client_secret: ENTRA.clientSecret, service_principal_id: SP, graph_url: graph.url, login_url: graph.url };
  expect((await api('put', `/directories/${d.id}/idp-connection`, connection)).status).toBe(200);
  const c = scimClient(t.app, d);
  const person = async (userName: string, externalId: string) => {
    const res = await c.post('/Users', { schemas: [USER_SCHEMA], userName, externalId, active: true });
    expect(res.status).toBe(201);
    await t.dataSource.query(`UPDATE directory_users SET created_at = $2 WHERE scim_user_id = $1`, [res.body.id, ago(90)]);
    const [du] = await t.dataSource.query(`SELECT id FROM directory_users WHERE scim_user_id = $1`, [res.body.id]);
    return { scimId: res.body.id as string, id: du.id as string };
  };
  const flag = async () => {
    expect((await api('put', `/directories/${d.id}/idle-rule`, { after: 'P30D', action: 'unassign' })).status).toBe(200);
    await t.dataSource.query(`UPDATE idle_rules SET enabled_at = $2 WHERE directory_id = $1`, [d.id, ago(80)]);
    return runIdleScan(t.dataSource, { kind: 'environment', keyId: 'test', environmentId: env.id }, d.id, { idp: idpCallsFromConfig(t.config) });
  };
  const calls = idpCallsFromConfig(t.config);
  /** Takes the person's queued attempt off the queue and runs it, as the job runner would. */
  const attempt = async (scimId: string) => {
    const [job] = await t.dataSource.query(`SELECT payload FROM graphile_worker.remove_job($1)`, [`idp_unassign:${scimId}`]);
    if (!job?.payload) return 'nothing queued';
    return attemptUnassign(t.dataSource, calls, job.payload, { retryBaseSeconds: t.config.idp.retryBaseSeconds });
  };
  const idleAction = async (directoryUserId: string) => (await api('get', `/directory-users/${directoryUserId}`)).body.idle_action;
  const audits = async (directoryUserId: string) =>
    (await t.dataSource.query(`SELECT action, reason, details FROM audit_log WHERE target_id = $1 AND action LIKE 'directory_user.id%' ORDER BY id`, [directoryUserId])) as {
      action: string;
      reason: string;
      details: { request?: { method: string; url: string }; response?: { status: number | null; error: string | null } };
    }[];
  return { d, key, person, flag, attempt, idleAction, audits };
}

test('Okta: failing twice then succeeding sends exactly one successful DELETE, with backoff between attempts; a later run does nothing', async () => {
  const { d, person, flag, attempt, idleAction, audits } = await setUp('okta');
  const ada = await person('ada@acme.test', '00u1ada');
  okta.assign(APP_ID, '00u1ada');
  okta.failNext([500, 503]);
  const mark = await markEvents(t.dataSource, d.id);
  expect(await flag()).toEqual([{ directory_user_id: ada.id, action: 'unassign', result: 'flagged' }]);
  expect(await idleAction(ada.id)).toEqual({ action: 'unassign', status: 'pending', attempts: 0, last_error: null });
  expect((await eventsSince(t.dataSource, mark)).map((e) => e.type)).toEqual(['user.idle']);
  const before = okta.requests.length;

  expect(await attempt(ada.scimId)).toEqual({ outcome: 'retrying', attempts: 1, retryInSeconds: 3 });
  expect(await idleAction(ada.id)).toEqual({ action: 'unassign', status: 'pending', attempts: 1, last_error: 'HTTP 500: Internal Server Error' });
  expect(await attempt(ada.scimId)).toEqual({ outcome: 'retrying', attempts: 2, retryInSeconds: 6 });
  expect(await attempt(ada.scimId)).toEqual({ outcome: 'succeeded', attempts: 3 });
  expect(await idleAction(ada.id)).toEqual({ action: 'unassign', status: 'succeeded', attempts: 3, last_error: null });
  expect(await attempt(ada.scimId)).toBe('nothing queued');

  const sent = okta.requests.slice(before);
  expect(sent.map((r) => [r.method, r.path, r.authorization, r.status])).toEqual(
    [500, 503, 204].map((status) => ['DELETE', `/api/v1/apps/${APP_ID}/users/00u1ada`, `SSWS ${OKTA_TOKEN}`, status]),
  );
  expect(okta.successfulDeletes()).toBe(1);
  expect(okta.isAssigned(APP_ID, '00u1ada')).toBe(false);

  const url = `${okta.url}/api/v1/apps/${APP_ID}/users/00u1ada`;
  const audit = await audits(ada.id);
  expect(audit.map((a) => [a.action, a.details.request, a.details.response])).toEqual([
    ['directory_user.idle', undefined, undefined],
    ['directory_user.idp_call', { method: 'DELETE', url }, { status: 500, error: 'HTTP 500: Internal Server Error' }],
    ['directory_user.idp_call', { method: 'DELETE', url }, { status: 503, error: 'HTTP 503: Internal Server Error' }],
    ['directory_user.idp_call', { method: 'DELETE', url }, { status: 204, error: null }],
    ['directory_user.idle_unassigned', undefined, undefined],
  ]);
  expect(JSON.stringify(audit)).not.toContain(OKTA_TOKEN);

  // Running the succeeded attempt's job again (a second process, a restart) sends nothing.
  const payload = { scim_user_id: ada.scimId, directory_user_id: ada.id, idle_since: (await t.dataSource.query(`SELECT idle_since FROM person_activity WHERE scim_user_id = $1`, [ada.scimId]))[0].idle_since.toISOString() };
  expect(await attemptUnassign(t.dataSource, idpCallsFromConfig(t.config), payload, { retryBaseSeconds: 3 })).toEqual({ outcome: 'stale' });
  expect(okta.requests.length).toBe(before + 3);
});

test('two runs for one person at once: the second finds the attempt in flight and does nothing', async () => {
  const { person, flag, attempt, idleAction } = await setUp('okta');
  const jay = await person('jay@acme.test', '00u1jay');
  okta.assign(APP_ID, '00u1jay');
  await flag();
  const [{ payload }] = await t.dataSource.query(`SELECT payload FROM graphile_worker.remove_job($1)`, [`idp_unassign:${jay.scimId}`]);
  const held = okta.holdNext();
  const first = attemptUnassign(t.dataSource, idpCallsFromConfig(t.config), payload, { retryBaseSeconds: 3 });
  await held.arrived;
  expect(await attemptUnassign(t.dataSource, idpCallsFromConfig(t.config), payload, { retryBaseSeconds: 3 })).toEqual({ outcome: 'busy' });
  held.release();
  expect(await first).toEqual({ outcome: 'succeeded', attempts: 1 });
  expect(await attempt(jay.scimId)).toBe('nothing queued');
  expect(okta.requests.filter((r) => r.path.endsWith('/00u1jay'))).toHaveLength(1);
  expect(await idleAction(jay.id)).toEqual({ action: 'unassign', status: 'succeeded', attempts: 1, last_error: null });
});

test('the fifth failure is final: status failed, last_error kept, audited once, nothing queued after it', async () => {
  const { person, flag, attempt, idleAction, audits } = await setUp('okta');
  const bob = await person('bob@acme.test', '00u1bob');
  okta.assign(APP_ID, '00u1bob');
  await flag();
  okta.failNext([500, 500, 500, 500, 502]);
  const outcomes = [];
  for (let i = 0; i < 5; i++) outcomes.push(await attempt(bob.scimId));
  expect(outcomes).toEqual([
    { outcome: 'retrying', attempts: 1, retryInSeconds: 3 },
    { outcome: 'retrying', attempts: 2, retryInSeconds: 6 },
    { outcome: 'retrying', attempts: 3, retryInSeconds: 12 },
    { outcome: 'retrying', attempts: 4, retryInSeconds: 24 },
    { outcome: 'failed', attempts: 5 },
  ]);
  expect(await attempt(bob.scimId)).toBe('nothing queued');
  expect(await idleAction(bob.id)).toEqual({ action: 'unassign', status: 'failed', attempts: 5, last_error: 'HTTP 502: Internal Server Error' });
  const final = (await audits(bob.id)).filter((a) => a.action === 'directory_user.idle_unassign_failed');
  expect(final).toEqual([
    {
      action: 'directory_user.idle_unassign_failed',
      reason: 'app assignment not removed after 5 attempts: HTTP 502: Internal Server Error',
      details: { idle_since: expect.any(String), attempts: 5, last_error: 'HTTP 502: Internal Server Error' },
    },
  ]);
  expect((await audits(bob.id)).filter((a) => a.action === 'directory_user.idp_call')).toHaveLength(5);
  expect(okta.isAssigned(APP_ID, '00u1bob')).toBe(true);
});

test("Okta's 404 after an earlier send means that send worked; a 404 on the first send is a failure", async () => {
  const { person, flag, attempt, idleAction } = await setUp('okta');
  const carol = await person('carol@acme.test', '00u1carol');
  const dave = await person('dave@acme.test', '00u1dave'); // never assigned in Okta
  okta.assign(APP_ID, '00u1carol');
  // Okta removes the assignment but the answer is lost (here: a 500 after the work).
  okta.failNext([500], { removeAnyway: true });
  await flag();
  const deletesBefore = okta.successfulDeletes();
  expect(await attempt(carol.scimId)).toMatchObject({ outcome: 'retrying', attempts: 1 });
  expect(await attempt(carol.scimId)).toEqual({ outcome: 'succeeded', attempts: 2 });
  expect(okta.successfulDeletes()).toBe(deletesBefore);
  expect(await idleAction(carol.id)).toEqual({ action: 'unassign', status: 'succeeded', attempts: 2, last_error: null });
  expect(await attempt(dave.scimId)).toMatchObject({ outcome: 'retrying', attempts: 1 });
  expect(await idleAction(dave.id)).toEqual({
    action: 'unassign',
    status: 'pending',
    attempts: 1,
    last_error: 'HTTP 404: Not found: Resource not found: 00u1dave (AppUser)',
  });
});

test('a person seen again before the attempt ends the episode: the queued attempt calls nobody', async () => {
  const { d, key, person, flag, attempt, idleAction } = await setUp('okta');
  const erin = await person('erin@acme.test', '00u1erin');
  okta.assign(APP_ID, '00u1erin');
  await flag();
  const seen = await request(t.app)
    .post('/api/v1/activity')
    .set('Authorization', `Bearer ${key}`)
    .send({ signals: [{ directory_id: d.id, user: { external_id: '00u1erin' }, occurred_at: new Date().toISOString(), kind: 'sign_in' }] });
  expect(seen.body).toEqual({ accepted: 1, ignored: [] });
  const before = okta.requests.length;
  expect(await attempt(erin.scimId)).toEqual({ outcome: 'stale' });
  expect(okta.requests.length).toBe(before);
  expect(okta.isAssigned(APP_ID, '00u1erin')).toBe(true);
  expect(await idleAction(erin.id)).toBeNull();
});

test('Entra: the object id from the userName when externalId is not one, the assignment found and deleted; one DELETE failure retried', async () => {
  const { person, flag, attempt, idleAction, audits } = await setUp('entra');
  const frankId = graph.newUserId();
  graph.users.push({ id: frankId, userPrincipalName: 'frank@acme.test', lastSignInDateTime: null });
  const frank = await person('Frank@Acme.test', 'frank-nickname');
  const assignment = graph.assign(SP, frankId);
  graph.assign(SP, graph.newUserId()); // someone else's: untouched
  await flag();
  graph.failNext('DELETE', 503);
  expect(await attempt(frank.scimId)).toMatchObject({ outcome: 'retrying', attempts: 1 });
  expect(await idleAction(frank.id)).toMatchObject({ status: 'pending', last_error: `Removing assignment ${assignment}: HTTP 503: The service is temporarily unavailable.` });
  expect(await attempt(frank.scimId)).toEqual({ outcome: 'succeeded', attempts: 2 });
  expect(graph.assignmentsOf(SP, frankId)).toEqual([]);
  const calls = (await audits(frank.id)).filter((a) => a.action === 'directory_user.idp_call').map((a) => `${a.details.request!.method} ${a.details.request!.url.replace(graph.url, '')} ${a.details.response!.status}`);
  const filter = `?$filter=${encodeURIComponent(`principalId eq ${frankId}`)}`;
  expect(calls).toEqual([
    `POST /${ENTRA.tenantId}/oauth2/v2.0/token 200`,
    'GET /v1.0/users/Frank%40Acme.test?$select=id 200',
    `GET /v1.0/servicePrincipals/${SP}/appRoleAssignedTo${filter} 200`,
    `DELETE /v1.0/servicePrincipals/${SP}/appRoleAssignedTo/${assignment} 503`,
    'GET /v1.0/users/Frank%40Acme.test?$select=id 200',
    `GET /v1.0/servicePrincipals/${SP}/appRoleAssignedTo${filter} 200`,
    `DELETE /v1.0/servicePrincipals/${SP}/appRoleAssignedTo/${assignment} 204`,
  ]);
  expect(JSON.stringify(await audits(frank.id))).not.toContain(ENTRA.clientSecret);
});

test('Entra: an externalId that is an object id needs no lookup; no assignment of their own is a failure, unless an earlier attempt sent the removal', async () => {
  const { person, flag, attempt, idleAction } = await setUp('entra');
  const [gina, hal, ivan] = [graph.newUserId(), graph.newUserId(), graph.newUserId()];
  const g = await person('gina@acme.test', gina);
  const h = await person('hal@acme.test', hal); // assigned through a group only
  const i = await person('ivan@acme.test', ivan);
  graph.assign(SP, gina);
  graph.assign(SP, ivan);
  await flag();
  const before = graph.requests.length;
  expect(await attempt(g.scimId)).toEqual({ outcome: 'succeeded', attempts: 1 });
  expect(graph.requests.slice(before).some((r) => r.path.startsWith('/v1.0/users/'))).toBe(false);
  expect(await attempt(h.scimId)).toMatchObject({ outcome: 'retrying', attempts: 1 });
  expect((await idleAction(h.id)).last_error).toBe('The user has no assignment of their own to the app (an assignment through a group is removed in Entra, not per person)');
  // Ivan's removal was sent, and Entra did it, but the answer said otherwise.
  graph.failNext('DELETE', 500);
  expect(await attempt(i.scimId)).toMatchObject({ outcome: 'retrying', attempts: 1 });
  graph.unassign(SP, ivan);
  expect(await attempt(i.scimId)).toEqual({ outcome: 'succeeded', attempts: 2 });
  expect(await idleAction(i.id)).toEqual({ action: 'unassign', status: 'succeeded', attempts: 2, last_error: null });
});
