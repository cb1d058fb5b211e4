import request from 'supertest';
import { makeApiKey, makeDirectory, makeEnvironment } from '../support/factories';
import { ENTERPRISE, GROUP_SCHEMA, PATCH_OP, USER_SCHEMA, scimClient } from '../support/scimClient';
import { ADMIN_KEY, TestApp, createTestApp } from '../support/testApp';

/**
 * GET /api/v1/directory-users: the people an app sees, pushed through the real SCIM
 * endpoint and read back through the admin API.
 */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

type Client = ReturnType<typeof scimClient>;
type ListedUser = { id: string; username: string; idp_id: string; state: string; lifecycle: string };

const admin = { Authorization: `Bearer ${ADMIN_KEY}` };
const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
const USER_ID = expect.stringMatching(/^directory_user_[0-9A-HJKMNP-TV-Z]{26}$/);
const ACME = 'urn:acme:scim:1.0:User';
const MISSING_USER = `directory_user_${'0'.repeat(26)}`;

const userNotFound = { error: { code: 'not_found', message: 'Directory user not found' } };
const dirNotFound = { error: { code: 'not_found', message: 'Directory not found' } };
const invalid = (field: string) => ({
  error: {
    code: 'invalid_request',
    message: expect.stringMatching(new RegExp(`^${field}: `)),
    details: { errors: [{ field, message: expect.any(String) }] },
  },
});

/** A directory in a new environment with the given policy, and a SCIM client for it. */
async function newDirectory(opts: { policy?: 'secure' | 'retain'; domains?: string[] } = {}) {
  const env = await makeEnvironment(t.app, { inactive_policy: opts.policy ?? 'secure' });
  const directory = await makeDirectory(t.app, { environment_id: env.id, domains: opts.domains ?? ['acme.test'] });
  return { env, directory, c: scimClient(t.app, directory) };
}

/** Creates a SCIM user with one work email and returns its SCIM id. */
async function pushUser(c: Client, userName: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await c.post('/Users', {
    schemas: [USER_SCHEMA],
    userName,
    emails: [{ value: userName, type: 'work', primary: true }],
    ...extra,
  });
  expect(res.status).toBe(201);
  return res.body.id;
}

/** Deactivates a SCIM user the way Okta and Entra do (RFC 7644 §3.5.2 PATCH). */
async function deactivate(c: Client, scimId: string) {
  const res = await c.patch(`/Users/${scimId}`, {
    schemas: [PATCH_OP],
    Operations: [{ op: 'replace', path: 'active', value: false }],
  });
  expect(res.status).toBe(200);
}

/** GETs a list and returns its body after checking the status. */
async function list(query: string, auth: Record<string, string> = admin) {
  const res = await request(t.app).get(`/api/v1/directory-users?${query}`).set(auth);
  expect({ query, status: res.status }).toEqual({ query, status: 200 });
  return res.body as { data: ListedUser[]; list_metadata: { after: string | null } };
}

const usernames = (body: { data: { username: string }[] }) => body.data.map((u) => u.username);

describe('GET /api/v1/directory-users/{id}', () => {
  test('maps the SCIM resource: names, emails, title, extension attributes, raw attributes without password, groups', async () => {
    const { env, directory, c } = await newDirectory();
    const scimId = await pushUser(c, 'ada@acme.test', {
      schemas: [USER_SCHEMA, ENTERPRISE, ACME],
      externalId: 'okta-00u1',
      password: 't0p-s3cret!',
      name: { givenName: 'Ada', familyName: 'Lovelace' },
      title: 'Engineer',
      emails: [
        { value: 'ada@acme.test', type: 'work', primary: true },
        { value: 'ada@home.test', type: 'home' },
      ],
      [ENTERPRISE]: { department: 'R&D', employeeNumber: '42', manager: { value: 'boss-1' } },
      [ACME]: { badge: 'B-7' },
    });
    const group = await c.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Engineering', members: [{ value: scimId }] });
    expect(group.status).toBe(201);

    const listed = await list(`directory_id=${directory.id}`);
    expect(listed.data).toHaveLength(1);
    const groupId = (await request(t.app).get(`/api/v1/directory-groups?directory_id=${directory.id}`).set(admin)).body
      .data[0].id;

    const res = await request(t.app).get(`/api/v1/directory-users/${listed.data[0].id}`).set(admin);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      object: 'directory_user',
      id: USER_ID,
      directory_id: directory.id,
      environment_id: env.id,
      idp_id: scimId,
      external_id: 'okta-00u1',
      username: 'ada@acme.test',
      emails: [
        { value: 'ada@acme.test', type: 'work', primary: true },
        { value: 'ada@home.test', type: 'home', primary: false },
      ],
      first_name: 'Ada',
      last_name: 'Lovelace',
      job_title: 'Engineer',
      state: 'active',
      lifecycle: 'current',
      last_seen_at: null,
      idle_since: null,
      idle_action: null,
      groups: [{ object: 'directory_group', id: groupId, name: 'Engineering' }],
      custom_attributes: { department: 'R&D', employeeNumber: '42', manager_id: 'boss-1', badge: 'B-7' },
      raw_attributes: {
        schemas: [USER_SCHEMA, ENTERPRISE, ACME],
        externalId: 'okta-00u1',
        userName: 'ada@acme.test',
        name: { givenName: 'Ada', familyName: 'Lovelace' },
        title: 'Engineer',
        emails: [
          { value: 'ada@acme.test', type: 'work', primary: true },
          { value: 'ada@home.test', type: 'home' },
        ],
        [ENTERPRISE]: { department: 'R&D', employeeNumber: '42', manager: { value: 'boss-1' } },
        [ACME]: { badge: 'B-7' },
      },
      created_at: ISO,
      updated_at: ISO,
    });
    // The list shows the same user the same way.
    expect(listed).toEqual({ data: [res.body], list_metadata: { after: null } });
  });

  test('404 for an unknown id, an id of another form, and a user of another environment', async () => {
    const a = await newDirectory();
    const b = await newDirectory();
    await pushUser(b.c, 'bob@acme.test');
    const [bob] = (await list(`directory_id=${b.directory.id}`)).data;
    const keyA = await makeApiKey(t.app, a.env.id);

    for (const id of [MISSING_USER, 'directory_user_x', b.directory.id]) {
      const res = await request(t.app).get(`/api/v1/directory-users/${id}`).set(admin);
      expect({ id, status: res.status, body: res.body }).toEqual({ id, status: 404, body: userNotFound });
    }
    const other = await request(t.app).get(`/api/v1/directory-users/${bob.id}`).set(bearer(keyA));
    expect([other.status, other.body]).toEqual([404, userNotFound]);
    const own = await request(t.app).get(`/api/v1/directory-users/${bob.id}`).set(bearer(await makeApiKey(t.app, b.env.id)));
    expect([own.status, own.body.id]).toEqual([200, bob.id]);
    const anonymous = await request(t.app).get(`/api/v1/directory-users/${bob.id}`);
    expect(anonymous.status).toBe(401);
  });

  test('under the secure policy a deactivated person is gone from the API', async () => {
    const { directory, c } = await newDirectory({ policy: 'secure' });
    const scimId = await pushUser(c, 'gone@acme.test');
    const [user] = (await list(`directory_id=${directory.id}`)).data;
    await deactivate(c, scimId);
    const res = await request(t.app).get(`/api/v1/directory-users/${user.id}`).set(admin);
    expect([res.status, res.body]).toEqual([404, userNotFound]);
    expect(await list(`directory_id=${directory.id}`)).toEqual({ data: [], list_metadata: { after: null } });
  });
});

describe('GET /api/v1/directory-users filters', () => {
  test('state and lifecycle: current, past (retain policy) and external (no email in the directory domains)', async () => {
    const { directory, c } = await newDirectory({ policy: 'retain', domains: ['acme.test', 'acme.example'] });
    await pushUser(c, 'ada@acme.test');
    // Domains compare case-insensitively; the part after the last "@" is the domain.
    await pushUser(c, '"al@ice"@ACME.Example');
    await deactivate(c, await pushUser(c, 'bob@acme.test'));
    await pushUser(c, 'eve@partner.test', {
      emails: [
        { value: 'eve@partner.test', type: 'work', primary: true },
        { value: 'eve@acme.test.partner.test', type: 'other' },
      ],
    });
    await deactivate(c, await pushUser(c, 'mallory@partner.test'));
    await pushUser(c, 'noemail', { emails: [] });

    const all = await list(`directory_id=${directory.id}&limit=100`);
    expect(all.data.map((u) => [u.username, u.state, u.lifecycle])).toEqual([
      ['ada@acme.test', 'active', 'current'],
      ['"al@ice"@ACME.Example', 'active', 'current'],
      ['bob@acme.test', 'inactive', 'past'],
      ['eve@partner.test', 'active', 'external'],
      ['mallory@partner.test', 'inactive', 'external'],
      ['noemail', 'active', 'external'],
    ]);
    const q = (filter: string) => list(`directory_id=${directory.id}&${filter}`).then(usernames);
    expect(await q('lifecycle=current')).toEqual(['ada@acme.test', '"al@ice"@ACME.Example']);
    expect(await q('lifecycle=past')).toEqual(['bob@acme.test']);
    expect(await q('lifecycle=external')).toEqual(['eve@partner.test', 'mallory@partner.test', 'noemail']);
    expect(await q('state=active')).toEqual(['ada@acme.test', '"al@ice"@ACME.Example', 'eve@partner.test', 'noemail']);
    expect(await q('state=inactive')).toEqual(['bob@acme.test', 'mallory@partner.test']);
    expect(await q('state=inactive&lifecycle=external')).toEqual(['mallory@partner.test']);
    expect(await q('state=active&lifecycle=past')).toEqual([]);
  });

  test('a directory without domains calls nobody external', async () => {
    const { directory, c } = await newDirectory({ domains: [] });
    await pushUser(c, 'eve@partner.test');
    const body = await list(`directory_id=${directory.id}`);
    expect(body.data.map((u) => u.lifecycle)).toEqual(['current']);
    expect(await list(`directory_id=${directory.id}&lifecycle=external`)).toEqual({ data: [], list_metadata: { after: null } });
  });

  test('changing the directory domains changes who is external at once', async () => {
    const { directory, c } = await newDirectory({ domains: ['acme.test'] });
    await pushUser(c, 'eve@partner.test');
    expect(usernames(await list(`directory_id=${directory.id}&lifecycle=external`))).toEqual(['eve@partner.test']);
    const patched = await request(t.app)
      .patch(`/api/v1/directories/${directory.id}`)
      .set(admin)
      .send({ domains: ['acme.test', 'Partner.test'] });
    expect(patched.status).toBe(200);
    expect(usernames(await list(`directory_id=${directory.id}&lifecycle=current`))).toEqual(['eve@partner.test']);
  });
});

describe('GET /api/v1/directory-users paging and scope', () => {
  test('pages with limit and after, oldest first', async () => {
    const { directory, c } = await newDirectory();
    for (const name of ['u1', 'u2', 'u3']) await pushUser(c, `${name}@acme.test`);
    const first = await list(`directory_id=${directory.id}&limit=2`);
    expect(usernames(first)).toEqual(['u1@acme.test', 'u2@acme.test']);
    expect(first.list_metadata).toEqual({ after: first.data[1].id });
    const second = await list(`directory_id=${directory.id}&limit=2&after=${first.list_metadata.after}`);
    expect(usernames(second)).toEqual(['u3@acme.test']);
    expect(second.list_metadata).toEqual({ after: null });
    const exact = await list(`directory_id=${directory.id}&limit=3`);
    expect([exact.data.length, exact.list_metadata.after]).toEqual([3, null]);
    const byDefault = await list(`directory_id=${directory.id}`);
    expect(byDefault.data.length).toBe(3);
  });

  test('an environment key sees only its environment; without directory_id it lists all of them', async () => {
    const a1 = await newDirectory();
    const a2 = await makeDirectory(t.app, { environment_id: a1.env.id });
    const b = await newDirectory();
    await pushUser(a1.c, 'a1@acme.test');
    await pushUser(scimClient(t.app, a2), 'a2@acme.test');
    await pushUser(b.c, 'b@acme.test');
    const keyA = await makeApiKey(t.app, a1.env.id);

    expect(usernames(await list('limit=100', bearer(keyA)))).toEqual(['a1@acme.test', 'a2@acme.test']);
    expect(usernames(await list(`directory_id=${a2.id}`, bearer(keyA)))).toEqual(['a2@acme.test']);
    const other = await request(t.app).get(`/api/v1/directory-users?directory_id=${b.directory.id}`).set(bearer(keyA));
    expect([other.status, other.body]).toEqual([404, dirNotFound]);
    // The operator sees every environment.
    expect(usernames(await list(`directory_id=${b.directory.id}`))).toEqual(['b@acme.test']);
    const everyone = await list('limit=100');
    expect(everyone.data.length).toBeGreaterThanOrEqual(3);
  });

  test('invalid query parameters answer 400 with the error shape', async () => {
    const cases: [string, unknown][] = [
      ['limit=0', invalid('limit')],
      ['limit=101', invalid('limit')],
      ['limit=abc', invalid('limit')],
      ['state=deleted', invalid('state')],
      ['lifecycle=former', invalid('lifecycle')],
      ['colour=red', invalid('colour')],
      ['after=bogus', { error: { code: 'invalid_request', message: 'after is not a valid cursor' } }],
      [`after=directory_group_${'0'.repeat(26)}`, { error: { code: 'invalid_request', message: 'after is not a valid cursor' } }],
    ];
    for (const [query, body] of cases) {
      const res = await request(t.app).get(`/api/v1/directory-users?${query}`).set(admin);
      expect({ query, status: res.status, body: res.body }).toEqual({ query, status: 400, body });
    }
    const unknownDirectory = await request(t.app).get('/api/v1/directory-users?directory_id=nope').set(admin);
    expect([unknownDirectory.status, unknownDirectory.body]).toEqual([404, dirNotFound]);
    expect((await request(t.app).get('/api/v1/directory-users')).status).toBe(401);
  });
});
