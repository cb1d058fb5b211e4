import { makeDirectory, makeEnvironment } from '../support/factories';
import { Placeholders, RecordedRequest, loadRecording, replay, replayer } from '../support/replay';
import { ENTERPRISE, GROUP_SCHEMA, LIST_RESPONSE, PATCH_OP, USER_SCHEMA, scimClient, scimError } from '../support/scimClient';
import { PUBLIC_URL, TestApp, createTestApp } from '../support/testApp';

/**
 * What the Microsoft Entra ID provisioning service sends, replayed from
 * test/fixtures/entra/ against the real app and PostgreSQL. Behaviour follows
 * learn.microsoft.com/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups
 * and its list of known SCIM compliance issues (capitalised ops, "True"/"False" strings,
 * path-less replaces with attribute paths as keys under ?aadOptscim062020).
 */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp(process.env.DEBUG_LOG ? { LOG_LEVEL: 'error' } : {});
});
afterAll(() => t.close());

type Directory = Awaited<ReturnType<typeof makeDirectory>>;
type Client = ReturnType<typeof scimClient>;

/**
 * A directory in a new environment. `retain` keeps a disabled person's profile, so a
 * sequence can show every attribute surviving; `secure` is the default.
 */
async function newDirectory(inactivePolicy: 'secure' | 'retain' = 'secure') {
  const environment = await makeEnvironment(t.app, { inactive_policy: inactivePolicy });
  const directory = await makeDirectory(t.app, { provider: 'entra', environment_id: environment.id });
  return { directory, c: scimClient(t.app, directory), send: replayer(t.app, directory) };
}

const BJENSEN = 'bjensen@contoso.onmicrosoft.com';
const eq = (attribute: string, value: string) => encodeURIComponent(`${attribute} eq "${value}"`);

const WORK_ADDRESS = {
  type: 'work',
  formatted: '100 Universal City Plaza, Hollywood, CA 91608, US',
  streetAddress: '100 Universal City Plaza',
  locality: 'Hollywood',
  region: 'CA',
  postalCode: '91608',
  country: 'US',
};

/** What patch-addresses-work-street sets on the work address (region and country are not sent). */
const WARNER_ADDRESS = {
  streetAddress: '4000 Warner Boulevard',
  locality: 'Burbank',
  postalCode: '91522',
  formatted: '4000 Warner Boulevard, Burbank, CA 91522, US',
};

/** The user Entra's create-user-enterprise recording makes, as we return it; `over` replaces attributes. */
function bjensen(directory: Directory, id: string, version: number, over: Record<string, unknown> = {}) {
  const user: Record<string, unknown> = {
    schemas: [USER_SCHEMA, ENTERPRISE],
    id,
    externalId: 'bjensen',
    meta: {
      resourceType: 'User',
      created: expect.any(String),
      lastModified: expect.any(String),
      location: `${PUBLIC_URL}/scim/v2/${directory.id}/Users/${id}`,
      version: `W/"${version}"`,
    },
    userName: BJENSEN,
    name: { formatted: 'Barbara Jensen', familyName: 'Jensen', givenName: 'Barbara' },
    displayName: 'Barbara Jensen',
    title: 'Tour Guide',
    preferredLanguage: 'en-US',
    active: true,
    emails: [{ value: 'barbara.jensen@contoso.com', type: 'work', primary: true }],
    phoneNumbers: [
      { value: '+1 555 555 5555', type: 'work' },
      { value: '+1 555 555 4444', type: 'mobile' },
    ],
    addresses: [WORK_ADDRESS],
    // RFC 7643 §2.5: an empty multi-valued attribute is the same state as an absent one; kept as sent.
    roles: [],
    [ENTERPRISE]: { employeeNumber: '701984', department: 'Tour Operations' },
  };
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined) delete user[key];
    else user[key] = value;
  }
  return user;
}

/** A recording with its body changed, for variants Entra sends that differ only in a value. */
function variant(recording: RecordedRequest, change: (body: Record<string, unknown>) => void): RecordedRequest {
  const body = JSON.parse(JSON.stringify(recording.body)) as Record<string, unknown>;
  change(body);
  return { ...recording, body };
}

async function getOk(c: Client, path: string) {
  const res = await c.get(path);
  expect(res.status).toBe(200);
  return res.body;
}

type Answer = { status: number; body: Record<string, unknown> };
type Shape = (body: Record<string, unknown>) => unknown;

/** A write answered 200 with `expected`, and a GET of `path` afterwards reads back the same state. */
async function expectWritten(c: Client, res: Answer, path: string, expected: unknown, shape: Shape = (b) => b) {
  expect(res.status).toBe(200);
  expect(shape(res.body)).toEqual(expected);
  expect(shape(await getOk(c, path))).toEqual(expected);
}

describe('Entra user provisioning', () => {
  test('look-ups by userName and externalId, then create with the enterprise extension, roles: [] and meta', async () => {
    const { directory, c, send } = await newDirectory();
    const empty = { schemas: [LIST_RESPONSE], totalResults: 0, itemsPerPage: 0, startIndex: 1, Resources: [] };
    expect(await getOk(c, `/Users?filter=${eq('userName', BJENSEN)}`)).toEqual(empty);
    expect(await getOk(c, `/Users?filter=${eq('externalId', 'bjensen')}`)).toEqual(empty);

    const created = await send('entra', 'create-user-enterprise');
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect(created.headers.location).toBe(`${PUBLIC_URL}/scim/v2/${directory.id}/Users/${id}`);
    expect(created.body).toEqual(bjensen(directory, id, 1));
    expect(await getOk(c, `/Users/${id}`)).toEqual(bjensen(directory, id, 1));

    const one = { schemas: [LIST_RESPONSE], totalResults: 1, itemsPerPage: 1, startIndex: 1, Resources: [bjensen(directory, id, 1)] };
    expect(await getOk(c, `/Users?filter=${eq('userName', BJENSEN)}`)).toEqual(one);
    // Entra matches on the value it holds; userName comparison is case-insensitive (RFC 7643 §4.1.1).
    expect(await getOk(c, `/Users?filter=${eq('userName', BJENSEN.toUpperCase())}`)).toEqual(one);
    expect(await getOk(c, `/Users?filter=${eq('externalId', 'bjensen')}`)).toEqual(one);

    const again = await send('entra', 'create-user-enterprise');
    expect(again.status).toBe(409);
    expect(again.body).toEqual(scimError(409, 'uniqueness'));
  });

  test('active "False" and "True" strings with capitalised ops; a disabled user is still returned (retain)', async () => {
    const { directory, c, send } = await newDirectory('retain');
    const { body: user } = await send('entra', 'create-user-enterprise');
    const ids: Placeholders = { userId: user.id };

    const disabled = await send('entra', 'patch-active-false-string', ids);
    const inactive = bjensen(directory, user.id, 2, { active: false });
    await expectWritten(c, disabled, `/Users/${user.id}`, inactive);
    // Entra reads a disabled user back by its matching filters too; it must not vanish.
    expect((await getOk(c, `/Users?filter=${eq('userName', BJENSEN)}`)).Resources).toEqual([inactive]);
    expect((await getOk(c, `/Users?filter=${eq('externalId', 'bjensen')}`)).Resources).toEqual([inactive]);

    const enable = variant(loadRecording('entra', 'patch-active-false-string', ids), (body) => {
      body.Operations = [{ op: 'Replace', path: 'active', value: 'True' }];
    });
    const enabled = await replay(t.app, directory, enable);
    await expectWritten(c, enabled, `/Users/${user.id}`, bjensen(directory, user.id, 3));

    // Any other string is not a boolean: 400, and the user is unchanged.
    const bogus = variant(loadRecording('entra', 'patch-active-false-string', ids), (body) => {
      body.Operations = [{ op: 'Replace', path: 'active', value: 'No' }];
    });
    const rejected = await replay(t.app, directory, bogus);
    expect(rejected.status).toBe(400);
    expect(rejected.body).toEqual(scimError(400, 'invalidValue'));
    expect(await getOk(c, `/Users/${user.id}`)).toEqual(bjensen(directory, user.id, 3));
  });

  test('under the secure policy a disabled user keeps its identifiers and is still found by id and filter', async () => {
    const { directory, c, send } = await newDirectory('secure');
    const { body: user } = await send('entra', 'create-user-enterprise');
    const identifiers = {
      schemas: [USER_SCHEMA],
      id: user.id,
      externalId: 'bjensen',
      meta: bjensen(directory, user.id, 2).meta,
      userName: BJENSEN,
      active: false,
    };
    const disabled = await send('entra', 'patch-active-false-string', { userId: user.id });
    await expectWritten(c, disabled, `/Users/${user.id}`, identifiers);
    expect((await getOk(c, `/Users?filter=${eq('userName', BJENSEN)}`)).Resources).toEqual([identifiers]);
    expect((await getOk(c, `/Users?filter=${eq('externalId', 'bjensen')}`)).Resources).toEqual([identifiers]);
  });

  test('a role with a type (WindowsAzureActiveDirectoryRole) is accepted on create and on PATCH add', async () => {
    const { directory, c } = await newDirectory();
    const admin = { value: 'Admin', type: 'WindowsAzureActiveDirectoryRole', primary: false };
    const withRole = variant(loadRecording('entra', 'create-user-enterprise'), (body) => {
      body.roles = [admin];
    });
    const created = await replay(t.app, directory, withRole);
    expect(created.status).toBe(201);
    expect(created.body).toEqual(bjensen(directory, created.body.id, 1, { roles: [admin] }));

    const reader = { value: 'Reader', type: 'WindowsAzureActiveDirectoryRole', primary: false };
    const added = await c.patch(`/Users/${created.body.id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Add', path: 'roles', value: [reader] }],
    });
    await expectWritten(c, added, `/Users/${created.body.id}`, bjensen(directory, created.body.id, 2, { roles: [admin, reader] }));
  });

  test('filtered and dotted paths: emails[type eq "work"].value and name.familyName', async () => {
    const { directory, c, send } = await newDirectory();
    const { body: user } = await send('entra', 'create-user-enterprise');
    const res = await send('entra', 'patch-emails-work-value', { userId: user.id });
    const expected = bjensen(directory, user.id, 2, {
      emails: [{ value: 'babs.jensen@contoso.com', type: 'work', primary: true }],
      name: { formatted: 'Barbara Jensen', familyName: 'Jensen-Smith', givenName: 'Barbara' },
    });
    await expectWritten(c, res, `/Users/${user.id}`, expected);
  });

  test('addresses[type eq "work"].* on a user with no addresses creates one work address', async () => {
    const { directory, c, send } = await newDirectory();
    const noAddresses = variant(loadRecording('entra', 'create-user-enterprise'), (body) => {
      delete body.addresses;
    });
    const created = await replay(t.app, directory, noAddresses);
    expect(created.status).toBe(201);
    expect(created.body).toEqual(bjensen(directory, created.body.id, 1, { addresses: undefined }));

    const res = await send('entra', 'patch-addresses-work-street', { userId: created.body.id });
    const expected = bjensen(directory, created.body.id, 2, { addresses: [{ type: 'work', ...WARNER_ADDRESS }] });
    await expectWritten(c, res, `/Users/${created.body.id}`, expected);
  });

  test('addresses[type eq "work"].* on a user who has a work address updates it in place', async () => {
    const { directory, c, send } = await newDirectory();
    const { body: user } = await send('entra', 'create-user-enterprise');
    const res = await send('entra', 'patch-addresses-work-street', { userId: user.id });
    const expected = bjensen(directory, user.id, 2, { addresses: [{ ...WORK_ADDRESS, ...WARNER_ADDRESS }] });
    await expectWritten(c, res, `/Users/${user.id}`, expected);
  });

  test('enterprise manager as a bare id (Add) and as {"value": id} (replace, ?aadOptscim062020)', async () => {
    const { directory, c, send } = await newDirectory();
    const { body: user } = await send('entra', 'create-user-enterprise');
    const first = await c.post('/Users', { schemas: [USER_SCHEMA], userName: 'boss@contoso.onmicrosoft.com' });
    const second = await c.post('/Users', { schemas: [USER_SCHEMA], userName: 'newboss@contoso.onmicrosoft.com' });

    const bare = await send('entra', 'patch-manager-bare-string', { userId: user.id, managerId: first.body.id });
    const withFirst = bjensen(directory, user.id, 2, {
      [ENTERPRISE]: { employeeNumber: '701984', department: 'Tour Operations', manager: { value: first.body.id } },
    });
    await expectWritten(c, bare, `/Users/${user.id}`, withFirst);

    const object = await send('entra', 'patch-manager-object', { userId: user.id, managerId: second.body.id });
    const withSecond = bjensen(directory, user.id, 3, {
      [ENTERPRISE]: { employeeNumber: '701984', department: 'Tour Operations', manager: { value: second.body.id } },
    });
    await expectWritten(c, object, `/Users/${user.id}`, withSecond);
  });

  test('enterprise manager removal (Remove without a value) drops the manager and keeps the rest', async () => {
    const { directory, c, send } = await newDirectory();
    const { body: user } = await send('entra', 'create-user-enterprise');
    const { body: boss } = await c.post('/Users', { schemas: [USER_SCHEMA], userName: 'boss@contoso.onmicrosoft.com' });
    expect((await send('entra', 'patch-manager-bare-string', { userId: user.id, managerId: boss.id })).status).toBe(200);
    const removed = await c.patch(`/Users/${user.id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Remove', path: `${ENTERPRISE}:manager` }],
    });
    await expectWritten(c, removed, `/Users/${user.id}`, bjensen(directory, user.id, 3));
  });

  test('path-less replace with dotted, filtered and URN-qualified keys (?aadOptscim062020)', async () => {
    const { directory, c, send } = await newDirectory();
    const { body: user } = await send('entra', 'create-user-enterprise');
    const res = await send('entra', 'patch-pathless-dotted', { userId: user.id });
    const expected = bjensen(directory, user.id, 2, {
      displayName: 'Babs Jensen',
      externalId: 'babsjensen',
      emails: [{ value: 'babs.jensen@contoso.com', type: 'work', primary: true }],
      name: { formatted: 'Barbara Jensen', familyName: 'Jensen', givenName: 'Babs' },
      [ENTERPRISE]: { employeeNumber: '701985', department: 'Tour Planning' },
    });
    await expectWritten(c, res, `/Users/${user.id}`, expected);
    // The indexed externalId moved with it: Entra's next look-up finds the user by the new value.
    const found = await getOk(c, `/Users?filter=${eq('externalId', 'babsjensen')}`);
    expect(found.Resources).toEqual([expected]);
    expect((await getOk(c, `/Users?filter=${eq('externalId', 'bjensen')}`)).totalResults).toBe(0);
  });

  test('DELETE /Users/{id} is a hard delete: 204, then 404, and the user leaves its groups', async () => {
    const { c, send } = await newDirectory();
    const { body: user } = await send('entra', 'create-user-enterprise');
    const { body: group } = await c.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Tour Guides', members: [{ value: user.id }] });
    const deleted = await c.delete(`/Users/${user.id}`);
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    const gone = await c.get(`/Users/${user.id}`);
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual(scimError(404));
    expect((await getOk(c, `/Users?filter=${eq('userName', BJENSEN)}`)).totalResults).toBe(0);
    expect((await getOk(c, `/Groups/${group.id}`)).members).toEqual([]);
    const again = await c.delete(`/Users/${user.id}`);
    expect(again.status).toBe(404);
    expect(again.body).toEqual(scimError(404));
  });
});

describe('Entra group provisioning', () => {
  type User = { id: string; userName: string; displayName?: string };

  async function makeUser(c: Client, userName: string): Promise<User> {
    const res = await c.post('/Users', { schemas: [USER_SCHEMA], userName });
    expect(res.status).toBe(201);
    return res.body;
  }

  const member = (directory: Directory, u: User) => ({
    value: u.id,
    display: u.displayName ?? u.userName,
    $ref: `${PUBLIC_URL}/scim/v2/${directory.id}/Users/${u.id}`,
    type: 'User',
  });

  function group(directory: Directory, id: string, displayName: string, version: number, members?: User[]) {
    return {
      schemas: [GROUP_SCHEMA, 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'],
      id,
      externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
      displayName,
      meta: {
        resourceType: 'Group',
        created: expect.any(String),
        lastModified: expect.any(String),
        location: `${PUBLIC_URL}/scim/v2/${directory.id}/Groups/${id}`,
        version: `W/"${version}"`,
      },
      ...(members ? { members: members.map((u) => member(directory, u)).sort((a, b) => a.value.localeCompare(b.value)) } : {}),
    };
  }

  const sorted = (body: { members?: { value: string }[] }) => ({
    ...body,
    members: [...(body.members ?? [])].sort((a, b) => a.value.localeCompare(b.value)),
  });

  test('look-up by displayName without members, create, add a value array, remove by filter, rename', async () => {
    const { directory, c, send } = await newDirectory();
    const byName = (name: string) => `/Groups?excludedAttributes=members&filter=${eq('displayName', name)}`;
    expect(await getOk(c, byName('Tour Guides'))).toEqual({ schemas: [LIST_RESPONSE], totalResults: 0, itemsPerPage: 0, startIndex: 1, Resources: [] });

    const created = await send('entra', 'create-group');
    expect(created.status).toBe(201);
    const groupId = created.body.id;
    expect(created.headers.location).toBe(`${PUBLIC_URL}/scim/v2/${directory.id}/Groups/${groupId}`);
    expect(created.body).toEqual(group(directory, groupId, 'Tour Guides', 1, []));
    expect(await getOk(c, byName('Tour Guides'))).toEqual({
      schemas: [LIST_RESPONSE],
      totalResults: 1,
      itemsPerPage: 1,
      startIndex: 1,
      Resources: [group(directory, groupId, 'Tour Guides', 1)],
    });

    const alice = await makeUser(c, 'alice@contoso.onmicrosoft.com');
    const bob = await makeUser(c, 'bob@contoso.onmicrosoft.com');
    const ids: Placeholders = { groupId, newMemberId: alice.id, managerId: bob.id, memberId: alice.id };

    const added = await send('entra', 'group-add-members', ids);
    await expectWritten(c, added, `/Groups/${groupId}`, group(directory, groupId, 'Tour Guides', 2, [alice, bob]), sorted);

    // Entra repeats an add it is unsure of; members are a set, so nothing changes.
    const repeated = await send('entra', 'group-add-members', ids);
    expect(repeated.status).toBe(200);
    expect(sorted(repeated.body)).toEqual(group(directory, groupId, 'Tour Guides', 2, [alice, bob]));

    const removed = await send('entra', 'group-remove-member', ids);
    await expectWritten(c, removed, `/Groups/${groupId}`, group(directory, groupId, 'Tour Guides', 3, [bob]));

    const renamed = await send('entra', 'group-rename-patch', ids);
    await expectWritten(c, renamed, `/Groups/${groupId}`, group(directory, groupId, 'Tour Guides EMEA', 4, [bob]));
    expect((await getOk(c, byName('Tour Guides'))).totalResults).toBe(0);
    expect((await getOk(c, byName('Tour Guides EMEA'))).Resources).toEqual([group(directory, groupId, 'Tour Guides EMEA', 4)]);
  });

  test('the legacy remove that lists the members in value removes exactly those', async () => {
    const { directory, c, send } = await newDirectory();
    const { body: created } = await send('entra', 'create-group');
    const alice = await makeUser(c, 'alice@contoso.onmicrosoft.com');
    const bob = await makeUser(c, 'bob@contoso.onmicrosoft.com');
    const ids: Placeholders = { groupId: created.id, newMemberId: alice.id, managerId: bob.id, memberId: bob.id };
    expect((await send('entra', 'group-add-members', ids)).status).toBe(200);

    const res = await send('entra', 'group-remove-member-legacy', ids);
    await expectWritten(c, res, `/Groups/${created.id}`, group(directory, created.id, 'Tour Guides', 3, [alice]));
  });
});
