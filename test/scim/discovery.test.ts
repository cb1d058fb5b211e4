import { makeDirectory } from '../support/factories';
import { ENTERPRISE, GROUP_SCHEMA, LIST_RESPONSE, PATCH_OP, USER_SCHEMA, scimClient, scimError } from '../support/scimClient';
import { PUBLIC_URL, TestApp, createTestApp } from '../support/testApp';

/**
 * Discovery (RFC 7644 §4, RFC 7643 §5-7) and the honesty of ServiceProviderConfig:
 * every capability it advertises is exercised here, and every one it denies is shown
 * to be refused or ignored, so the document cannot drift from what the server does.
 */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp(process.env.DEBUG_LOG ? { LOG_LEVEL: 'error' } : {});
});
afterAll(() => t.close());

type Client = ReturnType<typeof scimClient>;
const SPC_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';
const RESOURCE_TYPE_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';
const SCHEMA_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema';

async function newClient(): Promise<Client> {
  return scimClient(t.app, await makeDirectory(t.app));
}

const baseOf = (c: Client) => `${PUBLIC_URL}${c.prefix}`;

describe('GET /ServiceProviderConfig', () => {
  test('advertises exactly patch, filter (200 max), etag and bearer tokens', async () => {
    const c = await newClient();
    const res = await c.get('/ServiceProviderConfig');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
    expect(res.body).toEqual({
      schemas: [SPC_SCHEMA],
      meta: { resourceType: 'ServiceProviderConfig', location: `${baseOf(c)}/ServiceProviderConfig` },
      documentationUri: 'https://github.com/dsync/dsync#scim',
      patch: { supported: true },
      bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
      filter: { supported: true, maxResults: 200 },
      changePassword: { supported: false },
      sort: { supported: false },
      etag: { supported: true },
      authenticationSchemes: [
        {
          type: 'oauthbearertoken',
          name: 'OAuth Bearer Token',
          description: 'Authentication scheme using the OAuth Bearer Token Standard',
          specUri: 'https://datatracker.ietf.org/doc/html/rfc6750',
        },
      ],
    });
  });
});

describe('what is advertised works', () => {
  test('authenticationSchemes oauthbearertoken: the bearer token is what grants access', async () => {
    const c = await newClient();
    expect((await c.get('/Users')).status).toBe(200);
    const anonymous = await c.get('/Users').set('Authorization', '');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toEqual(scimError(401));
  });

  test('patch: a PATCH is applied', async () => {
    const c = await newClient();
    const { body: u } = await c.post('/Users', { schemas: [USER_SCHEMA], userName: 'pat@acme.test' });
    const res = await c.patch(`/Users/${u.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'displayName', value: 'Pat' }] });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ...u, displayName: 'Pat', meta: { ...u.meta, lastModified: expect.any(String), version: 'W/"2"' } });
  });

  test('filter: filters select, and no page holds more than maxResults (200)', async () => {
    const c = await newClient();
    const names = Array.from({ length: 201 }, (_, i) => `f${String(i).padStart(3, '0')}@acme.test`);
    for (let i = 0; i < names.length; i += 20) {
      const batch = await Promise.all(names.slice(i, i + 20).map((userName) => c.post('/Users', { schemas: [USER_SCHEMA], userName })));
      expect(batch.map((r) => r.status)).toEqual(batch.map(() => 201));
    }
    const one = await c.get(`/Users?filter=${encodeURIComponent('userName eq "f150@acme.test"')}`);
    expect(one.status).toBe(200);
    expect(one.body.totalResults).toBe(1);
    expect(one.body.Resources.map((u: { userName: string }) => u.userName)).toEqual(['f150@acme.test']);

    const some = await c.get(`/Users?filter=${encodeURIComponent('userName sw "f19"')}&attributes=userName`);
    expect(some.body.totalResults).toBe(10);

    const big = await c.get('/Users?count=1000');
    expect(big.status).toBe(200);
    expect(big.body.totalResults).toBe(201);
    expect(big.body.itemsPerPage).toBe(200);
    expect(big.body.Resources).toHaveLength(200);
  });

  test('etag: ETag on reads and writes, If-Match guards writes (412), If-None-Match gives 304', async () => {
    const c = await newClient();
    const created = await c.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Tagged' });
    expect(created.headers.etag).toBe('W/"1"');
    const path = `/Groups/${created.body.id}`;
    const got = await c.get(path);
    expect(got.headers.etag).toBe('W/"1"');
    expect(got.body.meta.version).toBe('W/"1"');

    const stale = await c
      .patch(path, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'displayName', value: 'x' }] })
      .set('If-Match', 'W/"7"');
    expect(stale.status).toBe(412);
    expect(stale.body).toEqual(scimError(412));

    const cached = await c.get(path).set('If-None-Match', 'W/"1"');
    expect(cached.status).toBe(304);
    expect(cached.headers.etag).toBe('W/"1"');
    expect(cached.text).toBe('');
  });
});

describe('what is not advertised is refused or ignored', () => {
  test('bulk: POST /Bulk is 501', async () => {
    const c = await newClient();
    const res = await c.post('/Bulk', {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
      Operations: [{ method: 'POST', path: '/Users', bulkId: 'q1', data: { schemas: [USER_SCHEMA], userName: 'bulk@acme.test' } }],
    });
    expect(res.status).toBe(501);
    expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
    expect(res.body).toEqual(scimError(501));
    expect((await c.get('/Users')).body.totalResults).toBe(0);
  });

  test('sort: sortBy and sortOrder are ignored; the list keeps its creation order', async () => {
    const c = await newClient();
    for (const userName of ['zed@acme.test', 'amy@acme.test', 'kim@acme.test']) {
      expect((await c.post('/Users', { schemas: [USER_SCHEMA], userName })).status).toBe(201);
    }
    for (const q of ['sortBy=userName', 'sortBy=userName&sortOrder=descending']) {
      const res = await c.get(`/Users?${q}`);
      expect(res.status).toBe(200);
      expect(res.body.Resources.map((u: { userName: string }) => u.userName)).toEqual(['zed@acme.test', 'amy@acme.test', 'kim@acme.test']);
    }
  });

  test('changePassword: a password sent by PATCH is neither stored nor returned, and changes nothing', async () => {
    const c = await newClient();
    const { body: u } = await c.post('/Users', { schemas: [USER_SCHEMA], userName: 'pw@acme.test' });
    const res = await c.patch(`/Users/${u.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'password', value: 'S3cret!pass' }] });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(u);
    const stored = await t.dataSource.query(`SELECT resource::text AS r, version FROM scim_users WHERE id = $1`, [u.id]);
    expect(stored[0].r).not.toContain('S3cret');
    expect(stored[0].version).toBe(1);
  });

  test('root-level search and /Me are 501', async () => {
    const c = await newClient();
    const search = await c.post('/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: 'userName pr' });
    expect(search.status).toBe(501);
    expect(search.body).toEqual(scimError(501));
    const me = await c.get('/Me');
    expect(me.status).toBe(501);
    expect(me.body).toEqual(scimError(501));
  });
});

describe('GET /ResourceTypes and /Schemas', () => {
  test('ResourceTypes lists User (with the enterprise extension) and Group, located under the directory', async () => {
    const c = await newClient();
    const user = {
      schemas: [RESOURCE_TYPE_SCHEMA],
      id: 'User',
      meta: { resourceType: 'ResourceType', location: `${baseOf(c)}/ResourceTypes/User` },
      name: 'User',
      description: 'User Account',
      endpoint: '/Users',
      schema: USER_SCHEMA,
      schemaExtensions: [{ schema: ENTERPRISE, required: false }],
    };
    const group = {
      schemas: [RESOURCE_TYPE_SCHEMA],
      id: 'Group',
      meta: { resourceType: 'ResourceType', location: `${baseOf(c)}/ResourceTypes/Group` },
      name: 'Group',
      description: 'Group',
      endpoint: '/Groups',
      schema: GROUP_SCHEMA,
    };
    const res = await c.get('/ResourceTypes');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ schemas: [LIST_RESPONSE], totalResults: 2, itemsPerPage: 2, startIndex: 1, Resources: [user, group] });
    expect((await c.get('/ResourceTypes/User')).body).toEqual(user);
    expect((await c.get('/ResourceTypes/Group')).body).toEqual(group);
    const unknown = await c.get('/ResourceTypes/Widget');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual(scimError(404));
  });

  test('Schemas lists the core User, Group and enterprise schemas; each is readable by its URN', async () => {
    const c = await newClient();
    const res = await c.get('/Schemas');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      schemas: [LIST_RESPONSE],
      totalResults: 3,
      itemsPerPage: 3,
      startIndex: 1,
      Resources: [USER_SCHEMA, GROUP_SCHEMA, ENTERPRISE].map((id) => ({
        schemas: [SCHEMA_SCHEMA],
        id,
        name: expect.any(String),
        description: expect.any(String),
        attributes: expect.any(Array),
        meta: { resourceType: 'Schema', location: `${baseOf(c)}/Schemas/${id}` },
      })),
    });
    for (const listed of res.body.Resources) {
      const one = await c.get(`/Schemas/${listed.id}`);
      expect(one.status).toBe(200);
      expect(one.body).toEqual(listed);
    }
    const attributeNames = (id: string) =>
      (res.body.Resources.find((s: { id: string }) => s.id === id).attributes as { name: string }[]).map((a) => a.name);
    expect(attributeNames(USER_SCHEMA)).toEqual(expect.arrayContaining(['userName', 'name', 'emails', 'active', 'groups']));
    expect(attributeNames(GROUP_SCHEMA)).toEqual(['displayName', 'members']);
    expect(attributeNames(ENTERPRISE)).toEqual(expect.arrayContaining(['employeeNumber', 'department', 'manager']));

    const unknown = await c.get('/Schemas/urn:example:nope');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual(scimError(404));
  });
});
