import request from 'supertest';
import { makeApiKey, makeDirectory, makeEnvironment } from '../support/factories';
import { USER_SCHEMA, scimClient } from '../support/scimClient';
import { PUBLIC_URL, TestApp, createTestApp } from '../support/testApp';

/**
 * The Okta event hook: its secret shown once per POST /okta-event-hook, Okta's one-time
 * verification, sign-in events as activity of the person Okta names, and calls without
 * the current secret refused with nothing stored. Bodies are checked like the admin API's.
 */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ BODY_LIMIT: '16kb' });
});
afterAll(() => t.close());

async function setUp() {
  const env = await makeEnvironment(t.app);
  const key = await makeApiKey(t.app, env.id);
  const d = await makeDirectory(t.app, { environment_id: env.id, provider: 'okta' });
  const c = scimClient(t.app, d);
  const person = async (userName: string, externalId: string) => {
    const res = await c.post('/Users', { schemas: [USER_SCHEMA], userName, externalId, active: true });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const hook = async () => {
    const res = await request(t.app).post(`/api/v1/directories/${d.id}/okta-event-hook`).set('Authorization', `Bearer ${key}`);
    expect(res.status).toBe(200);
    return res.body as { url: string; header_name: string; header_value: string };
  };
  const path = `/hooks/okta/${d.id}`;
  const deliver = (secret: string | undefined, body: unknown) => {
    const r = request(t.app).post(path);
    return (secret === undefined ? r : r.set('Authorization', secret)).send(body as object);
  };
  const lastSeen = async (scimId: string) =>
    ((await t.dataSource.query(`SELECT last_seen_at FROM person_activity WHERE scim_user_id = $1`, [scimId]))[0]?.last_seen_at as Date | undefined)?.toISOString();
  return { env, key, d, person, hook, path, deliver, lastSeen };
}

const event = (eventType: string, published: string, actor: object) => ({
  uuid: `evt-${Math.random().toString(36).slice(2)}`,
  published,
  eventType,
  version: '0',
  severity: 'INFO',
  displayMessage: 'User single sign on to app',
  actor: { type: 'User', displayName: 'Someone', ...actor },
  outcome: { result: 'SUCCESS' },
  target: [{ type: 'AppInstance', alternateId: 'dsync-test-app' }],
});
const delivery = (events: unknown[]) => ({
  eventType: 'com.okta.event_hook',
  eventTypeVersion: '1.0',
  cloudEventsVersion: '0.1',
  source: 'https://acme.okta.com/api/v1/eventHooks/who8q6y0sGmGYfTlm1d7',
  eventId: 'b5a188b9-5ece-4636-b041-482ffda96311',
  data: { events },
  eventTime: '2026-01-10T12:00:00.000Z',
  contentType: 'application/json',
});

test('the hook is shown once per call, and a new call replaces the secret', async () => {
  const { d, hook, path } = await setUp();
  const first = await hook();
  expect(first).toEqual({ url: `${PUBLIC_URL}/hooks/okta/${d.id}`, header_name: 'Authorization', header_value: expect.stringMatching(/^dsync_hook_[A-Za-z0-9_-]{43}$/) });
  const verify = (secret: string) => request(t.app).get(path).set('Authorization', secret).set('X-Okta-Verification-Challenge', 'tPIw7tQm1CUGhMH4uQ7BXlL');
  expect([(await verify(first.header_value)).status, (await verify(first.header_value)).body]).toEqual([200, { verification: 'tPIw7tQm1CUGhMH4uQ7BXlL' }]);
  const second = await hook();
  expect(second.header_value).not.toBe(first.header_value);
  expect((await verify(first.header_value)).status).toBe(401);
  expect((await verify(second.header_value)).status).toBe(200);
  const [row] = await t.dataSource.query(`SELECT * FROM okta_event_hooks WHERE directory_id = $1`, [d.id]);
  expect(JSON.stringify(row)).not.toContain(second.header_value);
  const audit = await t.dataSource.query(`SELECT action, details FROM audit_log WHERE target_id = $1 AND action LIKE 'directory.okta%' ORDER BY id`, [d.id]);
  expect(audit.map((a: { action: string }) => a.action)).toEqual(['directory.okta_event_hook_created', 'directory.okta_event_hook_replaced']);
  expect(JSON.stringify(audit)).not.toContain(second.header_value);
});

test("Okta's one-time verification: the challenge echoed; without one a 400; without the secret a 401", async () => {
  const { hook, path } = await setUp();
  const { header_value } = await hook();
  expect((await request(t.app).get(path).set('Authorization', header_value)).status).toBe(400);
  const anonymous = await request(t.app).get(path).set('X-Okta-Verification-Challenge', 'x');
  expect([anonymous.status, anonymous.body]).toEqual([401, { error: { code: 'unauthorized', message: 'Missing or invalid event hook secret' } }]);
  expect((await request(t.app).get('/hooks/okta/directory_01J00000000000000000000000').set('Authorization', header_value).set('X-Okta-Verification-Challenge', 'x')).status).toBe(401);
});

test('sign-in events become sign_in activity of the person Okta names, at the published time; other events are acknowledged and ignored', async () => {
  const { hook, deliver, person, lastSeen } = await setUp();
  const { header_value } = await hook();
  const ada = await person('ada@acme.test', '00u1ada');
  const bob = await person('bob@acme.test', '00u1bob');
  const carol = await person('carol@acme.test', '00u1carol');
  const res = await deliver(
    header_value,
    delivery([
      event('user.authentication.sso', '2026-01-10T09:00:00.000Z', { id: '00u1ada', alternateId: 'someone-else@acme.test' }),
      event('user.session.start', '2026-01-10T08:00:00.000Z', { id: '00uUNKNOWN', alternateId: 'BOB@acme.test' }),
      event('user.authentication.sso', '2026-01-10T07:00:00.000Z', { id: '00u1ada', alternateId: 'ada@acme.test' }),
      event('user.lifecycle.deactivate', '2026-01-10T10:00:00.000Z', { id: '00u1carol', alternateId: 'carol@acme.test' }),
      event('user.session.start', '2026-01-10T10:00:00.000Z', { id: '00uNOBODY', alternateId: 'nobody@acme.test' }),
      event('user.session.start', 'yesterday', { id: '00u1carol' }),
      'not an event',
    ]),
  );
  expect([res.status, res.body]).toEqual([200, { accepted: 3, ignored: 4 }]);
  expect(await lastSeen(ada)).toBe('2026-01-10T09:00:00.000Z');
  expect(await lastSeen(bob)).toBe('2026-01-10T08:00:00.000Z');
  expect(await lastSeen(carol)).toBeUndefined();
  // A delivery without sign-ins is acknowledged.
  expect((await deliver(header_value, delivery([]))).body).toEqual({ accepted: 0, ignored: 0 });
});

test('a wrong or missing secret is a 401 and nothing is stored', async () => {
  const { hook, deliver, person, lastSeen } = await setUp();
  const other = await setUp();
  const { header_value } = await hook();
  const foreign = await other.hook();
  const ada = await person('ada@acme.test', '00u1ada');
  const body = delivery([event('user.session.start', '2026-01-10T09:00:00.000Z', { id: '00u1ada', alternateId: 'ada@acme.test' })]);
  for (const secret of [undefined, '', 'Bearer x', `${header_value}x`, foreign.header_value, `Bearer ${header_value}`]) {
    const res = await deliver(secret, body);
    expect([res.status, res.body]).toEqual([401, { error: { code: 'unauthorized', message: 'Missing or invalid event hook secret' } }]);
  }
  expect(await lastSeen(ada)).toBeUndefined();
  // A directory without a hook refuses every secret too.
  const bare = await makeDirectory(t.app);
  expect((await request(t.app).post(`/hooks/okta/${bare.id}`).set('Authorization', header_value).send(body)).status).toBe(401);
});

test('bad bodies are clear 4xx, never 500, and store nothing', async () => {
  const { hook, path, person, lastSeen } = await setUp();
  const { header_value } = await hook();
  const ada = await person('ada@acme.test', '00u1ada');
  const post = () => request(t.app).post(path).set('Authorization', header_value);
  const cases: [request.Test, number, string][] = [
    [post().set('Content-Type', 'application/json').send('{"data": {"events": [}'), 400, 'invalid_request'],
    [post().set('Content-Type', 'application/json').send('"text"'), 400, 'invalid_request'],
    [post().send({ data: {} }), 400, 'invalid_request'],
    [post().send({ data: { events: 'x' } }), 400, 'invalid_request'],
    [post().send([1, 2]), 400, 'invalid_request'],
    [post().set('Content-Type', 'text/plain').send('hello'), 415, 'unsupported_media_type'],
    [post().send({ data: { events: [event('user.session.start', '2026-01-10T09:00:00Z', { id: '00u1ada', displayName: 'x'.repeat(20_000) })] } }), 413, 'payload_too_large'],
    [post().send({ data: { events: Array.from({ length: 1001 }, () => ({})) } }), 400, 'invalid_request'],
  ];
  for (const [req, status, code] of cases) {
    const res = await req;
    expect([res.status, res.body.error?.code]).toEqual([status, code]);
  }
  expect(await lastSeen(ada)).toBeUndefined();
});
