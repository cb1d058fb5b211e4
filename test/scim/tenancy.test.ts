import request from 'supertest';
import { makeDirectory } from '../support/factories';
import { GROUP_SCHEMA, LIST_RESPONSE, PATCH_OP, USER_SCHEMA, scimClient, scimError } from '../support/scimClient';
import { TestApp, createTestApp } from '../support/testApp';

/**
 * Each directory is a tenant: its token sees and changes only its own resources, and
 * another directory's resource looks exactly like one that does not exist.
 */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp(process.env.DEBUG_LOG ? { LOG_LEVEL: 'error' } : {});
});
afterAll(() => t.close());

type Client = ReturnType<typeof scimClient>;
const RANDOM_ID = '3f0c1a52-9d7e-4b1a-8c3e-2a6f5b4d9e01';
const patch = (...Operations: Record<string, unknown>[]) => ({ schemas: [PATCH_OP], Operations });
const emptyList = { schemas: [LIST_RESPONSE], totalResults: 0, itemsPerPage: 0, startIndex: 1, Resources: [] };

/** A 404 body with the id in its detail replaced, so a foreign id and a random id can be compared. */
function notFoundShape(res: request.Response, id: string) {
  expect(res.status).toBe(404);
  expect(res.body).toEqual(scimError(404));
  return { ...res.body, detail: String(res.body.detail).replace(id, '<id>') };
}

async function seed(c: Client, label: string) {
  const user = await c.post('/Users', {
    schemas: [USER_SCHEMA],
    userName: `${label}@acme.test`,
    externalId: `ext-${label}`,
    displayName: label,
  });
  expect(user.status).toBe(201);
  const group = await c.post('/Groups', {
    schemas: [GROUP_SCHEMA],
    displayName: `Group ${label}`,
    externalId: `gext-${label}`,
    members: [{ value: user.body.id }],
  });
  expect(group.status).toBe(201);
  return { user: user.body, group: group.body };
}

describe('directory A cannot reach directory B', () => {
  let a: Client;
  let b: Client;
  let mine: Awaited<ReturnType<typeof seed>>;
  let theirs: Awaited<ReturnType<typeof seed>>;

  beforeAll(async () => {
    a = scimClient(t.app, await makeDirectory(t.app));
    b = scimClient(t.app, await makeDirectory(t.app));
    mine = await seed(a, 'alice');
    theirs = await seed(b, 'bob');
  });

  test('GET by id: 404 with the same body as an id that exists nowhere', async () => {
    for (const [endpoint, id] of [
      ['Users', theirs.user.id],
      ['Groups', theirs.group.id],
    ]) {
      const foreign = notFoundShape(await a.get(`/${endpoint}/${id}`), id);
      const random = notFoundShape(await a.get(`/${endpoint}/${RANDOM_ID}`), RANDOM_ID);
      expect(foreign).toEqual(random);
    }
  });

  test('filters on userName, externalId and displayName find nothing of B', async () => {
    const filters = [
      ['Users', `userName eq "${theirs.user.userName}"`],
      ['Users', `externalId eq "${theirs.user.externalId}"`],
      ['Users', `id eq "${theirs.user.id}"`],
      ['Groups', `displayName eq "${theirs.group.displayName}"`],
      ['Groups', `externalId eq "${theirs.group.externalId}"`],
      ['Groups', `members[value eq "${theirs.user.id}"]`],
    ];
    for (const [endpoint, filter] of filters) {
      const res = await a.get(`/${endpoint}?filter=${encodeURIComponent(filter)}`);
      expect({ filter, status: res.status, body: res.body }).toEqual({ filter, status: 200, body: emptyList });
      const search = await a.post(`/${endpoint}/.search`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter });
      expect({ filter, status: search.status, body: search.body }).toEqual({ filter, status: 200, body: emptyList });
    }
    // The unfiltered lists hold exactly A's own resources.
    expect((await a.get('/Users')).body.Resources).toEqual([mine.user]);
    expect((await a.get('/Groups')).body.Resources).toEqual([mine.group]);
  });

  test('PATCH, PUT and DELETE of B resources are 404', async () => {
    const attempts = [
      () => a.patch(`/Users/${theirs.user.id}`, patch({ op: 'replace', path: 'active', value: false })),
      () => a.put(`/Users/${theirs.user.id}`, { schemas: [USER_SCHEMA], userName: 'taken@acme.test' }),
      () => a.delete(`/Users/${theirs.user.id}`),
      () => a.patch(`/Groups/${theirs.group.id}`, patch({ op: 'replace', path: 'displayName', value: 'pwned' })),
      () => a.patch(`/Groups/${theirs.group.id}`, patch({ op: 'add', path: 'members', value: [{ value: mine.user.id }] })),
      () => a.put(`/Groups/${theirs.group.id}`, { schemas: [GROUP_SCHEMA], displayName: 'pwned' }),
      () => a.delete(`/Groups/${theirs.group.id}`),
    ];
    for (const attempt of attempts) {
      const res = await attempt();
      expect(res.status).toBe(404);
      expect(res.body).toEqual(scimError(404));
    }
  });

  test("B's user cannot be put in A's group: 400 invalidValue, A's group unchanged", async () => {
    const before = (await a.get(`/Groups/${mine.group.id}`)).body;
    const attempts = [
      () => a.patch(`/Groups/${mine.group.id}`, patch({ op: 'add', path: 'members', value: [{ value: theirs.user.id }] })),
      () => a.patch(`/Groups/${mine.group.id}`, patch({ op: 'replace', path: 'members', value: [{ value: theirs.user.id }] })),
      () => a.put(`/Groups/${mine.group.id}`, { schemas: [GROUP_SCHEMA], displayName: 'x', members: [{ value: theirs.user.id }] }),
      () => a.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'smuggler', members: [{ value: theirs.user.id }] }),
    ];
    for (const attempt of attempts) {
      const res = await attempt();
      expect(res.status).toBe(400);
      expect(res.body).toEqual(scimError(400, 'invalidValue'));
    }
    expect((await a.get(`/Groups/${mine.group.id}`)).body).toEqual(before);
    expect((await a.get('/Groups')).body.totalResults).toBe(1);
  });

  test("B's data is intact after all of the above", async () => {
    // Runs last in this block: every attempt above has been made.
    expect((await b.get(`/Users/${theirs.user.id}`)).body).toEqual(theirs.user);
    expect((await b.get(`/Groups/${theirs.group.id}`)).body).toEqual(theirs.group);
    expect((await b.get('/Users')).body.totalResults).toBe(1);
    expect((await b.get('/Groups')).body.totalResults).toBe(1);
  });
});

describe('tokens and directories', () => {
  test("A's token on B's URL is 401, exactly as an unknown token is", async () => {
    const dirA = await makeDirectory(t.app);
    const dirB = await makeDirectory(t.app);
    const { user } = await seed(scimClient(t.app, dirB), 'carol');
    const cross = scimClient(t.app, { id: dirB.id, bearer_token: dirA.bearer_token });
    const unknown = scimClient(t.app, { id: dirB.id, bearer_token: 'not-a-token' });
    for (const c of [cross, unknown]) {
      for (const res of [
        await c.get('/Users'),
        await c.get(`/Users/${user.id}`),
        await c.post('/Users', { schemas: [USER_SCHEMA], userName: 'mallory@acme.test' }),
        await c.delete(`/Users/${user.id}`),
        await c.get('/ServiceProviderConfig'),
      ]) {
        expect(res.status).toBe(401);
        expect(res.headers['www-authenticate']).toBe('Bearer realm="dsync-scim"');
        expect(res.body).toEqual({ ...scimError(401), detail: 'Missing or invalid bearer token' });
      }
    }
    // A's token on a directory that does not exist gets the same answer.
    const nowhere = await request(t.app).get('/scim/v2/directory_does_not_exist/Users').set('Authorization', `Bearer ${dirA.bearer_token}`);
    expect(nowhere.status).toBe(401);
    expect(nowhere.body).toEqual({ ...scimError(401), detail: 'Missing or invalid bearer token' });
    expect((await scimClient(t.app, dirB).get(`/Users/${user.id}`)).status).toBe(200);
  });

  test('the same userName and externalId may exist in two directories', async () => {
    const a = scimClient(t.app, await makeDirectory(t.app));
    const b = scimClient(t.app, await makeDirectory(t.app));
    const body = { schemas: [USER_SCHEMA], userName: 'same@acme.test', externalId: 'same-ext' };
    const ra = await a.post('/Users', body);
    const rb = await b.post('/Users', body);
    expect([ra.status, rb.status]).toEqual([201, 201]);
    expect(ra.body.id).not.toBe(rb.body.id);
    const found = await a.get(`/Users?filter=${encodeURIComponent('userName eq "same@acme.test"')}`);
    expect(found.body.Resources).toEqual([ra.body]);
  });
});
