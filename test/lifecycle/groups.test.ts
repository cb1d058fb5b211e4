import { DirectoryIds, UserProfile, eventsSince, groupEventData, markEvents, redactedUserData, userEventData } from '../support/events';
import { makeDirectory, makeEnvironment } from '../support/factories';
import { Placeholders, replayer } from '../support/replay';
import { GROUP_SCHEMA, PATCH_OP, USER_SCHEMA, scimClient } from '../support/scimClient';
import { PUBLIC_URL, TestApp, createTestApp } from '../support/testApp';

/**
 * Directory groups and membership events, from Okta's Group Push and Entra's group
 * provisioning as recorded. Apps see a membership only while the member has a
 * directory user, so membership changes of other people record nothing.
 */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

type Directory = DirectoryIds & { bearer_token: string };
type Ref = { object: 'directory_group'; id: string; name: string };
/** A SCIM user made by the test, with its directory user's id when it has one. */
type Person = { id: string; userName: string; directoryUserId?: string };

const ADSCIM_GROUP = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';

async function setUp(policy: 'secure' | 'retain', provider: 'okta' | 'entra') {
  const environment = await makeEnvironment(t.app, { inactive_policy: policy });
  const d: Directory = await makeDirectory(t.app, { provider, environment_id: environment.id });
  const c = scimClient(t.app, d);
  const send = replayer(t.app, d);
  const person = async (userName: string, active = true): Promise<Person> => {
    const res = await c.post('/Users', { schemas: [USER_SCHEMA], userName, active });
    expect(res.status).toBe(201);
    const rows: { id: string }[] = await t.dataSource.query(`SELECT id FROM directory_users WHERE scim_user_id = $1`, [res.body.id]);
    return { id: res.body.id, userName, directoryUserId: rows[0]?.id };
  };
  const directoryGroupId = async (scimGroupId: string): Promise<string> =>
    (await t.dataSource.query(`SELECT id FROM directory_groups WHERE scim_group_id = $1`, [scimGroupId]))[0].id;
  return { d, c, send, person, directoryGroupId };
}

/** A member as users created by `person` look to apps. */
function member(d: Directory, p: Person, groups: Ref[], state: UserProfile['state'] = 'active') {
  const active = state === 'active';
  return userEventData(
    d,
    p.id,
    {
      external_id: null,
      username: p.userName,
      emails: [],
      first_name: null,
      last_name: null,
      job_title: null,
      state,
      groups,
      custom_attributes: {},
      raw_attributes: { schemas: [USER_SCHEMA], userName: p.userName, active },
    },
    p.directoryUserId,
  );
}

const event = (type: string, data: unknown, previous_attributes: unknown = null) => ({ type, data, previous_attributes });

describe('Okta Group Push', () => {
  test('create with members, rename, add and remove in one request, replace, empty, delete', async () => {
    const { d, c, send, person, directoryGroupId } = await setUp('secure', 'okta');
    const barbara = await person('barbara.jensen@example.com');
    const mark = await person('mark.pepper@example.com');
    const jane = await person('jane.doe@example.com');

    let since = await markEvents(t.dataSource, d.id);
    const created = await send('okta', 'create-group-with-members', { userId: barbara.id, memberId: mark.id });
    expect(created.status).toBe(201);
    const gid = created.body.id as string;
    const ids: Placeholders = { groupId: gid, userId: barbara.id, memberId: mark.id, newMemberId: jane.id };
    const id = await directoryGroupId(gid);
    const ref: Ref = { object: 'directory_group', id, name: 'Tour Guides' };
    const group = groupEventData(d, gid, 'Tour Guides', { schemas: [GROUP_SCHEMA], displayName: 'Tour Guides' }, id);
    // Members added together are recorded in the order their directory users were created.
    expect(await eventsSince(t.dataSource, since)).toEqual([
      event('group.created', group),
      event('group.user_added', { user: member(d, barbara, [ref]), group }),
      event('group.user_added', { user: member(d, mark, [ref]), group }),
    ]);

    since = await markEvents(t.dataSource, d.id);
    expect((await send('okta', 'group-rename-patch', ids)).status).toBe(200);
    const renamedRef: Ref = { ...ref, name: 'Tour Guides EMEA' };
    const renamed = groupEventData(d, gid, 'Tour Guides EMEA', { schemas: [GROUP_SCHEMA], displayName: 'Tour Guides EMEA' }, id);
    expect(await eventsSince(t.dataSource, since)).toEqual([
      event('group.updated', renamed, { name: 'Tour Guides', raw_attributes: { displayName: 'Tour Guides' } }),
    ]);
    const [row] = await t.dataSource.query(`SELECT name, raw_attributes FROM directory_groups WHERE id = $1`, [id]);
    expect(row).toEqual({ name: 'Tour Guides EMEA', raw_attributes: { schemas: [GROUP_SCHEMA], displayName: 'Tour Guides EMEA' } });

    // One request removes Mark and adds Jane.
    since = await markEvents(t.dataSource, d.id);
    expect((await send('okta', 'group-members-add-remove', ids)).status).toBe(200);
    expect(await eventsSince(t.dataSource, since)).toEqual([
      event('group.user_removed', { user: member(d, mark, []), group: renamed }),
      event('group.user_added', { user: member(d, jane, [renamedRef]), group: renamed }),
    ]);

    // Replacing the members with the ones the group already has changes nothing.
    since = await markEvents(t.dataSource, d.id);
    expect((await send('okta', 'group-members-replace', ids)).status).toBe(200);
    expect(await eventsSince(t.dataSource, since)).toEqual([]);

    since = await markEvents(t.dataSource, d.id);
    expect((await send('okta', 'group-members-replace-empty', ids)).status).toBe(200);
    expect(await eventsSince(t.dataSource, since)).toEqual([
      event('group.user_removed', { user: member(d, barbara, []), group: renamed }),
      event('group.user_removed', { user: member(d, jane, []), group: renamed }),
    ]);

    since = await markEvents(t.dataSource, d.id);
    expect((await c.delete(`/Groups/${gid}`)).status).toBe(204);
    expect(await eventsSince(t.dataSource, since)).toEqual([event('group.deleted', renamed)]);
    expect(await t.dataSource.query(`SELECT id FROM directory_groups WHERE id = $1`, [id])).toEqual([]);
  });
});

describe('Entra group provisioning', () => {
  test('create, add members (value array), rename, remove by filter and by legacy value list, delete', async () => {
    const { d, c, send, person, directoryGroupId } = await setUp('secure', 'entra');
    const ann = await person('ann@contoso.test');
    const bob = await person('bob@contoso.test');
    const cid = await person('cid@contoso.test');

    let since = await markEvents(t.dataSource, d.id);
    const created = await send('entra', 'create-group');
    expect(created.status).toBe(201);
    const gid = created.body.id as string;
    const id = await directoryGroupId(gid);
    const raw = { schemas: [GROUP_SCHEMA, ADSCIM_GROUP], externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159', displayName: 'Tour Guides' };
    const group = groupEventData(d, gid, 'Tour Guides', raw, id);
    expect(await eventsSince(t.dataSource, since)).toEqual([event('group.created', group)]);

    const ref: Ref = { object: 'directory_group', id, name: 'Tour Guides' };
    since = await markEvents(t.dataSource, d.id);
    expect((await send('entra', 'group-add-members', { groupId: gid, newMemberId: ann.id, managerId: bob.id })).status).toBe(200);
    expect((await c.patch(`/Groups/${gid}`, { schemas: [PATCH_OP], Operations: [{ op: 'Add', path: 'members', value: [{ value: cid.id }] }] })).status).toBe(200);
    expect(await eventsSince(t.dataSource, since)).toEqual([
      event('group.user_added', { user: member(d, ann, [ref]), group }),
      event('group.user_added', { user: member(d, bob, [ref]), group }),
      event('group.user_added', { user: member(d, cid, [ref]), group }),
    ]);

    since = await markEvents(t.dataSource, d.id);
    expect((await send('entra', 'group-rename-patch', { groupId: gid })).status).toBe(200);
    const renamed = groupEventData(d, gid, 'Tour Guides EMEA', { ...raw, displayName: 'Tour Guides EMEA' }, id);
    expect(await eventsSince(t.dataSource, since)).toEqual([
      event('group.updated', renamed, { name: 'Tour Guides', raw_attributes: { displayName: 'Tour Guides' } }),
    ]);

    since = await markEvents(t.dataSource, d.id);
    expect((await send('entra', 'group-remove-member', { groupId: gid, memberId: ann.id })).status).toBe(200);
    expect((await send('entra', 'group-remove-member-legacy', { groupId: gid, memberId: bob.id })).status).toBe(200);
    expect(await eventsSince(t.dataSource, since)).toEqual([
      event('group.user_removed', { user: member(d, ann, []), group: renamed }),
      event('group.user_removed', { user: member(d, bob, []), group: renamed }),
    ]);

    // cid is still a member: deleting the group removes them first, in the same transaction,
    // so a subscriber tracking memberships needs no special case for group deletion.
    since = await markEvents(t.dataSource, d.id);
    expect((await c.get(`/Groups/${gid}`)).body.members.map((m: { value: string }) => m.value)).toEqual([cid.id]);
    expect((await c.delete(`/Groups/${gid}`)).status).toBe(204);
    expect(await eventsSince(t.dataSource, since)).toEqual([
      event('group.user_removed', { user: member(d, cid, []), group: renamed }),
      event('group.deleted', renamed),
    ]);
  });
});

describe('members without a directory user', () => {
  test('under the secure policy an inactive member is invisible: adding or removing them records nothing', async () => {
    const { d, c, send, person } = await setUp('secure', 'okta');
    const active = await person('active@example.com');
    const inactive = await person('inactive@example.com', false);
    expect(inactive.directoryUserId).toBeUndefined();
    const created = await send('okta', 'create-group-with-members', { userId: inactive.id, memberId: inactive.id });
    expect(created.status).toBe(201);
    const gid = created.body.id as string;
    expect(created.body.members).toEqual([
      { value: inactive.id, display: 'inactive@example.com', $ref: `${PUBLIC_URL}/scim/v2/${d.id}/Users/${inactive.id}`, type: 'User' },
    ]);

    let since = await markEvents(t.dataSource, d.id);
    expect((await send('okta', 'group-members-add-remove', { groupId: gid, memberId: inactive.id, newMemberId: active.id })).status).toBe(200);
    const [{ id }] = await t.dataSource.query(`SELECT id FROM directory_groups WHERE scim_group_id = $1`, [gid]);
    const group = groupEventData(d, gid, 'Tour Guides', { schemas: [GROUP_SCHEMA], displayName: 'Tour Guides' }, id);
    // Only the active member's arrival is visible.
    expect(await eventsSince(t.dataSource, since)).toEqual([
      event('group.user_added', { user: member(d, active, [{ object: 'directory_group', id, name: 'Tour Guides' }]), group }),
    ]);

    since = await markEvents(t.dataSource, d.id);
    const add = await c.patch(`/Groups/${gid}`, { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: [{ value: inactive.id }] }] });
    expect(add.status).toBe(200);
    expect(await eventsSince(t.dataSource, since)).toEqual([]);
  });
});

describe('deactivating a member', () => {
  test('secure: group.user_removed, then user.deleted; the IdP still sees the membership', async () => {
    const { d, c, send, person, directoryGroupId } = await setUp('secure', 'okta');
    const barbara = await person('barbara.jensen@example.com');
    const mark = await person('mark.pepper@example.com');
    const created = await send('okta', 'create-group-with-members', { userId: barbara.id, memberId: mark.id });
    const gid = created.body.id as string;
    const id = await directoryGroupId(gid);
    const group = groupEventData(d, gid, 'Tour Guides', { schemas: [GROUP_SCHEMA], displayName: 'Tour Guides' }, id);

    const since = await markEvents(t.dataSource, d.id);
    expect((await send('okta', 'deactivate-user-patch', { userId: barbara.id })).status).toBe(200);
    const gone = redactedUserData(d, barbara.id, barbara.userName, barbara.directoryUserId!, 'inactive');
    expect(await eventsSince(t.dataSource, since)).toEqual([
      event('group.user_removed', { user: gone, group }),
      event('user.deleted', gone),
    ]);
    // SCIM membership is the IdP's; what apps see excludes people without a directory user.
    const got = await c.get(`/Groups/${gid}`);
    expect(got.body.members.map((m: { value: string }) => m.value).sort()).toEqual([barbara.id, mark.id].sort());
  });

  test('retain: the inactive user stays in their groups; only user.updated is recorded', async () => {
    const { d, send, person, directoryGroupId } = await setUp('retain', 'okta');
    const barbara = await person('barbara.jensen@example.com');
    const mark = await person('mark.pepper@example.com');
    const created = await send('okta', 'create-group-with-members', { userId: barbara.id, memberId: mark.id });
    const gid = created.body.id as string;
    const id = await directoryGroupId(gid);
    const ref: Ref = { object: 'directory_group', id, name: 'Tour Guides' };
    const group = groupEventData(d, gid, 'Tour Guides', { schemas: [GROUP_SCHEMA], displayName: 'Tour Guides' }, id);

    let since = await markEvents(t.dataSource, d.id);
    expect((await send('okta', 'deactivate-user-patch', { userId: barbara.id })).status).toBe(200);
    expect(await eventsSince(t.dataSource, since)).toEqual([
      event('user.updated', member(d, barbara, [ref], 'inactive'), { state: 'active', raw_attributes: { active: true } }),
    ]);

    // An inactive retained user is still a directory user: leaving the group is visible.
    since = await markEvents(t.dataSource, d.id);
    expect((await send('okta', 'group-members-add-remove', { groupId: gid, memberId: barbara.id, newMemberId: mark.id })).status).toBe(200);
    expect(await eventsSince(t.dataSource, since)).toEqual([
      event('group.user_removed', { user: member(d, barbara, [], 'inactive'), group }),
    ]);
  });
});

test('SCIM DELETE of a member under retain: group.user_removed, then user.deleted, each showing the user in no group', async () => {
  const { d, c, person, directoryGroupId } = await setUp('retain', 'okta');
  const ada = await person('ada.deleted@acme.test');
  const group = await c.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Deletion', members: [{ value: ada.id }] });
  expect(group.status).toBe(201);
  const groupId = await directoryGroupId(group.body.id);
  const mark = await markEvents(t.dataSource, d.id);

  expect((await c.delete(`/Users/${ada.id}`)).status).toBe(204);
  const groupData = groupEventData(d, group.body.id, 'Deletion', { schemas: [GROUP_SCHEMA], displayName: 'Deletion' }, groupId);
  expect(await eventsSince(t.dataSource, mark)).toEqual([
    { type: 'group.user_removed', data: { user: member(d, ada, []), group: groupData }, previous_attributes: null },
    { type: 'user.deleted', data: member(d, ada, []), previous_attributes: null },
  ]);
});
