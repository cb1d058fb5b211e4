import { DirectoryIds, UserProfile, eventsOf, eventsSince, groupEventData, markEvents, redactedUserData, userEventData } from '../support/events';
import { makeDirectory, makeEnvironment } from '../support/factories';
import { RecordedRequest, loadRecording, replay } from '../support/replay';
import { ENTERPRISE, GROUP_SCHEMA, PATCH_OP, USER_SCHEMA, scimClient } from '../support/scimClient';
import { PUBLIC_URL, TestApp, createTestApp } from '../support/testApp';

/**
 * The inactive-policy table (README, "Lifecycle"), row by row, driven through real SCIM
 * requests in the shapes Okta and Entra send them, under both policies. Each row checks
 * the directory user (directory_users), the SCIM resource (scim_users.resource) and the
 * exact events the request recorded, in order.
 */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

type Policy = 'secure' | 'retain';
type Directory = DirectoryIds & { bearer_token: string };
type Json = Record<string, unknown>;

/** A custom extension schema, as an Okta app's profile mapping pushes custom attributes. */
const ACME = 'urn:ietf:params:scim:schemas:extension:acme:2.0:User';

/** How one IdP shapes each request of the table, and what each leaves stored. */
type Driver = {
  /** Creates the user, active or not, and returns its SCIM id. */
  create(d: Directory, active: boolean): Promise<string>;
  /** The SCIM resource stored after `create` (everything pushed but the password). */
  created(active: boolean): Json;
  /** What apps see of the created user, written out once so profileOf is checked against it. */
  createdFields: Omit<UserProfile, 'state' | 'groups' | 'raw_attributes'>;
  /** Changes first name, title and a custom attribute. */
  change(d: Directory, id: string): Promise<void>;
  changed: Json;
  /** The old values `change` replaced: previous_attributes of its user.updated. */
  changePrevious: Json;
  /** Sends the values `change` set once more. */
  same(d: Directory, id: string): Promise<void>;
  deactivations: Record<string, (d: Directory, id: string) => Promise<void>>;
  reactivate(d: Directory, id: string): Promise<void>;
};

async function send(d: Directory, method: RecordedRequest['method'], path: string, body: unknown, contentType: string) {
  const res = await replay(t.app, d, { method, path, headers: {}, body }, { contentType });
  expect(res.status).toBe(method === 'POST' ? 201 : 200);
  return res.body as Json;
}

// ---- Okta: application/json, profile updates by PUT, (de)activation by path-less PATCH or PUT.

const OKTA_JSON = 'application/json';
const oktaRecorded = loadRecording('okta', 'create-user').body as Json;
const oktaUser = (active: boolean, over: Json = {}): Json => ({
  ...oktaRecorded,
  schemas: [USER_SCHEMA, ACME],
  title: 'Tour Guide',
  [ACME]: { costCenter: 'CC-100' },
  active,
  ...over,
});
const { password: _password, groups: _groups, ...oktaStored } = oktaUser(true);
const OKTA_CHANGES = { name: { givenName: 'Babs', familyName: 'Jensen' }, title: 'Senior Tour Guide', [ACME]: { costCenter: 'CC-200' } };
// Okta's PUT carries its copy of id and meta; the server's own win.
const oktaPut = (id: string, active: boolean, over: Json = {}) => {
  const { password: _p, ...body } = oktaUser(active, over);
  return { ...body, id, meta: { resourceType: 'User', created: '2024-03-01T09:15:00.000Z', lastModified: '2024-03-01T09:15:00.000Z' } };
};

const okta: Driver = {
  create: async (d, active) => (await send(d, 'POST', '/Users', oktaUser(active), OKTA_JSON)).id as string,
  created: (active) => ({ ...oktaStored, active }),
  createdFields: {
    external_id: '00u1a2b3c4d5e6f7g8h9',
    username: 'barbara.jensen@example.com',
    emails: [{ value: 'barbara.jensen@example.com', type: 'work', primary: true }],
    first_name: 'Barbara',
    last_name: 'Jensen',
    job_title: 'Tour Guide',
    custom_attributes: { costCenter: 'CC-100' },
  },
  change: async (d, id) => void (await send(d, 'PUT', `/Users/${id}`, oktaPut(id, true, OKTA_CHANGES), OKTA_JSON)),
  changed: { ...oktaStored, ...OKTA_CHANGES },
  changePrevious: {
    first_name: 'Barbara',
    job_title: 'Tour Guide',
    custom_attributes: { costCenter: 'CC-100' },
    raw_attributes: { name: { givenName: 'Barbara', familyName: 'Jensen' }, title: 'Tour Guide', [ACME]: { costCenter: 'CC-100' } },
  },
  same: async (d, id) => {
    await send(d, 'PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: OKTA_CHANGES }] }, OKTA_JSON);
    await send(d, 'PUT', `/Users/${id}`, oktaPut(id, true, OKTA_CHANGES), OKTA_JSON);
  },
  deactivations: {
    'path-less PATCH': async (d, id) => {
      const recorded = loadRecording('okta', 'deactivate-user-patch', { userId: id });
      expect(recorded.body).toEqual({ schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: false } }] });
      await send(d, 'PATCH', recorded.path, recorded.body, OKTA_JSON);
    },
    PUT: async (d, id) => void (await send(d, 'PUT', `/Users/${id}`, oktaPut(id, false), OKTA_JSON)),
  },
  reactivate: async (d, id) => {
    const recorded = loadRecording('okta', 'reactivate-user-patch', { userId: id });
    await send(d, 'PATCH', recorded.path, recorded.body, OKTA_JSON);
  },
};

// ---- Entra: application/scim+json, "True"/"False" strings, capitalised ops, ?aadOptscim062020.

const ENTRA_TYPE = 'application/scim+json';
const entraRecorded = loadRecording('entra', 'create-user-enterprise').body as Json;
const { meta: _meta, ...entraStored } = entraRecorded;
const ENTRA_CHANGES = [
  { op: 'Replace', path: 'title', value: 'Senior Tour Guide' },
  { op: 'Replace', path: 'name.givenName', value: 'Babs' },
  { op: 'Replace', path: `${ENTERPRISE}:department`, value: 'Tour Planning' },
];
const entraPatch = (d: Directory, id: string, Operations: unknown[]) =>
  send(d, 'PATCH', `/Users/${id}?aadOptscim062020`, { schemas: [PATCH_OP], Operations }, ENTRA_TYPE);

const entra: Driver = {
  create: async (d, active) =>
    (await send(d, 'POST', '/Users', { ...entraRecorded, active: active ? 'True' : 'False' }, ENTRA_TYPE)).id as string,
  created: (active) => ({ ...entraStored, active }),
  createdFields: {
    external_id: 'bjensen',
    username: 'bjensen@contoso.onmicrosoft.com',
    emails: [{ value: 'barbara.jensen@contoso.com', type: 'work', primary: true }],
    first_name: 'Barbara',
    last_name: 'Jensen',
    job_title: 'Tour Guide',
    custom_attributes: { employeeNumber: '701984', department: 'Tour Operations' },
  },
  change: async (d, id) => void (await entraPatch(d, id, ENTRA_CHANGES)),
  changed: {
    ...entraStored,
    title: 'Senior Tour Guide',
    name: { formatted: 'Barbara Jensen', familyName: 'Jensen', givenName: 'Babs' },
    [ENTERPRISE]: { employeeNumber: '701984', department: 'Tour Planning' },
  },
  changePrevious: {
    first_name: 'Barbara',
    job_title: 'Tour Guide',
    custom_attributes: { department: 'Tour Operations' },
    raw_attributes: {
      name: { formatted: 'Barbara Jensen', familyName: 'Jensen', givenName: 'Barbara' },
      title: 'Tour Guide',
      [ENTERPRISE]: { employeeNumber: '701984', department: 'Tour Operations' },
    },
  },
  // Entra re-sends values it believes changed, "True" included.
  same: async (d, id) => void (await entraPatch(d, id, [...ENTRA_CHANGES, { op: 'Replace', path: 'active', value: 'True' }])),
  deactivations: {
    'Replace active "False"': async (d, id) => {
      const recorded = loadRecording('entra', 'patch-active-false-string', { userId: id });
      await send(d, 'PATCH', recorded.path, recorded.body, ENTRA_TYPE);
    },
  },
  reactivate: async (d, id) => void (await entraPatch(d, id, [{ op: 'Replace', path: 'active', value: 'True' }])),
};

// ---- What apps see of each driver's user.

/** The directory-user profile of a stored SCIM resource, as the lifecycle derives it. */
function profileOf(resource: Json, state: 'active' | 'inactive', groups: UserProfile['groups'] = []): UserProfile {
  const name = (resource.name ?? {}) as Json;
  const ext = { ...((resource[ACME] ?? {}) as Json), ...((resource[ENTERPRISE] ?? {}) as Json) };
  return {
    external_id: (resource.externalId as string | undefined) ?? null,
    username: resource.userName as string,
    emails: ((resource.emails ?? []) as Json[]).map((e) => ({ value: e.value as string, type: (e.type as string) ?? null, primary: e.primary === true })),
    first_name: (name.givenName as string | undefined) ?? null,
    last_name: (name.familyName as string | undefined) ?? null,
    job_title: (resource.title as string | undefined) ?? null,
    state,
    groups,
    custom_attributes: ext,
    raw_attributes: resource,
  };
}

/** The directory_users row for a profile. */
function rowOf(d: Directory, scimId: string, p: UserProfile, id?: string) {
  const { groups: _g, ...fields } = p;
  return {
    id: id ?? expect.stringMatching(/^directory_user_/),
    directory_id: d.id,
    environment_id: d.environment_id,
    scim_user_id: scimId,
    ...fields,
    created_at: expect.any(Date),
    updated_at: expect.any(Date),
  };
}

/** Only what the IdP needs to find the user again (eraseProfile). */
const identifiers = (resource: Json, active: boolean) => ({
  schemas: [USER_SCHEMA],
  userName: resource.userName,
  externalId: resource.externalId,
  active,
});

async function directoryUserOf(scimId: string): Promise<Json | undefined> {
  const rows: Json[] = await t.dataSource.query(`SELECT * FROM directory_users WHERE scim_user_id = $1`, [scimId]);
  return rows[0];
}

async function scimResourceOf(scimId: string): Promise<Json | undefined> {
  const rows: { resource: Json }[] = await t.dataSource.query(`SELECT resource FROM scim_users WHERE id = $1`, [scimId]);
  return rows[0]?.resource;
}

async function newDirectory(policy: Policy, provider: 'okta' | 'entra'): Promise<Directory> {
  const environment = await makeEnvironment(t.app, { inactive_policy: policy });
  return makeDirectory(t.app, { provider, environment_id: environment.id });
}

const cases: [Policy, 'okta' | 'entra', Driver][] = [
  ['secure', 'okta', okta],
  ['retain', 'okta', okta],
  ['secure', 'entra', entra],
  ['retain', 'entra', entra],
];

describe.each(cases)('%s policy, %s requests', (policy, provider, idp) => {
  test('create active → a directory user and user.created', async () => {
    const d = await newDirectory(policy, provider);
    const mark = await markEvents(t.dataSource, d.id);
    const id = await idp.create(d, true);

    const profile = profileOf(idp.created(true), 'active');
    expect(profile).toEqual({ ...idp.createdFields, state: 'active', groups: [], raw_attributes: idp.created(true) });
    expect(await scimResourceOf(id)).toEqual(idp.created(true));
    const row = await directoryUserOf(id);
    expect(row).toEqual(rowOf(d, id, profile));
    expect(await eventsSince(t.dataSource, mark)).toEqual([
      { type: 'user.created', data: userEventData(d, id, profile, row!.id as string), previous_attributes: null },
    ]);
  });

  test('create inactive', async () => {
    const d = await newDirectory(policy, provider);
    const mark = await markEvents(t.dataSource, d.id);
    const id = await idp.create(d, false);

    if (policy === 'secure') {
      // No directory user, and only the identifiers the IdP needs are stored.
      expect(await directoryUserOf(id)).toBeUndefined();
      expect(await scimResourceOf(id)).toEqual(identifiers(idp.created(false), false));
      expect(await eventsSince(t.dataSource, mark)).toEqual([]);
      const got = await scimClient(t.app, d).get(`/Users/${id}`);
      expect(got.body).toEqual({
        ...identifiers(idp.created(false), false),
        id,
        meta: {
          resourceType: 'User',
          created: expect.any(String),
          lastModified: expect.any(String),
          location: `${PUBLIC_URL}/scim/v2/${d.id}/Users/${id}`,
          version: 'W/"1"',
        },
      });
    } else {
      const profile = profileOf(idp.created(false), 'inactive');
      expect(await scimResourceOf(id)).toEqual(idp.created(false));
      const row = await directoryUserOf(id);
      expect(row).toEqual(rowOf(d, id, profile));
      expect(await eventsSince(t.dataSource, mark)).toEqual([
        { type: 'user.created', data: userEventData(d, id, profile, row!.id as string), previous_attributes: null },
      ]);
    }
  });

  test('an attribute change is one user.updated with the old values of what changed; the same values again, none', async () => {
    const d = await newDirectory(policy, provider);
    const id = await idp.create(d, true);
    const before = await directoryUserOf(id);
    const mark = await markEvents(t.dataSource, d.id);

    await idp.change(d, id);
    const profile = profileOf(idp.changed, 'active');
    expect(await scimResourceOf(id)).toEqual(idp.changed);
    const row = await directoryUserOf(id);
    expect(row).toEqual(rowOf(d, id, profile, before!.id as string));
    expect(await eventsSince(t.dataSource, mark)).toEqual([
      { type: 'user.updated', data: userEventData(d, id, profile, before!.id as string), previous_attributes: idp.changePrevious },
    ]);

    const again = await markEvents(t.dataSource, d.id);
    await idp.same(d, id);
    expect(await eventsSince(t.dataSource, again)).toEqual([]);
    expect(await directoryUserOf(id)).toEqual(row);
    expect(await scimResourceOf(id)).toEqual(idp.changed);
  });

  describe.each(Object.keys(idp.deactivations))('active → inactive by %s', (how) => {
    test(policy === 'secure' ? 'deletes the directory user and erases the profile' : 'keeps the directory user, inactive', async () => {
      const d = await newDirectory(policy, provider);
      const id = await idp.create(d, true);
      const created = (await directoryUserOf(id))!;
      const mark = await markEvents(t.dataSource, d.id);

      await idp.deactivations[how](d, id);

      const deactivated: Json = { ...idp.created(true), active: false };
      if (policy === 'secure') {
        expect(await directoryUserOf(id)).toBeUndefined();
        expect(await scimResourceOf(id)).toEqual(identifiers(deactivated, false));
        const redacted = redactedUserData(d, id, deactivated.userName as string, created.id as string);
        expect(await eventsSince(t.dataSource, mark)).toEqual([
          { type: 'user.deleted', data: { ...redacted, state: 'inactive' }, previous_attributes: null },
        ]);
        // The user.created stored before keeps identifiers only.
        const all = await eventsOf(t.dataSource, d.id);
        expect(all.filter((e) => e.type.startsWith('user.'))).toEqual([
          { type: 'user.created', data: redacted, previous_attributes: null },
          { type: 'user.deleted', data: { ...redacted, state: 'inactive' }, previous_attributes: null },
        ]);
      } else {
        const profile = profileOf(deactivated, 'inactive');
        expect(await scimResourceOf(id)).toEqual(deactivated);
        expect(await directoryUserOf(id)).toEqual(rowOf(d, id, profile, created.id as string));
        expect(await eventsSince(t.dataSource, mark)).toEqual([
          {
            type: 'user.updated',
            data: userEventData(d, id, profile, created.id as string),
            previous_attributes: { state: 'active', raw_attributes: { active: true } },
          },
        ]);
      }
    });
  });

  test(
    policy === 'secure'
      ? 'inactive → active: a new directory user, user.created, and group.user_added for its groups again'
      : 'inactive → active: the same directory user, user.updated {state: "inactive"}, groups kept',
    async () => {
      const d = await newDirectory(policy, provider);
      const c = scimClient(t.app, d);
      const id = await idp.create(d, true);
      const first = (await directoryUserOf(id))!;
      const group = await c.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Tour Guides', members: [{ value: id }] });
      expect(group.status).toBe(201);
      const groupRow = (await t.dataSource.query(`SELECT id FROM directory_groups WHERE scim_group_id = $1`, [group.body.id]))[0];
      const ref = { object: 'directory_group' as const, id: groupRow.id as string, name: 'Tour Guides' };
      const groupData = groupEventData(d, group.body.id, 'Tour Guides', { schemas: [GROUP_SCHEMA], displayName: 'Tour Guides' }, ref.id);
      const [deactivate] = Object.values(idp.deactivations);

      const beforeDeactivation = await markEvents(t.dataSource, d.id);
      await deactivate(d, id);
      const inactive: Json = { ...idp.created(true), active: false };
      if (policy === 'secure') {
        const redacted = redactedUserData(d, id, inactive.userName as string, first.id as string, 'inactive');
        expect(await eventsSince(t.dataSource, beforeDeactivation)).toEqual([
          { type: 'group.user_removed', data: { user: redacted, group: groupData }, previous_attributes: null },
          { type: 'user.deleted', data: redacted, previous_attributes: null },
        ]);
      }

      const beforeReactivation = await markEvents(t.dataSource, d.id);
      await idp.reactivate(d, id);
      const row = (await directoryUserOf(id))!;
      if (policy === 'secure') {
        // Only the identifiers were kept; the profile returns with the IdP's next full push.
        const resource = identifiers(inactive, true);
        const profile = profileOf(resource, 'active', [ref]);
        expect(row.id).not.toBe(first.id);
        expect(row).toEqual(rowOf(d, id, profile));
        expect(await scimResourceOf(id)).toEqual(resource);
        const data = userEventData(d, id, profile, row.id as string);
        expect(await eventsSince(t.dataSource, beforeReactivation)).toEqual([
          { type: 'user.created', data, previous_attributes: null },
          { type: 'group.user_added', data: { user: data, group: groupData }, previous_attributes: null },
        ]);
      } else {
        const profile = profileOf(idp.created(true), 'active', [ref]);
        expect(row).toEqual(rowOf(d, id, profile, first.id as string));
        expect(await scimResourceOf(id)).toEqual(idp.created(true));
        expect(await eventsSince(t.dataSource, beforeDeactivation)).toEqual([
          {
            type: 'user.updated',
            data: userEventData(d, id, profileOf(inactive, 'inactive', [ref]), first.id as string),
            previous_attributes: { state: 'active', raw_attributes: { active: true } },
          },
          {
            type: 'user.updated',
            data: userEventData(d, id, profile, first.id as string),
            previous_attributes: { state: 'inactive', raw_attributes: { active: false } },
          },
        ]);
      }
    },
  );

  test('SCIM DELETE of a user with a directory user → user.deleted, nothing left', async () => {
    const d = await newDirectory(policy, provider);
    const c = scimClient(t.app, d);
    const id = await idp.create(d, true);
    const row = (await directoryUserOf(id))!;
    const mark = await markEvents(t.dataSource, d.id);

    expect((await c.delete(`/Users/${id}`)).status).toBe(204);
    expect(await directoryUserOf(id)).toBeUndefined();
    expect(await scimResourceOf(id)).toBeUndefined();
    // Under secure the person's profile goes from the event log too; retain keeps it.
    const created = idp.created(true);
    const data =
      policy === 'secure'
        ? { ...redactedUserData(d, id, created.userName as string, row.id as string), state: 'inactive' }
        : userEventData(d, id, profileOf(created, 'active'), row.id as string);
    expect(await eventsSince(t.dataSource, mark)).toEqual([{ type: 'user.deleted', data, previous_attributes: null }]);
    if (policy === 'secure') {
      const earlier = await eventsOf(t.dataSource, d.id);
      expect(earlier.filter((e) => e.type === 'user.created').map((e) => e.data)).toEqual([
        redactedUserData(d, id, created.userName as string, row.id as string),
      ]);
    }
  });

  test(
    policy === 'secure'
      ? 'SCIM DELETE of an inactive user (no directory user) → no event'
      : 'SCIM DELETE of an inactive user (kept inactive) → user.deleted',
    async () => {
      const d = await newDirectory(policy, provider);
      const c = scimClient(t.app, d);
      const id = await idp.create(d, false);
      const row = await directoryUserOf(id);
      const mark = await markEvents(t.dataSource, d.id);

      expect((await c.delete(`/Users/${id}`)).status).toBe(204);
      expect(await directoryUserOf(id)).toBeUndefined();
      expect(await scimResourceOf(id)).toBeUndefined();
      if (policy === 'secure') {
        expect(row).toBeUndefined();
        expect(await eventsSince(t.dataSource, mark)).toEqual([]);
      } else {
        const profile = profileOf(idp.created(false), 'inactive');
        expect(await eventsSince(t.dataSource, mark)).toEqual([
          { type: 'user.deleted', data: userEventData(d, id, profile, row!.id as string), previous_attributes: null },
        ]);
      }
    },
  );
});

describe('one transaction per SCIM write', () => {
  test('a create that fails with 409 leaves no event and no directory user', async () => {
    const d = await newDirectory('secure', 'okta');
    const id = await okta.create(d, true);
    const mark = await markEvents(t.dataSource, d.id);
    const duplicate = await replay(t.app, d, { method: 'POST', path: '/Users', headers: {}, body: oktaUser(true, { externalId: 'other' }) }, { contentType: OKTA_JSON });
    expect(duplicate.status).toBe(409);
    expect(await eventsSince(t.dataSource, mark)).toEqual([]);
    const rows = await t.dataSource.query(`SELECT scim_user_id FROM directory_users WHERE directory_id = $1`, [d.id]);
    expect(rows).toEqual([{ scim_user_id: id }]);
  });

  test('a group create that fails after group.created was recorded leaves neither the event nor the group', async () => {
    const d = await newDirectory('secure', 'okta');
    const mark = await markEvents(t.dataSource, d.id);
    const res = await scimClient(t.app, d).post('/Groups', {
      schemas: [GROUP_SCHEMA],
      displayName: 'Tour Guides',
      members: [{ value: '00000000-0000-4000-8000-000000000000' }],
    });
    expect(res.status).toBe(400);
    expect(await eventsSince(t.dataSource, mark)).toEqual([]);
    expect(await t.dataSource.query(`SELECT id FROM directory_groups WHERE directory_id = $1`, [d.id])).toEqual([]);
  });

  test('a group rename that fails on an unknown member leaves neither group.updated nor the new name', async () => {
    const d = await newDirectory('secure', 'okta');
    const c = scimClient(t.app, d);
    const group = await c.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Tour Guides' });
    expect(group.status).toBe(201);
    const mark = await markEvents(t.dataSource, d.id);
    const res = await c.patch(`/Groups/${group.body.id}`, {
      schemas: [PATCH_OP],
      Operations: [
        { op: 'replace', path: 'displayName', value: 'Tour Guides EMEA' },
        { op: 'add', path: 'members', value: [{ value: '00000000-0000-4000-8000-000000000000' }] },
      ],
    });
    expect(res.status).toBe(400);
    expect(await eventsSince(t.dataSource, mark)).toEqual([]);
    expect(await t.dataSource.query(`SELECT name FROM directory_groups WHERE directory_id = $1`, [d.id])).toEqual([{ name: 'Tour Guides' }]);
  });
});
