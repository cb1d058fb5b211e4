import { whereStored } from '../support/databaseScan';
import { eventsOf } from '../support/events';
import { makeDirectory, makeEnvironment } from '../support/factories';
import { loadRecording, replay } from '../support/replay';
import { ENTERPRISE, PATCH_OP, USER_SCHEMA, scimClient } from '../support/scimClient';
import { PUBLIC_URL, TestApp, createTestApp } from '../support/testApp';

/**
 * The secure policy's promise: once a person is inactive, nothing of their profile is
 * stored anywhere — not in the SCIM resource, not in a directory user, not in any event
 * recorded before (user.created, user.updated, group.user_added), not in any other table.
 * Only the identifiers the IdP needs to find the user again remain.
 */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const ACME = 'urn:ietf:params:scim:schemas:extension:acme:2.0:User';

/** Values no other test uses; the run's own suffix keeps an earlier, interrupted run from mattering. */
function person() {
  const run = `${process.pid}${Date.now().toString(36)}`;
  return {
    userName: `zq-7731-${run}`,
    externalId: `ext-zq-7731-${run}`,
    email: `quillonette.varga.${run}@zeppelin-mail.test`,
    givenName: `Quillonette${run}`,
    familyName: `Vargazephyr${run}`,
    title: `Chief Airship Navigator ${run}`,
    newTitle: `Grand Airship Admiral ${run}`,
    department: `Dirigible Logistics ${run}`,
    phone: `+1 555 0173 ${run}`,
    badge: `badge-${run}-moonstone`,
  };
}
type Person = ReturnType<typeof person>;

/** The profile values that must not survive deactivation (userName and externalId may). */
const profileValues = (p: Person) => ({
  email: p.email,
  givenName: p.givenName,
  familyName: p.familyName,
  title: p.title,
  newTitle: p.newTitle,
  department: p.department,
  phone: p.phone,
  badge: p.badge,
});


async function storedProfile(p: Person): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(profileValues(p))) out[key] = await whereStored(t.dataSource, value);
  return out;
}

/** How each IdP pushes the person, puts them in a group, changes their title and deactivates them. */
type Script = {
  create(p: Person): { body: Record<string, unknown>; contentType: string };
  group(userId: string): Promise<void>;
  retitle(userId: string, p: Person): { method: 'PUT' | 'PATCH'; path: string; body: unknown; contentType: string };
  deactivate(userId: string): { method: 'PATCH'; path: string; body: unknown; contentType: string };
  /** The profile pushed again while the person is inactive (Okta's full PUT, Entra's attribute PATCH). */
  pushWhileInactive(userId: string, p: Person): { method: 'PUT' | 'PATCH'; path: string; body: unknown; contentType: string };
};

const scripts = (directory: { id: string; bearer_token: string }): Record<'okta' | 'entra', Script> => {
  const c = scimClient(t.app, directory);
  const oktaUser = (p: Person, title: string) => ({
    schemas: [USER_SCHEMA, ENTERPRISE, ACME],
    userName: p.userName,
    externalId: p.externalId,
    name: { givenName: p.givenName, familyName: p.familyName },
    displayName: `${p.givenName} ${p.familyName}`,
    emails: [{ primary: true, value: p.email, type: 'work' }],
    phoneNumbers: [{ value: p.phone, type: 'work' }],
    title,
    active: true,
    [ENTERPRISE]: { department: p.department },
    [ACME]: { badge: p.badge },
  });
  return {
    okta: {
      create: (p) => ({ body: { ...oktaUser(p, p.title), password: 'Zq7731-secret!' }, contentType: 'application/json' }),
      group: async (userId) => {
        const recorded = loadRecording('okta', 'create-group-with-members', { userId, memberId: userId });
        const body = recorded.body as { members: unknown[] };
        const res = await c.post('/Groups', { ...body, members: body.members.slice(0, 1) }, 'application/json');
        expect(res.status).toBe(201);
      },
      retitle: (userId, p) => ({ method: 'PUT', path: `/Users/${userId}`, body: { ...oktaUser(p, p.newTitle), id: userId }, contentType: 'application/json' }),
      deactivate: (userId) => {
        const recorded = loadRecording('okta', 'deactivate-user-patch', { userId });
        return { method: 'PATCH', path: recorded.path, body: recorded.body, contentType: 'application/json' };
      },
      pushWhileInactive: (userId, p) => ({
        method: 'PUT',
        path: `/Users/${userId}`,
        body: { ...oktaUser(p, p.title), active: false, id: userId },
        contentType: 'application/json',
      }),
    },
    entra: {
      create: (p) => {
        const recorded = loadRecording('entra', 'create-user-enterprise').body as Record<string, unknown>;
        return {
          body: {
            ...recorded,
            schemas: [...(recorded.schemas as string[]), ACME],
            userName: p.userName,
            externalId: p.externalId,
            active: 'True',
            displayName: `${p.givenName} ${p.familyName}`,
            title: p.title,
            emails: [{ primary: true, type: 'work', value: p.email }],
            name: { formatted: `${p.givenName} ${p.familyName}`, familyName: p.familyName, givenName: p.givenName },
            phoneNumbers: [{ type: 'work', value: p.phone }],
            [ENTERPRISE]: { employeeNumber: '701984', department: p.department },
            [ACME]: { badge: p.badge },
          },
          contentType: 'application/scim+json',
        };
      },
      group: async (userId) => {
        const created = await replay(t.app, directory, loadRecording('entra', 'create-group'));
        expect(created.status).toBe(201);
        const added = await c.patch(`/Groups/${created.body.id}`, {
          schemas: [PATCH_OP],
          Operations: [{ op: 'Add', path: 'members', value: [{ $ref: null, value: userId }] }],
        });
        expect(added.status).toBe(200);
      },
      retitle: (userId, p) => ({
        method: 'PATCH',
        path: `/Users/${userId}?aadOptscim062020`,
        body: { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'title', value: p.newTitle }] },
        contentType: 'application/scim+json',
      }),
      deactivate: (userId) => {
        const recorded = loadRecording('entra', 'patch-active-false-string', { userId });
        return { method: 'PATCH', path: recorded.path, body: recorded.body, contentType: 'application/scim+json' };
      },
      pushWhileInactive: (userId, p) => ({
        method: 'PATCH',
        path: `/Users/${userId}?aadOptscim062020`,
        body: {
          schemas: [PATCH_OP],
          Operations: [
            { op: 'Replace', path: 'title', value: p.title },
            { op: 'Replace', path: 'name.givenName', value: p.givenName },
            { op: 'Replace', path: 'emails[type eq "work"].value', value: p.email },
            { op: 'Replace', path: `${ENTERPRISE}:department`, value: p.department },
            { op: 'Add', path: `${ACME}:badge`, value: p.badge },
          ],
        },
        contentType: 'application/scim+json',
      }),
    },
  };
};

describe.each(['okta', 'entra'] as const)('secure policy, %s requests', (provider) => {
  test('deactivation leaves no trace of the profile in any table', async () => {
    const environment = await makeEnvironment(t.app); // secure is the default
    expect(environment.inactive_policy).toBe('secure');
    const directory = await makeDirectory(t.app, { provider, environment_id: environment.id });
    const script = scripts(directory)[provider];
    const p = person();

    const create = script.create(p);
    const created = await replay(t.app, directory, { method: 'POST', path: '/Users', headers: {}, body: create.body }, { contentType: create.contentType });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    await script.group(id);
    const retitle = script.retitle(id, p);
    const retitled = await replay(t.app, directory, { ...retitle, headers: {} }, { contentType: retitle.contentType });
    expect(retitled.status).toBe(200);

    // The search finds the profile where it lives while the person is active, so its
    // silence afterwards means something. The old title lives on only in events.
    const types = (await eventsOf(t.dataSource, directory.id)).map((e) => e.type);
    expect(types).toEqual(['directory.activated', 'user.created', 'group.created', 'group.user_added', 'user.updated']);
    const before = await storedProfile(p);
    expect(before.title).toEqual(['events.data', 'events.previous_attributes']);
    for (const key of ['email', 'givenName', 'familyName', 'newTitle', 'department', 'phone', 'badge'] as const) {
      expect(before[key]).toEqual(expect.arrayContaining(['directory_users.raw_attributes', 'events.data', 'scim_users.resource']));
    }
    expect(before.givenName).toContain('scim_users.display_name');

    const deactivate = script.deactivate(id);
    const res = await replay(t.app, directory, { ...deactivate, headers: {} }, { contentType: deactivate.contentType });
    expect(res.status).toBe(200);

    const none = Object.fromEntries(Object.keys(profileValues(p)).map((k) => [k, []]));
    expect(await storedProfile(p)).toEqual(none);

    const meta = {
      resourceType: 'User',
      created: expect.any(String),
      lastModified: expect.any(String),
      location: `${PUBLIC_URL}/scim/v2/${directory.id}/Users/${id}`,
      version: 'W/"3"',
    };
    const identifiersOnly = { schemas: [USER_SCHEMA], id, userName: p.userName, externalId: p.externalId, active: false, meta };
    expect(res.body).toEqual(identifiersOnly);
    const got = await scimClient(t.app, directory).get(`/Users/${id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(identifiersOnly);

    const after = (await eventsOf(t.dataSource, directory.id)).map((e) => e.type);
    expect(after).toEqual([...types, 'group.user_removed', 'user.deleted']);
    // An IdP may keep pushing the profile of a disabled user; none of it is kept either.
    const push = script.pushWhileInactive(id, p);
    const pushed = await replay(t.app, directory, { ...push, headers: {} }, { contentType: push.contentType });
    expect(pushed.status).toBe(200);
    // Nothing stored changed, so neither did the version (the IdP's ETag stays valid).
    expect(pushed.body).toEqual(identifiersOnly);
    expect(await storedProfile(p)).toEqual(none);
    expect((await eventsOf(t.dataSource, directory.id)).map((e) => e.type)).toEqual(after);

    const groups = await scimClient(t.app, directory).get('/Groups');
    expect(groups.body.Resources[0].members).toEqual([
      { value: id, display: p.userName, $ref: `${PUBLIC_URL}/scim/v2/${directory.id}/Users/${id}`, type: 'User' },
    ]);
  });
});

test('a person created inactive under the secure policy is never stored with a profile', async () => {
  const directory = await makeDirectory(t.app, { provider: 'entra' });
  const p = person();
  const create = scripts(directory).entra.create(p);
  const created = await replay(
    t.app,
    directory,
    { method: 'POST', path: '/Users', headers: {}, body: { ...create.body, active: 'False' } },
    { contentType: create.contentType },
  );
  expect(created.status).toBe(201);
  expect(created.body).toEqual({
    schemas: [USER_SCHEMA],
    id: created.body.id,
    userName: p.userName,
    externalId: p.externalId,
    active: false,
    meta: {
      resourceType: 'User',
      created: expect.any(String),
      lastModified: expect.any(String),
      location: `${PUBLIC_URL}/scim/v2/${directory.id}/Users/${created.body.id}`,
      version: 'W/"1"',
    },
  });
  expect(await storedProfile(p)).toEqual(Object.fromEntries(Object.keys(profileValues(p)).map((k) => [k, []])));
  expect((await eventsOf(t.dataSource, directory.id)).map((e) => e.type)).toEqual(['directory.activated']);
});
