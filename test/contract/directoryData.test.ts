import { makeDirectory } from '../support/factories';
import { contractRecorder, invalid, notFound, twoTenants } from '../support/contractCalls';
import { GROUP_SCHEMA, USER_SCHEMA, scimClient } from '../support/scimClient';
import { TestApp, createTestApp } from '../support/testApp';
import { OWNED_TAGS, SHARED_HANDLER_STATUSES } from './ownership';

/**
 * Drives every Directory users, Directory groups and Status mapping operation through the
 * real app, with data pushed over SCIM, and checks each response against openapi.yaml;
 * the last test proves every documented status was reached.
 */

let t: TestApp;
const { call, expectTagsCovered } = contractRecorder(() => t);
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const tenants = () => twoTenants(t.app);

describe('directory users, groups and status mapping', () => {
  /** A directory of environment A with one member in one group, pushed over SCIM, and one of environment B. */
  async function populated() {
    const { envA, envB, keyA } = await tenants();
    const dir = await makeDirectory(t.app, { environment_id: envA.id });
    const other = await makeDirectory(t.app, { environment_id: envB.id });
    const scim = scimClient(t.app, dir);
    const user = await scim.post('/Users', { schemas: [USER_SCHEMA], userName: 'ada@acme.test', emails: [{ value: 'ada@acme.test', primary: true }] });
    const group = await scim.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Team', members: [{ value: user.body.id }] });
    expect([user.status, group.status]).toEqual([201, 201]);
    return { dir, other, keyA };
  }

  test('listDirectoryUsers and getDirectoryUser: 200, 400, 401, 404', async () => {
    const { dir, other, keyA } = await populated();
    const listed = await call('get', `/api/v1/directory-users?directory_id=${dir.id}&state=active&lifecycle=current`, { key: keyA });
    expect([listed.status, listed.body.data.length, listed.body.list_metadata]).toEqual([200, 1, { after: null }]);
    const [user] = listed.body.data;
    expect((await call('get', '/api/v1/directory-users?limit=1', { key: keyA })).body.data).toEqual([user]);
    const bad = await call('get', '/api/v1/directory-users?after=bogus');
    expect([bad.status, bad.body]).toEqual([400, invalid('after is not a valid cursor')]);
    const otherDir = await call('get', `/api/v1/directory-users?directory_id=${other.id}`, { key: keyA });
    expect([otherDir.status, otherDir.body]).toEqual([404, notFound('Directory')]);
    expect((await call('get', '/api/v1/directory-users', { key: null })).status).toBe(401);

    const got = await call('get', `/api/v1/directory-users/${user.id}`, { key: keyA });
    expect([got.status, got.body]).toEqual([200, user]);
    const missing = await call('get', `/api/v1/directory-users/directory_user_${'0'.repeat(26)}`);
    expect([missing.status, missing.body]).toEqual([404, notFound('Directory user')]);
    expect((await call('get', `/api/v1/directory-users/${user.id}`, { key: null })).status).toBe(401);
  });

  test('listDirectoryGroups, getDirectoryGroup and listDirectoryGroupUsers: 200, 400, 401, 404', async () => {
    const { dir, other, keyA } = await populated();
    const listed = await call('get', `/api/v1/directory-groups?directory_id=${dir.id}`, { key: keyA });
    expect([listed.status, listed.body.data.length]).toEqual([200, 1]);
    const [group] = listed.body.data;
    const bad = await call('get', '/api/v1/directory-groups?limit=0');
    expect(bad.status).toBe(400);
    const otherDir = await call('get', `/api/v1/directory-groups?directory_id=${other.id}`, { key: keyA });
    expect([otherDir.status, otherDir.body]).toEqual([404, notFound('Directory')]);
    expect((await call('get', '/api/v1/directory-groups', { key: null })).status).toBe(401);

    const got = await call('get', `/api/v1/directory-groups/${group.id}`, { key: keyA });
    expect([got.status, got.body]).toEqual([200, group]);
    const missing = await call('get', `/api/v1/directory-groups/directory_group_${'0'.repeat(26)}`);
    expect([missing.status, missing.body]).toEqual([404, notFound('Directory group')]);
    expect((await call('get', `/api/v1/directory-groups/${group.id}`, { key: null })).status).toBe(401);

    const members = await call('get', `/api/v1/directory-groups/${group.id}/users`, { key: keyA });
    expect([members.status, members.body.data.map((u: { username: string }) => u.username)]).toEqual([200, ['ada@acme.test']]);
    const badMembers = await call('get', `/api/v1/directory-groups/${group.id}/users?after=${group.id}`);
    expect([badMembers.status, badMembers.body]).toEqual([400, invalid('after is not a valid cursor')]);
    const missingMembers = await call('get', `/api/v1/directory-groups/directory_group_${'0'.repeat(26)}/users`);
    expect([missingMembers.status, missingMembers.body]).toEqual([404, notFound('Directory group')]);
    expect((await call('get', `/api/v1/directory-groups/${group.id}/users`, { key: null })).status).toBe(401);
  });

  test('getStatusMapping, setStatusMapping and resetStatusMapping: 200, 400, 401, 404', async () => {
    const { dir, other, keyA } = await populated();
    const path = `/api/v1/directories/${dir.id}/status-mapping`;
    const otherPath = `/api/v1/directories/${other.id}/status-mapping`;
    const preset = await call('get', path, { key: keyA });
    expect([preset.status, preset.body.source]).toEqual([200, 'preset']);
    const rules = [{ attribute: 'userType', active: ['Employee'], inactive: ['Former'], otherwise: 'inactive' }];
    const set = await call('put', path, { key: keyA, body: { rules } });
    expect([set.status, set.body]).toEqual([200, { rules, source: 'custom' }]);
    const bad = await call('put', path, { body: { rules: null } });
    expect([bad.status, bad.body.error.code]).toEqual([400, 'invalid_request']);
    const reset = await call('delete', path, { key: keyA });
    expect([reset.status, reset.body]).toEqual([200, preset.body]);
    for (const method of ['get', 'put', 'delete'] as const) {
      const hidden = await call(method, otherPath, { key: keyA, body: method === 'put' ? { rules } : undefined });
      expect([hidden.status, hidden.body]).toEqual([404, notFound('Directory')]);
      expect((await call(method, path, { key: null })).status).toBe(401);
    }
  });
});

// Runs last (Jest runs a file's tests in order).
test('every Directory users, Directory groups and Status mapping operation was exercised with each documented status', () => {
  expectTagsCovered(OWNED_TAGS.directoryData, { sampledOnce: SHARED_HANDLER_STATUSES });
});
