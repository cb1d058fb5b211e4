import { makeDirectory } from '../support/factories';
import { GROUP_SCHEMA, LIST_RESPONSE, PATCH_OP, USER_SCHEMA, scimClient, scimError } from '../support/scimClient';
import { PUBLIC_URL, TestApp, createTestApp } from '../support/testApp';

/**
 * RFC 7644 Groups: create, read, list, PATCH of members (the way Okta and Entra manage
 * membership), PUT, DELETE, and the version (ETag) that moves with every member change.
 */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp(process.env.DEBUG_LOG ? { LOG_LEVEL: 'error' } : {});
});
afterAll(() => t.close());

type Client = ReturnType<typeof scimClient>;
type User = { id: string; userName: string; displayName?: string };

async function newClient(): Promise<Client> {
  return scimClient(t.app, await makeDirectory(t.app));
}

async function makeUsers(c: Client, n: number): Promise<User[]> {
  const users: User[] = [];
  for (let i = 0; i < n; i++) {
    // Every other user has a displayName, so both sources of members[].display are covered.
    const body = { schemas: [USER_SCHEMA], userName: `user${i}@acme.test`, ...(i % 2 === 0 ? { displayName: `User ${i}` } : {}) };
    const res = await c.post('/Users', body);
    expect(res.status).toBe(201);
    users.push(res.body);
  }
  return users;
}

/** members[] as RFC 7643 §4.2 returns them: display falls back to userName when there is no displayName. */
const member = (c: Client, u: User) => ({
  value: u.id,
  display: u.displayName ?? u.userName,
  $ref: `${PUBLIC_URL}${c.prefix}/Users/${u.id}`,
  type: 'User',
});

/** Members added in one request share a timestamp and are listed by id; compare as sets. */
const byValue = <T extends { value: string }>(list: T[]) => [...list].sort((a, b) => a.value.localeCompare(b.value));

function groupBody(c: Client, id: string, displayName: string, version: number, extra: Record<string, unknown> = {}) {
  return {
    schemas: [GROUP_SCHEMA],
    id,
    displayName,
    meta: {
      resourceType: 'Group',
      created: expect.any(String),
      lastModified: expect.any(String),
      location: `${PUBLIC_URL}${c.prefix}/Groups/${id}`,
      version: `W/"${version}"`,
    },
    ...extra,
  };
}

const patch = (...Operations: Record<string, unknown>[]) => ({ schemas: [PATCH_OP], Operations });

async function membersOf(c: Client, groupId: string): Promise<string[]> {
  const res = await c.get(`/Groups/${groupId}`);
  expect(res.status).toBe(200);
  return ((res.body.members ?? []) as { value: string }[]).map((m) => m.value).sort();
}

describe('POST /Groups', () => {
  test('without members: 201, Location, ETag, and an empty member list', async () => {
    const c = await newClient();
    const res = await c.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Engineering', externalId: 'okta-eng' });
    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
    expect(res.headers.location).toBe(`${PUBLIC_URL}${c.prefix}/Groups/${res.body.id}`);
    expect(res.headers.etag).toBe('W/"1"');
    // RFC 7643 §2.5: an empty multi-valued attribute is the same state as an absent one.
    expect(res.body).toEqual(groupBody(c, res.body.id, 'Engineering', 1, { externalId: 'okta-eng', members: [] }));
    expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('with members: they are stored and returned with value, display, $ref and type', async () => {
    const c = await newClient();
    const users = await makeUsers(c, 2);
    const res = await c.post('/Groups', {
      schemas: [GROUP_SCHEMA],
      displayName: 'Sales',
      members: users.map((u) => ({ value: u.id })),
    });
    expect(res.status).toBe(201);
    expect({ ...res.body, members: byValue(res.body.members) }).toEqual(
      groupBody(c, res.body.id, 'Sales', 1, { members: byValue(users.map((u) => member(c, u))) }),
    );
    const got = await c.get(`/Groups/${res.body.id}`);
    expect(got.status).toBe(200);
    expect(got.headers.etag).toBe('W/"1"');
    expect(got.body).toEqual(res.body);
  });

  test('a member id that does not exist is 400 invalidValue and no group is created', async () => {
    const c = await newClient();
    const [u] = await makeUsers(c, 1);
    const missing = '00000000-0000-4000-8000-000000000000';
    for (const value of [missing, 'not-a-uuid']) {
      const res = await c.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Ghosts', members: [{ value: u.id }, { value }] });
      expect(res.status).toBe(400);
      expect(res.body).toEqual(scimError(400, 'invalidValue'));
    }
    const list = await c.get('/Groups');
    expect(list.body.totalResults).toBe(0);
  });
});

describe('GET /Groups list', () => {
  test('excludedAttributes=members leaves the members key out; filter by displayName finds one group', async () => {
    const c = await newClient();
    const users = await makeUsers(c, 1);
    const a = (await c.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Alpha', members: [{ value: users[0].id }] })).body;
    const b = (await c.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Beta' })).body;

    const all = await c.get('/Groups?excludedAttributes=members');
    expect(all.status).toBe(200);
    expect(all.body).toEqual({
      schemas: [LIST_RESPONSE],
      totalResults: 2,
      itemsPerPage: 2,
      startIndex: 1,
      Resources: [groupBody(c, a.id, 'Alpha', 1), groupBody(c, b.id, 'Beta', 1)],
    });
    for (const g of all.body.Resources) expect(Object.keys(g)).not.toContain('members');

    const one = await c.get(`/Groups/${a.id}?excludedAttributes=members`);
    expect(one.body).toEqual(groupBody(c, a.id, 'Alpha', 1));

    const filtered = await c.get(`/Groups?filter=${encodeURIComponent('displayName eq "Alpha"')}`);
    expect(filtered.status).toBe(200);
    expect(filtered.body).toEqual({
      schemas: [LIST_RESPONSE],
      totalResults: 1,
      itemsPerPage: 1,
      startIndex: 1,
      Resources: [groupBody(c, a.id, 'Alpha', 1, { members: [member(c, users[0])] })],
    });

    const none = await c.get(`/Groups?filter=${encodeURIComponent('displayName eq "Gamma"')}`);
    expect(none.body).toEqual({ schemas: [LIST_RESPONSE], totalResults: 0, itemsPerPage: 0, startIndex: 1, Resources: [] });
  });
});

describe('PATCH /Groups/{id} members', () => {
  test('add (value array), remove by filter, add+remove together, replace, replace with []; each bumps the version', async () => {
    const c = await newClient();
    const [u0, u1, u2, u3] = await makeUsers(c, 4);
    const { body: g } = await c.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Ops' });
    const path = `/Groups/${g.id}`;

    const added = await c.patch(path, patch({ op: 'add', path: 'members', value: [{ value: u0.id }, { value: u1.id }] }));
    expect(added.status).toBe(200);
    expect(added.headers.etag).toBe('W/"2"');
    expect({ ...added.body, members: byValue(added.body.members) }).toEqual(
      groupBody(c, g.id, 'Ops', 2, { members: byValue([member(c, u0), member(c, u1)]) }),
    );

    const removed = await c.patch(path, patch({ op: 'remove', path: `members[value eq "${u0.id}"]` }));
    expect(removed.status).toBe(200);
    expect(removed.headers.etag).toBe('W/"3"');
    expect(removed.body).toEqual(groupBody(c, g.id, 'Ops', 3, { members: [member(c, u1)] }));

    const both = await c.patch(
      path,
      patch({ op: 'add', path: 'members', value: [{ value: u2.id }] }, { op: 'remove', path: `members[value eq "${u1.id}"]` }),
    );
    expect(both.status).toBe(200);
    expect(both.body).toEqual(groupBody(c, g.id, 'Ops', 4, { members: [member(c, u2)] }));

    const replaced = await c.patch(path, patch({ op: 'replace', path: 'members', value: [{ value: u3.id }, { value: u0.id }] }));
    expect(replaced.status).toBe(200);
    expect({ ...replaced.body, members: byValue(replaced.body.members) }).toEqual(
      groupBody(c, g.id, 'Ops', 5, { members: byValue([member(c, u3), member(c, u0)]) }),
    );

    const emptied = await c.patch(path, patch({ op: 'replace', path: 'members', value: [] }));
    expect(emptied.status).toBe(200);
    expect(emptied.headers.etag).toBe('W/"6"');
    expect(emptied.body).toEqual(groupBody(c, g.id, 'Ops', 6, { members: [] }));
    expect(await membersOf(c, g.id)).toEqual([]);
  });

  test('adding a member already present changes nothing and keeps the version', async () => {
    const c = await newClient();
    const [u0] = await makeUsers(c, 1);
    const { body: g } = await c.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Ops', members: [{ value: u0.id }] });
    const res = await c.patch(`/Groups/${g.id}`, patch({ op: 'add', path: 'members', value: [{ value: u0.id }] }));
    expect(res.status).toBe(200);
    expect(res.body).toEqual(groupBody(c, g.id, 'Ops', 1, { members: [member(c, u0)] }));
  });

  test('a member id that does not exist is 400 invalidValue and nothing changes', async () => {
    const c = await newClient();
    const [u0, u1] = await makeUsers(c, 2);
    const { body: g } = await c.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Ops', members: [{ value: u0.id }] });
    const before = await c.get(`/Groups/${g.id}`);
    for (const value of ['00000000-0000-4000-8000-000000000000', 'nope']) {
      // The valid member and the rename in the same request must not be applied either.
      const res = await c.patch(
        `/Groups/${g.id}`,
        patch({ op: 'add', path: 'members', value: [{ value: u1.id }, { value }] }, { op: 'replace', path: 'displayName', value: 'Renamed' }),
      );
      expect(res.status).toBe(400);
      expect(res.body).toEqual(scimError(400, 'invalidValue'));
    }
    expect((await c.get(`/Groups/${g.id}`)).body).toEqual(before.body);
  });

  test('10 concurrent PATCHes each adding a different user end with all 10 members', async () => {
    const c = await newClient();
    const users = await makeUsers(c, 10);
    const { body: g } = await c.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Everyone' });
    const results = await Promise.all(
      users.map((u) => c.patch(`/Groups/${g.id}`, patch({ op: 'add', path: 'members', value: [{ value: u.id }] }))),
    );
    expect(results.map((r) => r.status)).toEqual(users.map(() => 200));
    const final = await c.get(`/Groups/${g.id}`);
    expect({ ...final.body, members: byValue(final.body.members) }).toEqual(
      groupBody(c, g.id, 'Everyone', 11, { members: byValue(users.map((u) => member(c, u))) }),
    );
  });
});

describe('renaming, replacing and deleting groups', () => {
  test('rename by PATCH replace with a value object carrying id and displayName (Entra)', async () => {
    const c = await newClient();
    const [u0] = await makeUsers(c, 1);
    const { body: g } = await c.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Old', members: [{ value: u0.id }] });
    const res = await c.patch(`/Groups/${g.id}`, patch({ op: 'replace', value: { id: g.id, displayName: 'New' } }));
    expect(res.status).toBe(200);
    expect(res.body).toEqual(groupBody(c, g.id, 'New', 2, { members: [member(c, u0)] }));
    expect((await c.get(`/Groups/${g.id}`)).body).toEqual(res.body);
  });

  test('PUT replaces the name and the member list; omitting members empties it (RFC 7644 §3.5.1)', async () => {
    const c = await newClient();
    const [u0, u1] = await makeUsers(c, 2);
    const { body: g } = await c.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Old', members: [{ value: u0.id }] });
    const put = await c.put(`/Groups/${g.id}`, { schemas: [GROUP_SCHEMA], displayName: 'New', members: [{ value: u1.id }] });
    expect(put.status).toBe(200);
    expect(put.headers.etag).toBe('W/"2"');
    expect(put.body).toEqual(groupBody(c, g.id, 'New', 2, { members: [member(c, u1)] }));

    const bare = await c.put(`/Groups/${g.id}`, { schemas: [GROUP_SCHEMA], displayName: 'Newer' });
    expect(bare.status).toBe(200);
    expect(bare.body).toEqual(groupBody(c, g.id, 'Newer', 3, { members: [] }));
    expect(await membersOf(c, g.id)).toEqual([]);
  });

  test('DELETE is 204, then the group is 404 for GET, PATCH, PUT and DELETE', async () => {
    const c = await newClient();
    const [u0] = await makeUsers(c, 1);
    const { body: g } = await c.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Temp', members: [{ value: u0.id }] });
    const del = await c.delete(`/Groups/${g.id}`);
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    for (const res of [
      await c.get(`/Groups/${g.id}`),
      await c.patch(`/Groups/${g.id}`, patch({ op: 'replace', path: 'displayName', value: 'x' })),
      await c.put(`/Groups/${g.id}`, { schemas: [GROUP_SCHEMA], displayName: 'x' }),
      await c.delete(`/Groups/${g.id}`),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body).toEqual(scimError(404));
    }
    // The user is untouched.
    expect((await c.get(`/Users/${u0.id}`)).status).toBe(200);
  });

  test('deleting a user removes it from its groups', async () => {
    const c = await newClient();
    const [u0, u1] = await makeUsers(c, 2);
    const { body: g } = await c.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Pair', members: [{ value: u0.id }, { value: u1.id }] });
    expect((await c.delete(`/Users/${u0.id}`)).status).toBe(204);
    const got = await c.get(`/Groups/${g.id}`);
    expect(got.status).toBe(200);
    expect(got.body.members).toEqual([member(c, u1)]);
    const rows = await t.dataSource.query(`SELECT user_id FROM scim_group_members WHERE group_id = $1`, [g.id]);
    expect(rows).toEqual([{ user_id: u1.id }]);
  });
});
