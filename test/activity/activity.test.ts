import request from 'supertest';
import { eventsSince, markEvents } from '../support/events';
import { makeApiKey, makeDirectory, makeEnvironment } from '../support/factories';
import { ENTERPRISE, PATCH_OP, USER_SCHEMA, scimClient } from '../support/scimClient';
import { ADMIN_KEY, TestApp, createTestApp } from '../support/testApp';

/**
 * POST /api/v1/activity: last-seen times per person from sign-in and usage signals —
 * late and out of order, one row per person, every way of naming a person, what is
 * ignored and reported, and the bad bodies that store nothing.
 */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

async function setUp(policy: 'secure' | 'retain' = 'retain') {
  const env = await makeEnvironment(t.app, { inactive_policy: policy });
  const key = await makeApiKey(t.app, env.id);
  const d = await makeDirectory(t.app, { environment_id: env.id, provider: 'okta' });
  const c = scimClient(t.app, d);
  const ada = (
    await c.post('/Users', {
      schemas: [USER_SCHEMA, ENTERPRISE],
      userName: 'ada@acme.test',
      externalId: '00u1ada',
      emails: [{ value: 'Ada.Lovelace@Acme.test', type: 'work', primary: true }],
    })
  ).body;
  const bob = (await c.post('/Users', { schemas: [USER_SCHEMA], userName: 'bob@acme.test' })).body;
  const directoryUserId = async (scimId: string) =>
    (await t.dataSource.query(`SELECT id FROM directory_users WHERE scim_user_id = $1`, [scimId]))[0]?.id as string;
  const send = (signals: unknown, k: string = key) =>
    request(t.app).post('/api/v1/activity').set('Authorization', `Bearer ${k}`).send({ signals });
  const lastSeen = async (scimId: string) => {
    const rows = await t.dataSource.query(`SELECT last_seen_at, last_kind FROM person_activity WHERE scim_user_id = $1`, [scimId]);
    return rows[0] ? { at: (rows[0].last_seen_at as Date).toISOString(), kind: rows[0].last_kind } : undefined;
  };
  return { env, key, d, c, ada, bob, directoryUserId, send, lastSeen };
}

const signal = (directory_id: string, user: Record<string, string>, occurred_at: string, kind = 'sign_in') => ({ directory_id, user, occurred_at, kind });

test('last_seen_at only moves forward, whatever order signals arrive in; one row per person', async () => {
  const { d, ada, send, lastSeen } = await setUp();
  const ok = await send([
    signal(d.id, { user_name: 'ada@acme.test' }, '2026-12-01T10:00:00Z'),
    signal(d.id, { user_name: 'ada@acme.test' }, '2026-12-03T10:00:00+02:00', 'token'),
    signal(d.id, { user_name: 'ada@acme.test' }, '2026-12-02T10:00:00Z'),
  ]);
  expect([ok.status, ok.body]).toEqual([200, { accepted: 3, ignored: [] }]);
  expect(await lastSeen(ada.id)).toEqual({ at: '2026-12-03T08:00:00.000Z', kind: 'token' });
  // A late signal from before does not move it back.
  expect((await send([signal(d.id, { external_id: '00u1ada' }, '2026-11-30T00:00:00Z', 'active')])).body).toEqual({ accepted: 1, ignored: [] });
  expect(await lastSeen(ada.id)).toEqual({ at: '2026-12-03T08:00:00.000Z', kind: 'token' });
  expect((await send([signal(d.id, { external_id: '00u1ada' }, '2026-12-04T00:00:00Z', 'active')])).body.accepted).toBe(1);
  expect(await lastSeen(ada.id)).toEqual({ at: '2026-12-04T00:00:00.000Z', kind: 'active' });
  expect(await t.dataSource.query(`SELECT count(*)::int AS n FROM person_activity WHERE scim_user_id = $1`, [ada.id])).toEqual([{ n: 1 }]);
});

test('a person is found by directory-user id, external_id, user_name or any email, case-insensitively', async () => {
  const { d, ada, bob, directoryUserId, send, lastSeen } = await setUp();
  const cases: [Record<string, string>, string][] = [
    [{ id: await directoryUserId(bob.id) }, bob.id],
    [{ external_id: '00u1ada' }, ada.id],
    [{ user_name: 'BOB@ACME.TEST' }, bob.id],
    [{ email: 'ada.lovelace@acme.TEST' }, ada.id],
  ];
  let day = 10;
  for (const [user, scimId] of cases) {
    const at = `2026-11-${day++}T00:00:00.000Z`;
    expect((await send([signal(d.id, user, at)])).body).toEqual({ accepted: 1, ignored: [] });
    expect((await lastSeen(scimId))?.at).toBe(at);
  }
  // external_id is exact (the IdP's id); an unknown one is reported.
  expect((await send([signal(d.id, { external_id: '00U1ADA' }, '2026-11-20T00:00:00Z')])).body).toEqual({
    accepted: 0,
    ignored: [{ index: 0, reason: 'unknown_user' }],
  });
});

test('unknown people, future times and directories the key cannot see are ignored and reported; the rest is taken', async () => {
  const { d, ada, key, send, lastSeen } = await setUp();
  const foreign = await makeDirectory(t.app);
  const soon = new Date(Date.now() + 4 * 60_000).toISOString();
  const later = new Date(Date.now() + 6 * 60_000).toISOString();
  const res = await send(
    [
      signal(foreign.id, { user_name: 'ada@acme.test' }, '2026-12-01T00:00:00Z'),
      signal(d.id, { user_name: 'ada@acme.test' }, later),
      signal('directory_01HZZZZZZZZZZZZZZZZZZZZZZZ', { user_name: 'ada@acme.test' }, '2026-12-01T00:00:00Z'),
      signal(d.id, { user_name: 'nobody@acme.test' }, '2026-12-01T00:00:00Z'),
      signal(d.id, { id: 'directory_user_01HZZZZZZZZZZZZZZZZZZZZZZZ' }, '2026-12-01T00:00:00Z'),
      signal(d.id, { user_name: 'ada@acme.test' }, soon),
    ],
    key,
  );
  expect([res.status, res.body]).toEqual([
    200,
    {
      accepted: 1,
      ignored: [
        { index: 0, reason: 'unknown_directory' },
        { index: 1, reason: 'future' },
        { index: 2, reason: 'unknown_directory' },
        { index: 3, reason: 'unknown_user' },
        { index: 4, reason: 'unknown_user' },
      ],
    },
  ]);
  expect((await lastSeen(ada.id))?.at).toBe(soon);
  // The admin key sees every environment's directories.
  expect((await send([signal(foreign.id, { user_name: 'x@acme.test' }, '2026-12-01T00:00:00Z')], ADMIN_KEY)).body.ignored).toEqual([
    { index: 0, reason: 'unknown_user' },
  ]);
});

test('activity alone records no event', async () => {
  const { d, send } = await setUp();
  const mark = await markEvents(t.dataSource, d.id);
  expect((await send([signal(d.id, { user_name: 'ada@acme.test' }, '2026-12-01T00:00:00Z')])).status).toBe(200);
  expect(await eventsSince(t.dataSource, mark)).toEqual([]);
});

test('a person erased under secure is still found by userName or externalId, so their return can be seen', async () => {
  const { d, c, ada, send, lastSeen } = await setUp('secure');
  expect((await c.patch(`/Users/${ada.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] })).status).toBe(200);
  expect((await send([signal(d.id, { external_id: '00u1ada' }, '2026-12-05T00:00:00Z')])).body).toEqual({ accepted: 1, ignored: [] });
  expect((await lastSeen(ada.id))?.at).toBe('2026-12-05T00:00:00.000Z');
  // Their emails were erased with the profile.
  expect((await send([signal(d.id, { email: 'ada.lovelace@acme.test' }, '2026-12-06T00:00:00Z')])).body.ignored).toEqual([{ index: 0, reason: 'unknown_user' }]);
});

describe('a malformed body is a 400 and stores nothing', () => {
  const good = (dir: string) => signal(dir, { user_name: 'ada@acme.test' }, '2026-12-01T00:00:00Z');
  const cases: [string, (dir: string) => unknown][] = [
    ['signals is not an array', (dir) => ({ signals: good(dir) })],
    ['no signals field', () => ({})],
    ['an unknown top-level field', (dir) => ({ signals: [good(dir)], extra: 1 })],
    ['more than 1,000 signals', (dir) => ({ signals: Array.from({ length: 1001 }, () => good(dir)) })],
    ['a time without an offset', (dir) => ({ signals: [good(dir), { ...good(dir), occurred_at: '2026-12-01T00:00:00' }] })],
    ['a time that is not one', (dir) => ({ signals: [good(dir), { ...good(dir), occurred_at: '2026-13-45T99:00:00Z' }] })],
    ['an unknown kind', (dir) => ({ signals: [good(dir), { ...good(dir), kind: 'login' }] })],
    ['a user with no identifier', (dir) => ({ signals: [good(dir), { ...good(dir), user: {} }] })],
    ['a user with two identifiers', (dir) => ({ signals: [good(dir), { ...good(dir), user: { user_name: 'a', email: 'a' } }] })],
    ['an unknown identifier', (dir) => ({ signals: [good(dir), { ...good(dir), user: { upn: 'a' } }] })],
    ['an identifier that is not a string', (dir) => ({ signals: [good(dir), { ...good(dir), user: { id: ['x'] } }] })],
    ['a NUL character', (dir) => ({ signals: [good(dir), { ...good(dir), user: { user_name: 'a\u0000b' } }] })],
    ['a missing directory_id', (dir) => ({ signals: [good(dir), { user: { user_name: 'a' }, occurred_at: '2026-12-01T00:00:00Z', kind: 'token' }] })],
  ];
  test.each(cases)('%s', async (_name, body) => {
    const { d, key, ada, lastSeen } = await setUp();
    const res = await request(t.app).post('/api/v1/activity').set('Authorization', `Bearer ${key}`).send(body(d.id) as object);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: 'invalid_request', message: expect.any(String), details: { errors: expect.any(Array) } } });
    expect(await lastSeen(ada.id)).toBeUndefined();
  });
});

test('concurrent batches naming the same people in different orders all succeed (no deadlock, no 500)', async () => {
  const { d, c, send } = await setUp();
  const names: string[] = [];
  for (let i = 0; i < 30; i++) {
    const userName = `crowd${i}@acme.test`;
    expect((await c.post('/Users', { schemas: [USER_SCHEMA], userName })).status).toBe(201);
    names.push(userName);
  }
  const batch = (k: number) =>
    [...names]
      .sort(() => (k % 2 === 0 ? 1 : -1))
      .map((n, i) => signal(d.id, { user_name: n }, new Date(Date.UTC(2026, 10, 1 + ((i + k) % 28))).toISOString()));
  const answers = await Promise.all(Array.from({ length: 8 }, (_, k) => send(batch(k))));
  expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
  const rows = await t.dataSource.query(
    `SELECT count(*)::int AS n FROM person_activity pa JOIN scim_users su ON su.id = pa.scim_user_id WHERE su.directory_id = $1`,
    [d.id],
  );
  expect(rows).toEqual([{ n: 30 }]);
});
