import { eventsSince, markEvents } from '../support/events';
import { makeDirectory } from '../support/factories';
import { GROUP_SCHEMA, PATCH_OP, USER_SCHEMA, scimClient } from '../support/scimClient';
import { TestApp, createTestApp } from '../support/testApp';

/**
 * Membership events follow the order of the request's operations (not the order of the
 * directory users' ids), and a user's deletion moves the version of every group it
 * leaves, so an IdP's cached group (ETag, RFC 7644 §3.14) is never served stale.
 */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

async function setUp(n: number) {
  const d = await makeDirectory(t.app, { provider: 'entra' });
  const c = scimClient(t.app, d);
  const users: { id: string; userName: string }[] = [];
  for (let i = 0; i < n; i++) {
    const res = await c.post('/Users', { schemas: [USER_SCHEMA], userName: `member${i}@acme.test` });
    expect(res.status).toBe(201);
    users.push(res.body);
  }
  return { d, c, users };
}

/** (type, userName) of each membership event since the mark, in event order. */
async function membershipEvents(mark: Awaited<ReturnType<typeof markEvents>>) {
  return (await eventsSince(t.dataSource, mark))
    .filter((e) => e.type.startsWith('group.user_'))
    .map((e) => [e.type, (e.data as { user: { username: string } }).user.username]);
}

test('a PATCH that adds and removes members records its events in the order of its operations', async () => {
  const { d, c, users } = await setUp(4);
  const [u0, u1, u2, u3] = users;
  const { body: g } = await c.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Order', members: [{ value: u1.id }] });
  const mark = await markEvents(t.dataSource, d.id);
  const res = await c.patch(`/Groups/${g.id}`, {
    schemas: [PATCH_OP],
    Operations: [
      { op: 'add', path: 'members', value: [{ value: u3.id }] },
      { op: 'remove', path: `members[value eq "${u1.id}"]` },
      { op: 'add', path: 'members', value: [{ value: u2.id }, { value: u0.id }] },
    ],
  });
  expect(res.status).toBe(200);
  expect(await membershipEvents(mark)).toEqual([
    ['group.user_added', u3.userName],
    ['group.user_removed', u1.userName],
    ['group.user_added', u2.userName],
    ['group.user_added', u0.userName],
  ]);
});

test('a POST or PUT records its members in the order the body lists them', async () => {
  const { d, c, users } = await setUp(3);
  const [u0, u1, u2] = users;
  let mark = await markEvents(t.dataSource, d.id);
  const { body: g } = await c.post('/Groups', {
    schemas: [GROUP_SCHEMA],
    displayName: 'Listed',
    members: [{ value: u2.id }, { value: u0.id }],
  });
  expect(await membershipEvents(mark)).toEqual([
    ['group.user_added', u2.userName],
    ['group.user_added', u0.userName],
  ]);
  mark = await markEvents(t.dataSource, d.id);
  const put = await c.put(`/Groups/${g.id}`, { schemas: [GROUP_SCHEMA], displayName: 'Listed', members: [{ value: u1.id }, { value: u2.id }] });
  expect(put.status).toBe(200);
  expect(await membershipEvents(mark)).toEqual([
    ['group.user_added', u1.userName],
    ['group.user_removed', u0.userName],
  ]);
});

test("deleting a user moves the version and lastModified of each group it was in, and no other group's", async () => {
  const { c, users } = await setUp(2);
  const [u0, u1] = users;
  const { body: joined } = await c.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Joined', members: [{ value: u0.id }, { value: u1.id }] });
  const { body: other } = await c.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Other', members: [{ value: u1.id }] });
  const before = await c.get(`/Groups/${joined.id}`);
  const otherBefore = await c.get(`/Groups/${other.id}`);

  expect((await c.delete(`/Users/${u0.id}`)).status).toBe(204);

  // The cached copy is stale: If-None-Match with the old ETag gets the new body, not 304.
  const after = await c.get(`/Groups/${joined.id}`).set('If-None-Match', before.headers.etag);
  expect(after.status).toBe(200);
  expect(after.headers.etag).toBe(`W/"${Number(before.body.meta.version.match(/\d+/)[0]) + 1}"`);
  expect(after.body.members.map((m: { value: string }) => m.value)).toEqual([u1.id]);
  expect(after.body.meta.version).not.toBe(before.body.meta.version);
  expect(Date.parse(after.body.meta.lastModified)).toBeGreaterThan(Date.parse(before.body.meta.lastModified));
  const unaffected = await c.get(`/Groups/${other.id}`).set('If-None-Match', otherBefore.headers.etag);
  expect(unaffected.status).toBe(304);
});
