import { Client } from 'pg';
import request from 'supertest';
import { runIdleScan } from '../../src/activity/runIdleScan';
import { eventsSince, markEvents } from '../support/events';
import { makeApiKey, makeDirectory, makeEnvironment } from '../support/factories';
import { PATCH_OP, USER_SCHEMA, scimClient } from '../support/scimClient';
import { ADMIN_KEY, TestApp, createTestApp } from '../support/testApp';

/**
 * Idle rules: the rule's API, the idle clock against real data, warnings then flags each
 * once per episode, exclusions, the deactivate action under both policies and its lifting
 * by later activity, preview, and one scan per directory at a time. Time is injected
 * (`now`), never waited for: the stored times are set in the past instead.
 */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY);

async function setUp(policy: 'secure' | 'retain' = 'retain') {
  const env = await makeEnvironment(t.app, { inactive_policy: policy });
  const key = await makeApiKey(t.app, env.id);
  const d = await makeDirectory(t.app, { environment_id: env.id, provider: 'okta' });
  const c = scimClient(t.app, d);
  const api = {
    put: (path: string, body: object) => request(t.app).put(`/api/v1/directories/${d.id}${path}`).set('Authorization', `Bearer ${key}`).send(body),
    get: (path: string) => request(t.app).get(`/api/v1/directories/${d.id}${path}`).set('Authorization', `Bearer ${key}`),
    delete: (path: string) => request(t.app).delete(`/api/v1/directories/${d.id}${path}`).set('Authorization', `Bearer ${key}`),
    post: (path: string) => request(t.app).post(`/api/v1/directories/${d.id}${path}`).set('Authorization', `Bearer ${key}`),
  };
  const person = async (userName: string, provisionedDaysAgo: number) => {
    const res = await c.post('/Users', { schemas: [USER_SCHEMA], userName, active: true });
    expect(res.status).toBe(201);
    await t.dataSource.query(`UPDATE directory_users SET created_at = $2 WHERE scim_user_id = $1`, [res.body.id, ago(provisionedDaysAgo)]);
    const [du] = await t.dataSource.query(`SELECT id FROM directory_users WHERE scim_user_id = $1`, [res.body.id]);
    return { scimId: res.body.id as string, id: du.id as string, userName };
  };
  const seen = async (userName: string, daysAgo: number) => {
    const res = await request(t.app)
      .post('/api/v1/activity')
      .set('Authorization', `Bearer ${key}`)
      .send({ signals: [{ directory_id: d.id, user: { user_name: userName }, occurred_at: ago(daysAgo).toISOString(), kind: 'sign_in' }] });
    expect(res.body).toEqual({ accepted: 1, ignored: [] });
  };
  /** Sets the rule, then backdates its start, as if it had been on that long. */
  const rule = async (body: object, enabledDaysAgo: number) => {
    const res = await api.put('/idle-rule', body);
    expect(res.status).toBe(200);
    await t.dataSource.query(`UPDATE idle_rules SET enabled_at = $2 WHERE directory_id = $1`, [d.id, ago(enabledDaysAgo)]);
  };
  const scan = (now = new Date()) => runIdleScan(t.dataSource, { kind: 'environment', keyId: 'test', environmentId: env.id }, d.id, { now, batchSize: 2 });
  const state = async (scimId: string) =>
    (await t.dataSource.query(`SELECT id, state FROM directory_users WHERE scim_user_id = $1`, [scimId]))[0] as { id: string; state: string } | undefined;
  return { env, key, d, c, api, person, seen, rule, scan, state };
}

describe('the idle rule API', () => {
  test('PUT creates and changes it, GET shows it, DELETE turns it off; an unchanged PUT keeps enabled_at', async () => {
    const { d, api } = await setUp();
    expect((await api.get('/idle-rule')).status).toBe(404);
    const created = await api.put('/idle-rule', { after: 'P30D', action: 'notify', warn_before: 'P7D' });
    expect([created.status, created.body]).toEqual([
      200,
      {
        object: 'idle_rule',
        directory_id: d.id,
        after: 'P30D',
        action: 'notify',
        warn_before: 'P7D',
        exclude: { user_ids: [], group_ids: [] },
        enabled_at: expect.any(String),
        created_at: expect.any(String),
        updated_at: expect.any(String),
      },
    ]);
    expect((await api.get('/idle-rule')).body).toEqual(created.body);
    const again = await api.put('/idle-rule', { after: 'P30D', action: 'notify', warn_before: 'P7D' });
    expect(again.body.enabled_at).toBe(created.body.enabled_at);
    const changed = await api.put('/idle-rule', { after: 'P60D', action: 'notify' });
    expect(changed.body).toMatchObject({ after: 'P60D', warn_before: null });
    expect(Date.parse(changed.body.enabled_at)).toBeGreaterThan(Date.parse(created.body.enabled_at));
    expect((await api.delete('/idle-rule')).status).toBe(204);
    expect((await api.get('/idle-rule')).status).toBe(404);
    expect((await api.delete('/idle-rule')).status).toBe(404);
  });

  test.each([
    ['a calendar duration', { after: 'P1M', action: 'notify' }],
    ['not a duration', { after: '30 days', action: 'notify' }],
    ['a zero limit', { after: 'PT0S', action: 'notify' }],
    ['an unknown action', { after: 'P7D', action: 'delete' }],
    ['a bad warn_before', { after: 'P7D', action: 'notify', warn_before: 'soon' }],
    ['a malformed excluded id', { after: 'P7D', action: 'notify', exclude: { user_ids: ['bob'] } }],
    ['an unknown field', { after: 'P7D', action: 'notify', when: 'now' }],
    ['unassign without an IdP connection', { after: 'P7D', action: 'unassign' }],
  ])('%s is a 400', async (_name, body) => {
    const { api } = await setUp();
    const res = await api.put('/idle-rule', body);
    expect([res.status, res.body.error.code]).toEqual([400, 'invalid_request']);
    expect((await api.get('/idle-rule')).status).toBe(404);
  });

  test("another environment's directory is 404 on every idle endpoint", async () => {
    const { d } = await setUp();
    const other = await makeApiKey(t.app, (await makeEnvironment(t.app)).id);
    const as = (r: request.Test) => r.set('Authorization', `Bearer ${other}`);
    const base = `/api/v1/directories/${d.id}`;
    for (const res of [
      await as(request(t.app).put(`${base}/idle-rule`)).send({ after: 'P7D', action: 'notify' }),
      await as(request(t.app).get(`${base}/idle-rule`)),
      await as(request(t.app).delete(`${base}/idle-rule`)),
      await as(request(t.app).get(`${base}/idle-users`)),
      await as(request(t.app).post(`${base}/idle-scan`)),
    ]) {
      expect([res.status, res.body.error?.code]).toEqual([404, 'not_found']);
    }
  });
});

describe('scans', () => {
  test('warn, then flag, each once per episode; never-seen people count from provisioning; excluded people never', async () => {
    const { d, c, api, person, seen, rule, scan } = await setUp();
    const ada = await person('ada@acme.test', 90);
    const bob = await person('bob@acme.test', 90);
    const carol = await person('carol@acme.test', 40);
    const dave = await person('dave@acme.test', 90);
    const erin = await person('erin@acme.test', 90);
    const group = (await c.post('/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Break glass', members: [{ value: erin.scimId }] })).body;
    const [g] = await t.dataSource.query(`SELECT id FROM directory_groups WHERE scim_group_id = $1`, [group.id]);
    await seen('ada@acme.test', 40);
    await seen('bob@acme.test', 25);
    await rule({ after: 'P30D', action: 'notify', warn_before: 'P7D', exclude: { user_ids: [dave.id], group_ids: [g.id] } }, 80);

    let mark = await markEvents(t.dataSource, d.id);
    const first = await scan();
    expect(new Set(first)).toEqual(
      new Set([
        { directory_user_id: ada.id, action: 'notify', result: 'flagged' },
        { directory_user_id: bob.id, action: 'warn', result: 'warned' },
        { directory_user_id: carol.id, action: 'notify', result: 'flagged' },
      ]),
    );
    const events = await eventsSince(t.dataSource, mark);
    expect(events.map((e) => [e.type, (e.data as { username: string }).username]).sort()).toEqual([
      ['user.idle', 'ada@acme.test'],
      ['user.idle', 'carol@acme.test'],
      ['user.idle_warning', 'bob@acme.test'],
    ]);
    const adaIdle = events.find((e) => e.type === 'user.idle' && (e.data as { id: string }).id === ada.id)!.data as Record<string, unknown>;
    expect(adaIdle).toMatchObject({ object: 'directory_user', id: ada.id, state: 'active', last_seen_at: expect.stringMatching(new RegExp(`^${ago(40).toISOString().slice(0, 10)}`)) });
    expect(Date.parse(adaIdle.idle_since as string) - Date.parse(adaIdle.last_seen_at as string)).toBe(30 * DAY);

    // Nothing twice: the same scan again does nothing.
    mark = await markEvents(t.dataSource, d.id);
    expect(await scan()).toEqual([]);
    // Ten days on, bob (warned) crosses the limit: flagged without a second warning.
    expect(await scan(new Date(Date.now() + 10 * DAY))).toEqual([{ directory_user_id: bob.id, action: 'notify', result: 'flagged' }]);
    expect((await eventsSince(t.dataSource, mark)).map((e) => e.type)).toEqual(['user.idle']);

    // The directory-user API shows who is flagged.
    const flagged = await request(t.app).get(`/api/v1/directory-users?directory_id=${d.id}&idle=true&limit=100`).set('Authorization', `Bearer ${ADMIN_KEY}`);
    expect(flagged.body.data.map((u: { id: string }) => u.id).sort()).toEqual([ada.id, bob.id, carol.id].sort());

    // Activity ends the episode; crossing again later is a new episode, warned again first.
    await seen('ada@acme.test', 0);
    const [row] = await t.dataSource.query(`SELECT idle_since, idle_warned_at FROM person_activity WHERE scim_user_id = $1`, [ada.scimId]);
    expect(row).toEqual({ idle_since: null, idle_warned_at: null });
    expect(await scan(new Date(Date.now() + 25 * DAY))).toEqual([{ directory_user_id: ada.id, action: 'warn', result: 'warned' }]);
    expect((await api.get('/idle-rule')).body.after).toBe('P30D');
  });

  test('a rule changed mid-way measures nobody from before the change', async () => {
    const { person, rule, scan, api } = await setUp();
    await person('ann@acme.test', 90);
    await rule({ after: 'P30D', action: 'notify', warn_before: 'P20D' }, 15);
    const warned = await scan();
    expect(warned?.map((r) => r.result)).toEqual(["warned"]);
    expect((await api.put('/idle-rule', { after: 'P10D', action: 'notify' })).status).toBe(200);
    expect(await scan(new Date(Date.now() + 9 * DAY))).toEqual([]);
    expect((await scan(new Date(Date.now() + 10 * DAY + 1000)))?.map((r) => r.result)).toEqual(["flagged"]);
  });

  test('deactivate under retain: the user becomes inactive; a push repeating active=true keeps it so; activity lifts it', async () => {
    const { d, c, person, seen, rule, scan, state } = await setUp('retain');
    const ann = await person('ann@acme.test', 90);
    await rule({ after: 'P30D', action: 'deactivate' }, 60);
    let mark = await markEvents(t.dataSource, d.id);
    expect(await scan()).toEqual([{ directory_user_id: ann.id, action: 'deactivate', result: 'deactivated' }]);
    expect((await eventsSince(t.dataSource, mark)).map((e) => e.type)).toEqual(['user.idle', 'user.updated']);
    expect(await state(ann.scimId)).toEqual({ id: ann.id, state: 'inactive' });
    expect((await c.put(`/Users/${ann.scimId}`, { schemas: [USER_SCHEMA], userName: 'ann@acme.test', active: true, title: 'x' })).status).toBe(200);
    expect((await state(ann.scimId))?.state).toBe('inactive');
    // Inactive people are not scanned again.
    expect(await scan(new Date(Date.now() + 100 * DAY))).toEqual([]);
    mark = await markEvents(t.dataSource, d.id);
    await seen('ann@acme.test', 0);
    expect(await state(ann.scimId)).toEqual({ id: ann.id, state: 'active' });
    expect((await eventsSince(t.dataSource, mark)).map((e) => e.type)).toEqual(['user.updated']);
  });

  test('deactivate under secure: the user is deleted and erased; activity later brings a new directory user', async () => {
    const { d, c, person, seen, rule, scan, state } = await setUp('secure');
    const ann = await person('ann@acme.test', 90);
    await rule({ after: 'P30D', action: 'deactivate' }, 60);
    let mark = await markEvents(t.dataSource, d.id);
    await scan();
    expect((await eventsSince(t.dataSource, mark)).map((e) => e.type)).toEqual(['user.idle', 'user.deleted']);
    // The idle event about the person was erased with the rest of their profile.
    expect((await eventsSince(t.dataSource, mark))[0].data).toMatchObject({ id: ann.id, redacted: true });
    expect(await state(ann.scimId)).toBeUndefined();
    const replace = { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: true }] };
    expect((await c.patch(`/Users/${ann.scimId}`, replace)).status).toBe(200);
    expect(await state(ann.scimId)).toBeUndefined();
    mark = await markEvents(t.dataSource, d.id);
    await seen('ann@acme.test', 0);
    const back = await state(ann.scimId);
    expect(back?.state).toBe('active');
    expect(back?.id).not.toBe(ann.id);
    expect((await eventsSince(t.dataSource, mark)).map((e) => e.type)).toEqual(['user.created']);
  });

  test('a late signal from before the episode began does not end it', async () => {
    const { person, seen, rule, scan } = await setUp();
    const ann = await person('ann@acme.test', 90);
    await seen('ann@acme.test', 50);
    await rule({ after: 'P30D', action: 'notify' }, 60);
    await scan();
    await seen('ann@acme.test', 45);
    const [row] = await t.dataSource.query(`SELECT idle_since FROM person_activity WHERE scim_user_id = $1`, [ann.scimId]);
    expect(row.idle_since).not.toBeNull();
  });

  test('preview lists who is idle now or at as_of, and changes nothing', async () => {
    const { d, api, person, seen, rule } = await setUp();
    const ann = await person('ann@acme.test', 90);
    const ben = await person('ben@acme.test', 90);
    await seen('ben@acme.test', 20);
    await rule({ after: 'P30D', action: 'notify' }, 60);
    const mark = await markEvents(t.dataSource, d.id);
    const now = await api.get('/idle-users');
    expect(now.body).toEqual({
      data: [{ directory_user_id: ann.id, last_seen_at: null, idle_since: expect.any(String), action: 'notify' }],
      list_metadata: { after: null },
    });
    const later = await api.get(`/idle-users?as_of=${encodeURIComponent(new Date(Date.now() + 11 * DAY).toISOString())}&limit=1`);
    expect(later.body.data.map((e: { directory_user_id: string }) => e.directory_user_id)).toEqual([ann.id]);
    expect(later.body.list_metadata.after).toBe(ann.id);
    const next = await api.get(`/idle-users?as_of=${encodeURIComponent(new Date(Date.now() + 11 * DAY).toISOString())}&after=${ann.id}`);
    expect(next.body.data.map((e: { directory_user_id: string }) => e.directory_user_id)).toEqual([ben.id]);
    expect(await eventsSince(t.dataSource, mark)).toEqual([]);
    expect((await api.get('/idle-users?as_of=yesterday')).status).toBe(400);
  });

  test('one scan per directory at a time: the API answers 409 while another holds it', async () => {
    const { d, api, person, rule } = await setUp();
    await person('ann@acme.test', 90);
    await rule({ after: 'P30D', action: 'notify' }, 60);
    const other = new Client({ connectionString: process.env.DATABASE_URL });
    await other.connect();
    try {
      await other.query(`SELECT pg_advisory_lock(7301, hashtext($1))`, [d.id]);
      const busy = await api.post('/idle-scan');
      expect([busy.status, busy.body.error.code]).toEqual([409, 'conflict']);
      await other.query(`SELECT pg_advisory_unlock(7301, hashtext($1))`, [d.id]);
      const done = await api.post('/idle-scan');
      expect([done.status, done.body.data.map((r: { result: string }) => r.result)]).toEqual([200, ['flagged']]);
    } finally {
      await other.end();
    }
  });
});
