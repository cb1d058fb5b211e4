import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { DsyncApiError } from '../src/apiError.js';
import { DsyncClient } from '../src/dsyncClient.js';
import type { DsyncEvent } from '../src/events.js';
import { DSYNC_URL, makeTenant, scimFor, waitFor } from './support/dsyncFixtures.js';

// One tenant under `retain`: Ada and Grace in Engineering, Linus alone, then Linus deactivated.
let client: DsyncClient;
let tenant: Awaited<ReturnType<typeof makeTenant>>;
const scimIds: Record<string, string> = {};

before(async () => {
  tenant = await makeTenant({ policy: 'retain' });
  client = new DsyncClient({ baseUrl: DSYNC_URL, apiKey: tenant.apiKey });
  const scim = scimFor(tenant.directory);
  for (const [name, given] of [['ada', 'Ada'], ['grace', 'Grace'], ['linus', 'Linus']] as const) {
    scimIds[name] = await scim.createUser(`${name}@acme.test`, given, 'Test');
  }
  await scim.createGroup('Engineering', [scimIds.ada, scimIds.grace]);
  await scim.setActive(scimIds.linus, false);
});

describe('directory users', () => {
  test('list pages through the users, oldest first, and filters by state', async () => {
    const first = await client.directoryUsers.list({ directoryId: tenant.directory.id, limit: 2 });
    assert.deepEqual(first.data.map((u) => u.username), ['ada@acme.test', 'grace@acme.test']);
    assert.equal(first.after, first.data[1].id);
    const second = await client.directoryUsers.list({ directoryId: tenant.directory.id, limit: 2, after: first.after! });
    assert.deepEqual(second.data.map((u) => [u.username, u.state, u.lifecycle]), [['linus@acme.test', 'inactive', 'past']]);
    assert.equal(second.after, null);

    const inactive = await client.directoryUsers.list({ state: 'inactive' });
    assert.deepEqual(inactive.data.map((u) => u.username), ['linus@acme.test']);
  });

  test('listAll follows the cursor to the end', async () => {
    const all: string[] = [];
    for await (const user of client.directoryUsers.listAll({ directoryId: tenant.directory.id })) all.push(user.username);
    assert.deepEqual(all, ['ada@acme.test', 'grace@acme.test', 'linus@acme.test']);
  });

  test('get returns the whole user, with groups and lifecycle', async () => {
    const [ada] = (await client.directoryUsers.list({ limit: 1 })).data;
    const user = await client.directoryUsers.get(ada.id);
    assert.deepEqual(user, {
      object: 'directory_user',
      id: ada.id,
      directory_id: tenant.directory.id,
      environment_id: tenant.environment.id,
      idp_id: scimIds.ada,
      external_id: null,
      username: 'ada@acme.test',
      emails: [{ value: 'ada@acme.test', type: 'work', primary: true }],
      first_name: 'Ada',
      last_name: 'Test',
      job_title: null,
      state: 'active',
      lifecycle: 'current',
      groups: [{ object: 'directory_group', id: user.groups[0]?.id, name: 'Engineering' }],
      custom_attributes: {},
      raw_attributes: user.raw_attributes,
      created_at: ada.created_at,
      updated_at: ada.updated_at,
      last_seen_at: null,
      idle_since: null,
      idle_action: null,
    });
    assert.equal(user.raw_attributes.userName, 'ada@acme.test');
  });

  test('an unknown id is a DsyncApiError with the API error code', async () => {
    await assert.rejects(client.directoryUsers.get('directory_user_01M80XA9W21QJM8CZNX423A2G1'), (err: unknown) => {
      assert.ok(err instanceof DsyncApiError);
      assert.equal(err.status, 404);
      assert.equal(err.code, 'not_found');
      assert.equal(err.retryable, false);
      return true;
    });
  });

  test('a bad key is a 401 DsyncApiError', async () => {
    const stranger = new DsyncClient({ baseUrl: DSYNC_URL, apiKey: 'dsync_key_not-a-real-key' });
    await assert.rejects(stranger.directoryUsers.list(), { name: 'DsyncApiError', status: 401, code: 'unauthorized' });
  });
});

describe('directory groups', () => {
  test('list, get and the members of a group', async () => {
    const page = await client.directoryGroups.list({ directoryId: tenant.directory.id });
    assert.deepEqual(page.data.map((g) => g.name), ['Engineering']);
    assert.equal(page.after, null);
    const group = await client.directoryGroups.get(page.data[0].id);
    assert.deepEqual(group, page.data[0]);
    assert.equal(group.object, 'directory_group');
    assert.equal(group.directory_id, tenant.directory.id);

    const members = await client.directoryGroups.listUsers(group.id, { limit: 1 });
    assert.deepEqual(members.data.map((u) => u.username), ['ada@acme.test']);
    const rest = await client.directoryGroups.listUsers(group.id, { after: members.after! });
    assert.deepEqual(rest.data.map((u) => u.username), ['grace@acme.test']);

    const all: string[] = [];
    for await (const g of client.directoryGroups.listAll()) all.push(g.id);
    assert.deepEqual(all, [group.id]);
  });
});

describe('events', () => {
  const expectedTypes = [
    'directory.activated',
    'user.created',
    'user.created',
    'user.created',
    'group.created',
    'group.user_added',
    'group.user_added',
    'user.updated',
  ];

  async function allEvents(): Promise<DsyncEvent[]> {
    return waitFor(async () => {
      const page = await client.events.list({ environmentId: tenant.environment.id, limit: 100 });
      return page.data.length >= expectedTypes.length && page.data;
    }, 'every event positioned');
  }

  test('list returns the log in position order, typed by event type', async () => {
    const events = await allEvents();
    assert.deepEqual(events.map((e) => e.type), expectedTypes);
    const positions = events.map((e) => e.position);
    assert.deepEqual(positions, [...positions].sort((a, b) => a - b));
    for (const event of events) {
      switch (event.type) {
        case 'directory.activated':
          assert.equal(event.data.id, tenant.directory.id);
          break;
        case 'group.user_added':
          assert.equal(event.data.group.name, 'Engineering');
          break;
        case 'user.updated':
          // Narrowed by `type`: previous_attributes is UserPreviousAttributes.
          assert.deepEqual(event.previous_attributes?.state, 'active');
          assert.equal(event.data.username, 'linus@acme.test');
          break;
        default:
          assert.equal(event.environment_id, tenant.environment.id);
      }
    }
  });

  test('list resumes after a position and filters by type and directory', async () => {
    const events = await allEvents();
    const afterThird = await client.events.list({ environmentId: tenant.environment.id, after: events[2].position, limit: 2 });
    assert.deepEqual(afterThird.data.map((e) => e.id), events.slice(3, 5).map((e) => e.id));
    assert.equal(afterThird.after, String(events[4].position));

    const created = await client.events.list({ directoryId: tenant.directory.id, types: ['user.created', 'group.created'], limit: 100 });
    assert.deepEqual(created.data.map((e) => e.type), ['user.created', 'user.created', 'user.created', 'group.created']);

    const last = events[events.length - 1].position;
    const empty = await client.events.list({ environmentId: tenant.environment.id, after: last });
    assert.deepEqual(empty, { data: [], after: String(last) });
  });
});
