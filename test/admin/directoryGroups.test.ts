import request from 'supertest';
import { makeApiKey, makeDirectory, makeEnvironment } from '../support/factories';
import { GROUP_SCHEMA, PATCH_OP, USER_SCHEMA, scimClient } from '../support/scimClient';
import { ADMIN_KEY, TestApp, createTestApp } from '../support/testApp';

/**
 * GET /api/v1/directory-groups and a group's members: groups pushed through the real
 * SCIM endpoint and read back through the admin API.
 */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

type Client = ReturnType<typeof scimClient>;

const admin = { Authorization: `Bearer ${ADMIN_KEY}` };
const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
const GROUP_ID = expect.stringMatching(/^directory_group_[0-9A-HJKMNP-TV-Z]{26}$/);
const MISSING_GROUP = `directory_group_${'0'.repeat(26)}`;

const groupNotFound = { error: { code: 'not_found', message: 'Directory group not found' } };
const dirNotFound = { error: { code: 'not_found', message: 'Directory not found' } };
const badCursor = { error: { code: 'invalid_request', message: 'after is not a valid cursor' } };
const invalid = (field: string) => ({
  error: {
    code: 'invalid_request',
    message: expect.stringMatching(new RegExp(`^${field}: `)),
    details: { errors: [{ field, message: expect.any(String) }] },
  },
});

async function newDirectory(policy: 'secure' | 'retain' = 'secure') {
  const env = await makeEnvironment(t.app, { inactive_policy: policy });
  const directory = await makeDirectory(t.app, { environment_id: env.id });
  return { env, directory, c: scimClient(t.app, directory) };
}

async function pushUser(c: Client, userName: string): Promise<string> {
  const res = await c.post('/Users', { schemas: [USER_SCHEMA], userName, emails: [{ value: userName, primary: true }] });
  expect(res.status).toBe(201);
  return res.body.id;
}

async function pushGroup(c: Client, displayName: string, members: string[] = [], extra: Record<string, unknown> = {}) {
  const res = await c.post('/Groups', {
    schemas: [GROUP_SCHEMA],
    displayName,
    members: members.map((value) => ({ value })),
    ...extra,
  });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

async function get(path: string, auth: Record<string, string> = admin) {
  const res = await request(t.app).get(path).set(auth);
  expect({ path, status: res.status }).toEqual({ path, status: 200 });
  return res.body;
}

const names = (body: { data: { name: string }[] }) => body.data.map((g) => g.name);
const usernames = (body: { data: { username: string }[] }) => body.data.map((u) => u.username);

describe('GET /api/v1/directory-groups', () => {
  test('shows a group as apps see it, in the list and by id', async () => {
    const { env, directory, c } = await newDirectory();
    const scimId = await pushGroup(c, 'Engineering', [], { externalId: 'okta-g1' });
    const listed = await get(`/api/v1/directory-groups?directory_id=${directory.id}`);
    const group = {
      object: 'directory_group',
      id: GROUP_ID,
      directory_id: directory.id,
      environment_id: env.id,
      idp_id: scimId,
      name: 'Engineering',
      raw_attributes: { schemas: [GROUP_SCHEMA], displayName: 'Engineering', externalId: 'okta-g1' },
      created_at: ISO,
      updated_at: ISO,
    };
    expect(listed).toEqual({ data: [group], list_metadata: { after: null } });
    expect(await get(`/api/v1/directory-groups/${listed.data[0].id}`)).toEqual({ ...group, id: listed.data[0].id });
  });

  test('pages with limit and after', async () => {
    const { directory, c } = await newDirectory();
    for (const name of ['G1', 'G2', 'G3']) await pushGroup(c, name);
    const first = await get(`/api/v1/directory-groups?directory_id=${directory.id}&limit=2`);
    expect([names(first), first.list_metadata]).toEqual([['G1', 'G2'], { after: first.data[1].id }]);
    const second = await get(`/api/v1/directory-groups?directory_id=${directory.id}&limit=2&after=${first.list_metadata.after}`);
    expect([names(second), second.list_metadata]).toEqual([['G3'], { after: null }]);
  });

  test('an environment key sees only its environment; another tenant answers 404', async () => {
    const a = await newDirectory();
    const b = await newDirectory();
    await pushGroup(a.c, 'Mine');
    await pushGroup(b.c, 'Theirs');
    const keyA = await makeApiKey(t.app, a.env.id);
    const [theirs] = (await get(`/api/v1/directory-groups?directory_id=${b.directory.id}`)).data;

    expect(names(await get('/api/v1/directory-groups?limit=100', bearer(keyA)))).toEqual(['Mine']);
    for (const path of [
      `/api/v1/directory-groups/${theirs.id}`,
      `/api/v1/directory-groups/${theirs.id}/users`,
    ]) {
      const res = await request(t.app).get(path).set(bearer(keyA));
      expect({ path, status: res.status, body: res.body }).toEqual({ path, status: 404, body: groupNotFound });
    }
    const otherDirectory = await request(t.app).get(`/api/v1/directory-groups?directory_id=${b.directory.id}`).set(bearer(keyA));
    expect([otherDirectory.status, otherDirectory.body]).toEqual([404, dirNotFound]);
    for (const id of [MISSING_GROUP, 'directory_group_x', b.directory.id]) {
      const res = await request(t.app).get(`/api/v1/directory-groups/${id}`).set(admin);
      expect({ id, status: res.status, body: res.body }).toEqual({ id, status: 404, body: groupNotFound });
    }
    expect((await request(t.app).get('/api/v1/directory-groups')).status).toBe(401);
  });

  test('invalid query parameters answer 400', async () => {
    const cases: [string, unknown][] = [
      ['/api/v1/directory-groups?limit=0', invalid('limit')],
      ['/api/v1/directory-groups?limit=101', invalid('limit')],
      ['/api/v1/directory-groups?state=active', invalid('state')],
      ['/api/v1/directory-groups?after=bogus', badCursor],
      [`/api/v1/directory-groups?after=directory_user_${'0'.repeat(26)}`, badCursor],
    ];
    for (const [path, body] of cases) {
      const res = await request(t.app).get(path).set(admin);
      expect({ path, status: res.status, body: res.body }).toEqual({ path, status: 400, body });
    }
  });
});

describe('GET /api/v1/directory-groups/{id}/users', () => {
  test('lists members who have a directory user, paged; a deactivated member leaves under the secure policy', async () => {
    const { directory, c } = await newDirectory('secure');
    const ids = [];
    for (const name of ['m1', 'm2', 'm3', 'out']) ids.push(await pushUser(c, `${name}@acme.test`));
    const scimGroup = await pushGroup(c, 'Team', ids.slice(0, 3));
    const other = await pushGroup(c, 'Other', [ids[3]]);
    const [team, otherGroup] = (await get(`/api/v1/directory-groups?directory_id=${directory.id}`)).data;
    const path = `/api/v1/directory-groups/${team.id}/users`;

    const first = await get(`${path}?limit=2`);
    expect([usernames(first), first.list_metadata]).toEqual([['m1@acme.test', 'm2@acme.test'], { after: first.data[1].id }]);
    expect(first.data[0]).toEqual(
      (await get(`/api/v1/directory-users/${first.data[0].id}`)),
    );
    expect(first.data[0].groups).toEqual([{ object: 'directory_group', id: team.id, name: 'Team' }]);
    const second = await get(`${path}?limit=2&after=${first.list_metadata.after}`);
    expect([usernames(second), second.list_metadata]).toEqual([['m3@acme.test'], { after: null }]);

    const deactivated = await c.patch(`/Users/${ids[1]}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', path: 'active', value: false }],
    });
    expect(deactivated.status).toBe(200);
    expect(usernames(await get(path))).toEqual(['m1@acme.test', 'm3@acme.test']);
    // The SCIM membership is kept (the IdP still lists the person); only apps stop seeing them.
    const scimTeam = await c.get(`/Groups/${scimGroup}`);
    expect(scimTeam.body.members.map((m: { value: string }) => m.value).sort()).toEqual(ids.slice(0, 3).sort());
    expect(usernames(await get(`/api/v1/directory-groups/${otherGroup.id}/users`))).toEqual(['out@acme.test']);
    expect(other).toBe(otherGroup.idp_id);
  });

  test('rejects bad paging parameters and unknown groups', async () => {
    const { c, directory } = await newDirectory();
    await pushGroup(c, 'Empty');
    const [group] = (await get(`/api/v1/directory-groups?directory_id=${directory.id}`)).data;
    expect(await get(`/api/v1/directory-groups/${group.id}/users`)).toEqual({ data: [], list_metadata: { after: null } });
    const cases: [string, number, unknown][] = [
      [`/api/v1/directory-groups/${group.id}/users?after=${group.id}`, 400, badCursor],
      [`/api/v1/directory-groups/${group.id}/users?limit=500`, 400, invalid('limit')],
      [`/api/v1/directory-groups/${group.id}/users?state=active`, 400, invalid('state')],
      [`/api/v1/directory-groups/${MISSING_GROUP}/users`, 404, groupNotFound],
    ];
    for (const [path, status, body] of cases) {
      const res = await request(t.app).get(path).set(admin);
      expect({ path, status: res.status, body: res.body }).toEqual({ path, status, body });
    }
  });
});
