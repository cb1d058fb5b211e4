import fs from 'node:fs';
import path from 'node:path';
import { makeDirectory, makeEnvironment } from '../support/factories';
import { ENTERPRISE, GROUP_SCHEMA, LIST_RESPONSE, PATCH_OP, USER_SCHEMA, scimClient, scimError } from '../support/scimClient';
import { PUBLIC_URL, TestApp, createTestApp } from '../support/testApp';

/**
 * IdP and RFC cases we used to get wrong (issue 11), each with the exact request shape an
 * IdP or the RFC uses: Entra's member removal with extra keys, noTarget for a replace whose
 * value filter matches nothing, malformed and differently-cased PATCH paths, `schemas`
 * being required, unquoted filter strings, nested parentheses and escaped quotes in
 * filters, and undeclared enterprise sub-attributes in a projection.
 */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp(process.env.DEBUG_LOG ? { LOG_LEVEL: 'error' } : {});
});
afterAll(() => t.close());

type Client = ReturnType<typeof scimClient>;
type User = { id: string; userName: string };
const RANDOM_ID = '7b0e6f6a-2c1d-4e5f-9a8b-1c2d3e4f5a6b';
const patch = (...Operations: unknown[]) => ({ schemas: [PATCH_OP], Operations });

/** `retain` keeps a deactivated person's profile, so a PATCH that also deactivates shows every attribute. */
async function newClient(inactivePolicy: 'secure' | 'retain' = 'secure'): Promise<Client> {
  const environment = await makeEnvironment(t.app, { inactive_policy: inactivePolicy });
  return scimClient(t.app, await makeDirectory(t.app, { provider: 'entra', environment_id: environment.id }));
}

async function makeUser(c: Client, userName: string, extra: Record<string, unknown> = {}): Promise<User> {
  const res = await c.post('/Users', { schemas: [USER_SCHEMA], userName, ...extra });
  expect(res.status).toBe(201);
  return res.body;
}

const meta = (c: Client, kind: 'User' | 'Group', id: string, version: number) => ({
  resourceType: kind,
  created: expect.any(String),
  lastModified: expect.any(String),
  location: `${PUBLIC_URL}${c.prefix}/${kind}s/${id}`,
  version: `W/"${version}"`,
});

const member = (c: Client, u: User) => ({ value: u.id, display: u.userName, $ref: `${PUBLIC_URL}${c.prefix}/Users/${u.id}`, type: 'User' });

function groupBody(c: Client, id: string, version: number, members: User[]) {
  const sorted = [...members].sort((a, b) => a.id.localeCompare(b.id));
  return { schemas: [GROUP_SCHEMA], id, meta: meta(c, 'Group', id, version), displayName: 'Tour Guides', members: sorted.map((u) => member(c, u)) };
}

const sortedMembers = (body: { members?: { value: string }[] }) => ({
  ...body,
  members: [...(body.members ?? [])].sort((a, b) => a.value.localeCompare(b.value)),
});

async function groupOf(c: Client, users: User[]) {
  const res = await c.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Tour Guides', members: users.map((u) => ({ value: u.id })) });
  expect(res.status).toBe(201);
  return res.body as { id: string };
}

describe('Entra removes members by listing them in value (without aadOptscim062020)', () => {
  test('items carrying "$ref": null and display: exactly the listed ids are removed', async () => {
    const c = await newClient();
    const [a, b, d] = [await makeUser(c, 'a@contoso.test'), await makeUser(c, 'b@contoso.test'), await makeUser(c, 'd@contoso.test')];
    const g = await groupOf(c, [a, b, d]);
    const res = await c.patch(`/Groups/${g.id}`, patch({ op: 'Remove', path: 'members', value: [{ $ref: null, display: 'a', value: a.id }] }));
    expect(res.status).toBe(200);
    expect(sortedMembers(res.body)).toEqual(groupBody(c, g.id, 2, [b, d]));
    expect(sortedMembers((await c.get(`/Groups/${g.id}`)).body)).toEqual(groupBody(c, g.id, 2, [b, d]));
  });

  test('op and path in any case, items with only value, several at once, upper-case ids', async () => {
    const c = await newClient();
    const users = [];
    for (const name of ['a', 'b', 'd', 'e', 'f']) users.push(await makeUser(c, `${name}@contoso.test`));
    const [a, b, d, e, f] = users;
    const g = await groupOf(c, users);
    const steps: [unknown, User[]][] = [
      [{ op: 'remove', path: 'members', value: [{ value: a.id }] }, [b, d, e, f]],
      [{ op: 'REMOVE', path: 'Members', value: [{ value: b.id, display: 'someone else entirely' }, { value: d.id.toUpperCase() }] }, [e, f]],
      [{ op: 'Remove', path: 'members', value: { value: e.id, $ref: `https://elsewhere.test/Users/${e.id}` } }, [f]],
    ];
    let version = 1;
    for (const [operation, left] of steps) {
      const res = await c.patch(`/Groups/${g.id}`, patch(operation));
      expect(res.status).toBe(200);
      expect(sortedMembers(res.body)).toEqual(groupBody(c, g.id, ++version, left));
    }
  });

  test('an id that is not a member (or not an id at all) removes nothing and is not an error', async () => {
    const c = await newClient();
    const a = await makeUser(c, 'a@contoso.test');
    const g = await groupOf(c, [a]);
    const before = (await c.get(`/Groups/${g.id}`)).body;
    for (const value of [[{ value: RANDOM_ID, display: 'ghost', $ref: null }], [{ value: 'not-a-member' }], []]) {
      const res = await c.patch(`/Groups/${g.id}`, patch({ op: 'Remove', path: 'members', value }));
      expect(res.status).toBe(200);
      expect(res.body).toEqual(before);
    }
  });

  test('an item that does not say which member (no string value) is 400 invalidValue and removes nothing', async () => {
    const c = await newClient();
    const a = await makeUser(c, 'a@contoso.test');
    const g = await groupOf(c, [a]);
    const before = (await c.get(`/Groups/${g.id}`)).body;
    for (const value of [[{ display: 'a@contoso.test' }], [{ value: a.id }, { value: 42 }], ['just-a-string']]) {
      const res = await c.patch(`/Groups/${g.id}`, patch({ op: 'Remove', path: 'members', value }));
      expect({ status: res.status, body: res.body }).toEqual({ status: 400, body: scimError(400, 'invalidValue') });
    }
    expect((await c.get(`/Groups/${g.id}`)).body).toEqual(before);
  });
});

describe('PATCH paths (RFC 7644 §3.5.2)', () => {
  const userBody = (c: Client, u: User, version: number, extra: Record<string, unknown> = {}) => ({
    schemas: [USER_SCHEMA],
    id: u.id,
    meta: meta(c, 'User', u.id, version),
    userName: u.userName,
    ...extra,
  });

  test('replace through a value filter that matches nothing is 400 noTarget and writes nothing', async () => {
    const c = await newClient();
    const emails = [{ value: 'a@contoso.test', type: 'work' }];
    const u = await makeUser(c, 'a@contoso.test', { emails });
    for (const path of ['emails[type eq "nonexistent"].value', 'emails[value eq "b@contoso.test"].type', 'roles[type eq "x"].value']) {
      const res = await c.patch(`/Users/${u.id}`, patch({ op: 'replace', path, value: 'x@contoso.test' }));
      expect({ status: res.status, body: res.body }).toEqual({ status: 400, body: scimError(400, 'noTarget') });
    }
    expect((await c.get(`/Users/${u.id}`)).body).toEqual(userBody(c, u, 1, { emails }));
  });

  test('Entra treatment: replace through a canonical type creates the element; add creates it for any type', async () => {
    const c = await newClient();
    const u = await makeUser(c, 'a@contoso.test');
    const mobile = await c.patch(`/Users/${u.id}`, patch({ op: 'Replace', path: 'phoneNumbers[type eq "mobile"].value', value: '+1 555 0100' }));
    expect(mobile.body).toEqual(userBody(c, u, 2, { phoneNumbers: [{ type: 'mobile', value: '+1 555 0100' }] }));
    const badge = await c.patch(`/Users/${u.id}`, patch({ op: 'Add', path: 'emails[type eq "badge"].value', value: 'b@contoso.test' }));
    expect(badge.body).toEqual(
      userBody(c, u, 3, { phoneNumbers: [{ type: 'mobile', value: '+1 555 0100' }], emails: [{ type: 'badge', value: 'b@contoso.test' }] }),
    );
  });

  test('malformed paths are 400 invalidPath, not applied to what they resemble', async () => {
    const c = await newClient();
    const u = await makeUser(c, 'a@contoso.test', { name: { givenName: 'Ann' } });
    const paths = ['name..givenName', '.name', 'name.', 'name.givenName.x', 'emails[type eq "work"]..value', 'emails[]', 'emails[type eq work]', ' active', 'urn:', ''];
    for (const path of paths) {
      const res = await c.patch(`/Users/${u.id}`, patch({ op: 'replace', path, value: 'Bea' }));
      expect({ path, status: res.status, body: res.body }).toEqual({ path, status: 400, body: scimError(400, 'invalidPath') });
    }
    expect((await c.get(`/Users/${u.id}`)).body).toEqual(userBody(c, u, 1, { name: { givenName: 'Ann' } }));
  });

  test('attribute names are case-insensitive (RFC 7643 §2.1): Active, Name.GivenName, path-less keys, extension attributes', async () => {
    const c = await newClient('retain');
    const u = await makeUser(c, 'a@contoso.test', { name: { givenName: 'Ann' } });
    const res = await c.patch(
      `/Users/${u.id}`,
      patch(
        { op: 'replace', path: 'Active', value: false },
        { op: 'replace', path: 'Name.GivenName', value: 'Bea' },
        { op: 'replace', value: { DisplayName: 'Bea B', TITLE: 'Guide' } },
        { op: 'add', path: `${ENTERPRISE.toUpperCase()}:Department`, value: 'Tours' },
      ),
    );
    const expected = {
      ...userBody(c, u, 2, { name: { givenName: 'Bea' }, active: false, displayName: 'Bea B', title: 'Guide', [ENTERPRISE]: { department: 'Tours' } }),
      schemas: [USER_SCHEMA, ENTERPRISE],
    };
    expect(res.status).toBe(200);
    expect(res.body).toEqual(expected);
    expect((await c.get(`/Users/${u.id}`)).body).toEqual(expected);
  });
});

describe('schemas is required (RFC 7643 §3)', () => {
  test('POST and PUT without schemas are 400 invalidSyntax and write nothing', async () => {
    const c = await newClient();
    const u = await makeUser(c, 'a@contoso.test');
    const detail = (kind: string, schema: string) => `A ${kind} must list its schemas, e.g. "schemas": ["${schema}"] (RFC 7643 §3)`;
    const missing = (kind: string, schema: string) => ({ status: 400, body: { ...scimError(400, 'invalidSyntax'), detail: detail(kind, schema) } });
    for (const schemas of [undefined, [], USER_SCHEMA, [42]]) {
      const post = await c.post('/Users', { schemas, userName: 'b@contoso.test' });
      expect({ status: post.status, body: post.body }).toEqual(missing('User', USER_SCHEMA));
      const put = await c.put(`/Users/${u.id}`, { schemas, userName: 'b@contoso.test' });
      expect({ status: put.status, body: put.body }).toEqual(missing('User', USER_SCHEMA));
    }
    const group = await c.post('/Groups', { displayName: 'No schemas' });
    expect({ status: group.status, body: group.body }).toEqual(missing('Group', GROUP_SCHEMA));
    const list = await c.get('/Users');
    expect(list.body.Resources).toEqual([{ schemas: [USER_SCHEMA], id: u.id, meta: meta(c, 'User', u.id, 1), userName: 'a@contoso.test' }]);
    expect((await c.get('/Groups')).body.totalResults).toBe(0);
  });

  test('a PATCH without the PatchOp schema stays 400 invalidSyntax and says what to send', async () => {
    const c = await newClient();
    const u = await makeUser(c, 'a@contoso.test');
    const expected = {
      status: 400,
      body: {
        ...scimError(400, 'invalidSyntax'),
        detail: 'A PATCH body must have "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"] (RFC 7644 §3.5.2)',
      },
    };
    for (const schemas of [undefined, [USER_SCHEMA], [PATCH_OP, USER_SCHEMA]]) {
      const res = await c.patch(`/Users/${u.id}`, { schemas, Operations: [{ op: 'replace', path: 'active', value: false }] });
      expect({ status: res.status, body: res.body }).toEqual(expected);
    }
  });

  test('every recorded Okta and Entra body carries schemas (they keep working)', () => {
    const root = path.resolve(__dirname, '../fixtures');
    for (const idp of fs.readdirSync(root)) {
      for (const file of fs.readdirSync(path.join(root, idp))) {
        const recording = JSON.parse(fs.readFileSync(path.join(root, idp, file), 'utf8')) as { method: string; body?: { schemas?: unknown } };
        if (['POST', 'PUT', 'PATCH'].includes(recording.method)) expect({ file, schemas: Array.isArray(recording.body?.schemas) }).toEqual({ file, schemas: true });
      }
    }
  });
});

describe('filters (RFC 7644 §3.4.2.2)', () => {
  const search = (c: Client, filter: string) => c.post('/Users/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter });

  test('an unquoted string is 400 invalidFilter, by GET and by .search', async () => {
    const c = await newClient();
    await makeUser(c, 'abc');
    for (const res of [await c.get(`/Users?filter=${encodeURIComponent('userName eq abc')}`), await search(c, 'userName eq abc')]) {
      expect({ status: res.status, body: res.body }).toEqual({
        status: 400,
        body: { ...scimError(400, 'invalidFilter'), detail: `Unquoted value 'abc' at position 12 in filter; quote strings with "…"` },
      });
    }
  });

  test('nested parentheses and escaped quotes parse', async () => {
    const c = await newClient();
    const a = await makeUser(c, 'a');
    const b = await makeUser(c, 'b');
    await makeUser(c, 'c');
    await makeUser(c, 'd', { active: false });
    const quoted = await makeUser(c, 'o"brien@contoso.test');
    const names = (body: { Resources: User[] }) => body.Resources.map((u) => u.userName);
    const nested = '((userName eq "a" or userName eq "b" or userName eq "d") and active eq true)';
    for (const res of [await c.get(`/Users?filter=${encodeURIComponent(nested)}`), await search(c, nested)]) {
      expect(res.status).toBe(200);
      expect(names(res.body)).toEqual([a.userName, b.userName]);
    }
    const escaped = 'userName eq "o\\"brien@contoso.test"';
    const found = await c.get(`/Users?filter=${encodeURIComponent(escaped)}`);
    expect(found.body).toEqual({
      schemas: [LIST_RESPONSE],
      totalResults: 1,
      itemsPerPage: 1,
      startIndex: 1,
      Resources: [{ schemas: [USER_SCHEMA], id: quoted.id, meta: meta(c, 'User', quoted.id, 1), userName: 'o"brien@contoso.test' }],
    });
  });
});

describe('projection of enterprise sub-attributes scimmy does not declare', () => {
  test('attributes= and excludedAttributes= treat them like the declared ones, on GET and list', async () => {
    const c = await newClient();
    const u = await makeUser(c, 'a@contoso.test', { schemas: [USER_SCHEMA, ENTERPRISE], [ENTERPRISE]: { department: 'Tours', foo: 'bar' } });
    const only = { schemas: [USER_SCHEMA, ENTERPRISE], id: u.id, userName: 'a@contoso.test', [ENTERPRISE]: { foo: 'bar' } };
    const attributes = `attributes=${ENTERPRISE}:foo,userName`;
    expect((await c.get(`/Users/${u.id}?${attributes}`)).body).toEqual(only);
    expect((await c.get(`/Users?${attributes}`)).body.Resources).toEqual([only]);
    expect((await c.get(`/Users/${u.id}?attributes=${ENTERPRISE}`)).body).toEqual({
      schemas: [USER_SCHEMA, ENTERPRISE],
      id: u.id,
      [ENTERPRISE]: { department: 'Tours', foo: 'bar' },
    });
    expect((await c.get(`/Users/${u.id}?excludedAttributes=${ENTERPRISE}:FOO,meta`)).body).toEqual({
      schemas: [USER_SCHEMA, ENTERPRISE],
      id: u.id,
      userName: 'a@contoso.test',
      [ENTERPRISE]: { department: 'Tours' },
    });
  });
});
