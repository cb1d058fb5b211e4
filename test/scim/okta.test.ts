import { makeDirectory, makeEnvironment } from '../support/factories';
import { Placeholders, loadRecording, replayer } from '../support/replay';
import { GROUP_SCHEMA, LIST_RESPONSE, USER_SCHEMA, scimClient, scimError } from '../support/scimClient';
import { PUBLIC_URL, TestApp, createTestApp } from '../support/testApp';

/**
 * What Okta's SCIM 2.0 client sends, replayed from test/fixtures/okta/ against the real
 * app and PostgreSQL: the user lifecycle (existence check, create, deactivate, reactivate)
 * and Group Push. Sequences follow developer.okta.com/docs/api/openapi/okta-scim/guides/scim-20.
 */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp(process.env.DEBUG_LOG ? { LOG_LEVEL: 'error' } : {});
});
afterAll(() => t.close());

type Directory = Awaited<ReturnType<typeof makeDirectory>>;

/**
 * A directory in a new environment. `retain` keeps an inactive person's profile, so a
 * sequence can show every attribute surviving deactivation; `secure` is the default.
 */
async function newDirectory(inactivePolicy: 'secure' | 'retain' = 'secure') {
  const environment = await makeEnvironment(t.app, { inactive_policy: inactivePolicy });
  const directory = await makeDirectory(t.app, { provider: 'okta', environment_id: environment.id });
  return { directory, c: scimClient(t.app, directory), send: replayer(t.app, directory) };
}

const BARBARA = 'barbara.jensen@example.com';
const existenceCheck = (userName: string) =>
  `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}&startIndex=1&count=100`;

/** The user Okta's create-user recording makes, as we return it (no password, no empty groups). */
function barbara(directory: Directory, id: string, version: number, active: boolean) {
  return {
    schemas: [USER_SCHEMA],
    id,
    externalId: '00u1a2b3c4d5e6f7g8h9',
    meta: {
      resourceType: 'User',
      created: expect.any(String),
      lastModified: expect.any(String),
      location: `${PUBLIC_URL}/scim/v2/${directory.id}/Users/${id}`,
      version: `W/"${version}"`,
    },
    userName: BARBARA,
    name: { givenName: 'Barbara', familyName: 'Jensen' },
    displayName: 'Barbara Jensen',
    locale: 'en-US',
    active,
    emails: [{ value: BARBARA, type: 'work', primary: true }],
  };
}

describe('Okta user lifecycle', () => {
  test('existence check, create with application/json, duplicate, look-up by userName', async () => {
    const { directory, c, send } = await newDirectory();

    const absent = await c.get(existenceCheck(BARBARA));
    expect(absent.status).toBe(200);
    expect(absent.body).toEqual({ schemas: [LIST_RESPONSE], totalResults: 0, itemsPerPage: 0, startIndex: 1, Resources: [] });

    const created = await send('okta', 'create-user', {}, { contentType: 'application/json' });
    expect(created.status).toBe(201);
    expect(created.headers['content-type']).toMatch(/^application\/scim\+json/);
    const id = created.body.id;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.headers.location).toBe(`${PUBLIC_URL}/scim/v2/${directory.id}/Users/${id}`);
    expect(created.body).toEqual(barbara(directory, id, 1, true));

    // RFC 7643 §4.1.1: password is writeOnly; it is neither returned nor kept.
    const got = await c.get(`/Users/${id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(barbara(directory, id, 1, true));
    const stored = await t.dataSource.query(`SELECT resource::text AS r FROM scim_users WHERE id = $1`, [id]);
    expect(stored[0].r).not.toContain('t1meMa$heen-42');

    const found = await c.get(existenceCheck(BARBARA));
    expect(found.status).toBe(200);
    expect(found.body).toEqual({
      schemas: [LIST_RESPONSE],
      totalResults: 1,
      itemsPerPage: 1,
      startIndex: 1,
      Resources: [barbara(directory, id, 1, true)],
    });

    // RFC 7644 §3.3: a second create with the same userName is a 409 uniqueness, not a second user.
    const duplicate = await send('okta', 'create-user', {}, { contentType: 'application/json' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toEqual(scimError(409, 'uniqueness'));
    expect((await c.get('/Users')).body.totalResults).toBe(1);
  });

  test('the recorded content type (application/scim+json; charset=utf-8) is accepted too', async () => {
    const { directory, send } = await newDirectory();
    expect(loadRecording('okta', 'create-user').headers['content-type']).toBe('application/scim+json; charset=utf-8');
    const created = await send('okta', 'create-user');
    expect(created.status).toBe(201);
    expect(created.body).toEqual(barbara(directory, created.body.id, 1, true));
  });

  test('deactivate and reactivate by path-less PATCH, then deactivate by PUT (retain policy)', async () => {
    const { directory, c, send } = await newDirectory('retain');
    const { body: user } = await send('okta', 'create-user', {}, { contentType: 'application/json' });
    const ids: Placeholders = { userId: user.id };

    const deactivated = await send('okta', 'deactivate-user-patch', ids);
    expect(deactivated.status).toBe(200);
    expect(deactivated.headers.etag).toBe('W/"2"');
    expect(deactivated.body).toEqual(barbara(directory, user.id, 2, false));
    expect((await c.get(`/Users/${user.id}`)).body).toEqual(barbara(directory, user.id, 2, false));

    const reactivated = await send('okta', 'reactivate-user-patch', ids);
    expect(reactivated.status).toBe(200);
    expect(reactivated.body).toEqual(barbara(directory, user.id, 3, true));
    expect((await c.get(`/Users/${user.id}`)).body).toEqual(barbara(directory, user.id, 3, true));

    // The PUT carries id, groups: [] and meta from Okta's copy; the server's own win.
    const put = await send('okta', 'deactivate-user-put', ids);
    expect(put.status).toBe(200);
    expect(put.body).toEqual(barbara(directory, user.id, 4, false));
    const after = await c.get(`/Users/${user.id}`);
    expect(after.body).toEqual(barbara(directory, user.id, 4, false));
    expect(after.body.meta.created).toBe(user.meta.created);

    // A deactivated user is still found by Okta's look-up.
    const found = await c.get(existenceCheck(BARBARA));
    expect(found.body.Resources).toEqual([barbara(directory, user.id, 4, false)]);
    const [row] = await t.dataSource.query(`SELECT active FROM scim_users WHERE id = $1`, [user.id]);
    expect(row.active).toBe(false);
  });

  test('under the secure policy a deactivated user keeps only the identifiers Okta needs to find it', async () => {
    const { directory, c, send } = await newDirectory('secure');
    const { body: user } = await send('okta', 'create-user', {}, { contentType: 'application/json' });
    const ids: Placeholders = { userId: user.id };
    const identifiers = (version: number, active: boolean) => ({
      schemas: [USER_SCHEMA],
      id: user.id,
      externalId: '00u1a2b3c4d5e6f7g8h9',
      meta: { ...barbara(directory, user.id, version, active).meta },
      userName: BARBARA,
      active,
    });

    const deactivated = await send('okta', 'deactivate-user-patch', ids);
    expect(deactivated.status).toBe(200);
    expect(deactivated.body).toEqual(identifiers(2, false));
    expect((await c.get(`/Users/${user.id}`)).body).toEqual(identifiers(2, false));
    // Okta's existence check must still find the id it holds, or it would create a second user.
    expect((await c.get(existenceCheck(BARBARA))).body.Resources).toEqual([identifiers(2, false)]);

    // Reactivation brings the person back with what was kept; the profile was not, and comes
    // back only when Okta pushes it again.
    const reactivated = await send('okta', 'reactivate-user-patch', ids);
    expect(reactivated.status).toBe(200);
    expect(reactivated.body).toEqual(identifiers(3, true));
    expect((await c.get(`/Users/${user.id}`)).body).toEqual(identifiers(3, true));

    const put = await send('okta', 'deactivate-user-put', ids);
    expect(put.status).toBe(200);
    expect(put.body).toEqual(identifiers(4, false));
    expect((await c.get(`/Users/${user.id}`)).body).toEqual(identifiers(4, false));
    const [row] = await t.dataSource.query(`SELECT resource FROM scim_users WHERE id = $1`, [user.id]);
    expect(row.resource).toEqual({ schemas: [USER_SCHEMA], userName: BARBARA, externalId: '00u1a2b3c4d5e6f7g8h9', active: false });
  });
});

describe('Okta Group Push', () => {
  type Client = ReturnType<typeof scimClient>;
  type User = { id: string; userName: string; displayName?: string };

  async function makeUser(c: Client, userName: string, displayName?: string): Promise<User> {
    const res = await c.post('/Users', { schemas: [USER_SCHEMA], userName, ...(displayName ? { displayName } : {}) });
    expect(res.status).toBe(201);
    return res.body;
  }

  const member = (directory: Directory, u: User) => ({
    value: u.id,
    display: u.displayName ?? u.userName,
    $ref: `${PUBLIC_URL}/scim/v2/${directory.id}/Users/${u.id}`,
    type: 'User',
  });

  function group(directory: Directory, id: string, displayName: string, version: number, members: User[]) {
    return {
      schemas: [GROUP_SCHEMA],
      id,
      displayName,
      meta: {
        resourceType: 'Group',
        created: expect.any(String),
        lastModified: expect.any(String),
        location: `${PUBLIC_URL}/scim/v2/${directory.id}/Groups/${id}`,
        version: `W/"${version}"`,
      },
      // Members added in one request share a timestamp and are listed by id.
      members: members.map((u) => member(directory, u)).sort((a, b) => a.value.localeCompare(b.value)),
    };
  }

  const sortedMembers = (body: { members?: { value: string }[] }) =>
    [...(body.members ?? [])].sort((a, b) => a.value.localeCompare(b.value));

  test('create with members, add + remove in one PATCH, replace the list (empty, then full), rename, delete', async () => {
    const { directory, c, send } = await newDirectory();
    const barbaraUser = await makeUser(c, BARBARA, 'Barbara Jensen');
    const mark = await makeUser(c, 'mark.pepper@example.com');
    const jane = await makeUser(c, 'jane.doe@example.com', 'Jane Doe');
    const ids: Placeholders = { userId: barbaraUser.id, memberId: mark.id, newMemberId: jane.id };

    const created = await send('okta', 'create-group-with-members', ids);
    expect(created.status).toBe(201);
    const groupId = created.body.id;
    const path = `/Groups/${groupId}`;
    expect(created.headers.location).toBe(`${PUBLIC_URL}/scim/v2/${directory.id}${path}`);
    expect({ ...created.body, members: sortedMembers(created.body) }).toEqual(
      group(directory, groupId, 'Tour Guides', 1, [barbaraUser, mark]),
    );
    const withIds = { ...ids, groupId };

    const addRemove = await send('okta', 'group-members-add-remove', withIds);
    expect(addRemove.status).toBe(200);
    expect({ ...addRemove.body, members: sortedMembers(addRemove.body) }).toEqual(
      group(directory, groupId, 'Tour Guides', 2, [barbaraUser, jane]),
    );
    const afterAddRemove = await c.get(path);
    expect({ ...afterAddRemove.body, members: sortedMembers(afterAddRemove.body) }).toEqual(
      group(directory, groupId, 'Tour Guides', 2, [barbaraUser, jane]),
    );

    const emptied = await send('okta', 'group-members-replace-empty', withIds);
    expect(emptied.status).toBe(200);
    expect(emptied.body).toEqual(group(directory, groupId, 'Tour Guides', 3, []));
    expect((await c.get(path)).body).toEqual(group(directory, groupId, 'Tour Guides', 3, []));

    const replaced = await send('okta', 'group-members-replace', withIds);
    expect(replaced.status).toBe(200);
    expect({ ...replaced.body, members: sortedMembers(replaced.body) }).toEqual(
      group(directory, groupId, 'Tour Guides', 4, [barbaraUser, jane]),
    );
    const afterReplace = await c.get(path);
    expect({ ...afterReplace.body, members: sortedMembers(afterReplace.body) }).toEqual(
      group(directory, groupId, 'Tour Guides', 4, [barbaraUser, jane]),
    );

    // Okta's rename sends the group's own id in the value; it must not be taken as a change of id.
    const renamed = await send('okta', 'group-rename-patch', withIds);
    expect(renamed.status).toBe(200);
    expect({ ...renamed.body, members: sortedMembers(renamed.body) }).toEqual(
      group(directory, groupId, 'Tour Guides EMEA', 5, [barbaraUser, jane]),
    );
    const afterRename = await c.get(path);
    expect({ ...afterRename.body, members: sortedMembers(afterRename.body) }).toEqual(
      group(directory, groupId, 'Tour Guides EMEA', 5, [barbaraUser, jane]),
    );

    // Group Push with "rename" via PUT: the whole group, members included.
    const put = await c.put(path, {
      schemas: [GROUP_SCHEMA],
      id: groupId,
      displayName: 'Tour Guides APAC',
      members: [{ value: mark.id, display: mark.userName }],
    });
    expect(put.status).toBe(200);
    expect(put.body).toEqual(group(directory, groupId, 'Tour Guides APAC', 6, [mark]));
    expect((await c.get(path)).body).toEqual(group(directory, groupId, 'Tour Guides APAC', 6, [mark]));

    const deleted = await c.delete(path);
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    const gone = await c.get(path);
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual(scimError(404));
    // Deleting a group leaves its former members in place.
    expect((await c.get(`/Users/${mark.id}`)).status).toBe(200);
  });

  test('a member id Okta sends that is not a user of this directory is a 400, and nothing changes', async () => {
    const other = await newDirectory();
    const stranger = await makeUser(other.c, 'stranger@example.com');
    const { directory, c, send } = await newDirectory();
    const barbaraUser = await makeUser(c, BARBARA);
    const mark = await makeUser(c, 'mark.pepper@example.com');
    const { body: created } = await send('okta', 'create-group-with-members', { userId: barbaraUser.id, memberId: mark.id });
    const res = await send('okta', 'group-members-add-remove', {
      groupId: created.id,
      memberId: mark.id,
      newMemberId: stranger.id,
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(scimError(400, 'invalidValue'));
    const got = await c.get(`/Groups/${created.id}`);
    expect({ ...got.body, members: sortedMembers(got.body) }).toEqual(
      group(directory, created.id, 'Tour Guides', 1, [barbaraUser, mark]),
    );
  });
});
