import { makeDirectory } from '../support/factories';
import { ENTERPRISE, LIST_RESPONSE, PATCH_OP, USER_SCHEMA, scimClient, scimError } from '../support/scimClient';
import { PUBLIC_URL, TestApp, createTestApp } from '../support/testApp';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp(process.env.DEBUG_LOG ? { LOG_LEVEL: 'error' } : {});
});
afterAll(() => t.close());

async function newClient() {
  return scimClient(t.app, await makeDirectory(t.app));
}

const alice = (over: Record<string, unknown> = {}) => ({
  schemas: [USER_SCHEMA, ENTERPRISE],
  userName: 'alice@acme.test',
  externalId: 'ext-alice',
  name: { givenName: 'Alice', familyName: 'Liddell' },
  emails: [{ value: 'alice@acme.test', type: 'work', primary: true }],
  active: true,
  password: 'Hunter2!secret',
  [ENTERPRISE]: { department: 'Eng', employeeNumber: '42' },
  ...over,
});

describe('POST /Users', () => {
  test('creates the user: 201, Location, meta, ETag; password never stored or returned', async () => {
    const c = await newClient();
    const res = await c.post('/Users', alice());
    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
    const id = res.body.id;
    const location = `${PUBLIC_URL}${c.prefix}/Users/${id}`;
    expect(res.headers.location).toBe(location);
    expect(res.headers.etag).toBe('W/"1"');
    expect(res.body).toEqual({
      schemas: [USER_SCHEMA, ENTERPRISE],
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      externalId: 'ext-alice',
      meta: {
        resourceType: 'User',
        created: expect.any(String),
        lastModified: expect.any(String),
        location,
        version: 'W/"1"',
      },
      userName: 'alice@acme.test',
      name: { givenName: 'Alice', familyName: 'Liddell' },
      emails: [{ value: 'alice@acme.test', type: 'work', primary: true }],
      active: true,
      [ENTERPRISE]: { department: 'Eng', employeeNumber: '42' },
    });
    const stored = await t.dataSource.query(`SELECT resource::text AS r FROM scim_users WHERE id = $1`, [id]);
    expect(stored[0].r).not.toContain('Hunter2');
  });

  test('a duplicate userName, in any case, is 409 uniqueness', async () => {
    const c = await newClient();
    expect((await c.post('/Users', alice())).status).toBe(201);
    const dup = await c.post('/Users', alice({ userName: 'ALICE@acme.test', externalId: 'other' }));
    expect(dup.status).toBe(409);
    expect(dup.body).toEqual(scimError(409, 'uniqueness'));
  });

  test('unknown attributes and custom extension schemas are kept and returned', async () => {
    const c = await newClient();
    const custom = 'urn:okta:acme:1.0:user:custom';
    const res = await c.post('/Users', alice({ schemas: [USER_SCHEMA, custom], [custom]: { badge: 'B-7' }, favouriteColour: 'teal' }));
    expect(res.status).toBe(201);
    const got = await c.get(`/Users/${res.body.id}`);
    expect(got.body[custom]).toEqual({ badge: 'B-7' });
    expect(got.body.favouriteColour).toBe('teal');
    expect(got.body.schemas).toEqual([USER_SCHEMA, ENTERPRISE, custom]);
  });

  test('a missing userName is 400 invalidValue; malformed JSON is 400 invalidSyntax', async () => {
    const c = await newClient();
    const res = await c.post('/Users', { schemas: [USER_SCHEMA], name: { givenName: 'x' } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(scimError(400, 'invalidValue'));
    const bad = await c.post('/Users', '{"userName": ', 'application/scim+json').send('{"userName": ');
    expect(bad.status).toBe(400);
  });
});

describe('GET, PUT, PATCH, DELETE /Users/{id}', () => {
  test('get, replace, patch with If-Match, delete', async () => {
    const c = await newClient();
    const { body: created } = await c.post('/Users', alice());
    const path = `/Users/${created.id}`;
    expect((await c.get(path)).body).toEqual(created);

    const put = await c.put(path, alice({ name: { givenName: 'Al', familyName: 'L' }, active: false }));
    expect(put.status).toBe(200);
    // The environment's default (secure) policy keeps only identifiers of an inactive person.
    expect(put.body).toEqual({
      schemas: [USER_SCHEMA],
      id: created.id,
      externalId: 'ext-alice',
      userName: 'alice@acme.test',
      active: false,
      meta: { ...created.meta, lastModified: expect.any(String), version: 'W/"2"' },
    });

    const stale = await c.patch(path, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: true }] }).set('If-Match', 'W/"1"');
    expect(stale.status).toBe(412);
    expect(stale.body).toEqual(scimError(412));

    const ok = await c
      .patch(path, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: true }] })
      .set('If-Match', 'W/"2"');
    expect(ok.status).toBe(200);
    expect(ok.body.active).toBe(true);
    expect(ok.body.name).toBeUndefined();
    expect(ok.body.meta.version).toBe('W/"3"');

    expect((await c.delete(path)).status).toBe(204);
    const gone = await c.get(path);
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual(scimError(404));
  });

  test('concurrent PATCHes to one user never lose an update', async () => {
    const c = await newClient();
    const { body: created } = await c.post('/Users', alice());
    const path = `/Users/${created.id}`;
    const titles = Array.from({ length: 8 }, (_, i) => `t${i}`);
    const results = await Promise.all(
      titles.map((title, i) =>
        c.patch(path, { schemas: [PATCH_OP], Operations: [{ op: 'add', path: `${ENTERPRISE}:costCenter`, value: `cc${i}` }, { op: 'replace', path: 'title', value: title }] }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(titles.map(() => 200));
    const final = await c.get(path);
    // Each PATCH bumped the version exactly once: none was applied to a stale copy.
    expect(final.body.meta.version).toBe(`W/"${1 + titles.length}"`);
  });
});

describe('GET /Users list', () => {
  test('filter by userName (Okta existence check) answers an empty ListResponse when absent', async () => {
    const c = await newClient();
    const res = await c.get('/Users?filter=userName%20eq%20%22nobody%40acme.test%22&startIndex=1&count=100');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ schemas: [LIST_RESPONSE], totalResults: 0, itemsPerPage: 0, startIndex: 1, Resources: [] });
  });

  test('pagination across 27 users is stable and exact', async () => {
    const c = await newClient();
    for (let i = 0; i < 27; i++) {
      const r = await c.post('/Users', { schemas: [USER_SCHEMA], userName: `u${String(i).padStart(2, '0')}@acme.test` });
      expect(r.status).toBe(201);
    }
    const seen: string[] = [];
    for (const startIndex of [1, 11, 21]) {
      const res = await c.get(`/Users?startIndex=${startIndex}&count=10`);
      expect(res.body.totalResults).toBe(27);
      expect(res.body.startIndex).toBe(startIndex);
      expect(res.body.itemsPerPage).toBe(startIndex === 21 ? 7 : 10);
      seen.push(...res.body.Resources.map((u: { userName: string }) => u.userName));
    }
    expect(seen).toEqual(Array.from({ length: 27 }, (_, i) => `u${String(i).padStart(2, '0')}@acme.test`));
    const odd = await c.get('/Users?startIndex=2&count=100');
    expect(odd.body.itemsPerPage).toBe(26);
    expect(odd.body.Resources[0].userName).toBe('u01@acme.test');
  });
});

test('enterprise sub-attributes scimmy does not declare are kept, patched and returned', async () => {
  const c = await newClient();
  const created = await c.post('/Users', alice({ [ENTERPRISE]: { department: 'Eng', badgeColour: 'teal' } }));
  expect(created.status).toBe(201);
  expect(created.body[ENTERPRISE]).toEqual({ department: 'Eng', badgeColour: 'teal' });
  const path = `/Users/${created.body.id}`;
  const patched = await c.patch(path, {
    schemas: [PATCH_OP],
    Operations: [
      { op: 'replace', path: `${ENTERPRISE}:badgeColour`, value: 'plum' },
      { op: 'replace', path: 'title', value: 'Analyst' },
    ],
  });
  expect(patched.status).toBe(200);
  expect(patched.body[ENTERPRISE]).toEqual({ department: 'Eng', badgeColour: 'plum' });
  const again = await c.patch(path, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: `${ENTERPRISE}:department`, value: 'Ops' }] });
  expect(again.body[ENTERPRISE]).toEqual({ department: 'Ops', badgeColour: 'plum' });
  expect((await c.get(path)).body[ENTERPRISE]).toEqual({ department: 'Ops', badgeColour: 'plum' });
});
