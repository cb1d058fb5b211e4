import request from 'supertest';
import { makeDirectory } from '../support/factories';
import { ENTERPRISE, GROUP_SCHEMA, USER_SCHEMA, scimClient } from '../support/scimClient';
import { PUBLIC_URL, TestApp, createTestApp } from '../support/testApp';

/**
 * Locations are per directory (RFC 7644 §3.1: meta.location and the Location header
 * name the resource under the base URL the client used). scimmy keeps base paths in
 * process-wide statics, so requests for different directories are interleaved here
 * to show that no response ever carries another directory's URL.
 */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp(process.env.DEBUG_LOG ? { LOG_LEVEL: 'error' } : {});
});
afterAll(() => t.close());

type Client = ReturnType<typeof scimClient>;
type Tenant = { c: Client; base: string; userId: string; groupId: string };

/** Every URL in a body: meta.location at any depth and members[].$ref. */
function urlsIn(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => urlsIn(v, found));
  else if (typeof value === 'object' && value !== null) {
    for (const [key, v] of Object.entries(value)) {
      if ((key === 'location' || key === '$ref') && typeof v === 'string') found.push(v);
      else urlsIn(v, found);
    }
  }
  return found;
}

test('50 interleaved requests across 5 directories each answer with their own base URL', async () => {
  const tenants: Tenant[] = [];
  for (let i = 0; i < 5; i++) {
    const c = scimClient(t.app, await makeDirectory(t.app));
    const user = await c.post('/Users', { schemas: [USER_SCHEMA], userName: `seed${i}@acme.test` });
    const group = await c.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: `Seed ${i}`, members: [{ value: user.body.id }] });
    expect([user.status, group.status]).toEqual([201, 201]);
    tenants.push({ c, base: `${PUBLIC_URL}${c.prefix}`, userId: user.body.id, groupId: group.body.id });
  }

  // Ten kinds of request, each sent for every directory, in an order that alternates directories.
  const kinds: ((x: Tenant, n: number) => request.Test)[] = [
    (x, n) => x.c.post('/Users', { schemas: [USER_SCHEMA, ENTERPRISE], userName: `new${n}@acme.test`, [ENTERPRISE]: { manager: { value: x.userId } } }),
    (x, n) => x.c.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: `New ${n}`, members: [{ value: x.userId }] }),
    (x) => x.c.get(`/Users/${x.userId}`),
    (x) => x.c.get(`/Groups/${x.groupId}`),
    (x) => x.c.get('/Users'),
    (x) => x.c.get(`/Groups?filter=${encodeURIComponent('displayName sw "Seed"')}`),
    (x) => x.c.get('/ServiceProviderConfig'),
    (x) => x.c.get('/ResourceTypes/User'),
    (x) => x.c.get(`/Schemas/${USER_SCHEMA}`),
    (x) => x.c.get('/ResourceTypes'),
  ];
  const sent: { tenant: Tenant; res: Promise<request.Response> }[] = [];
  kinds.forEach((kind, k) =>
    tenants.forEach((_, i) => {
      const tenant = tenants[(i + k) % tenants.length];
      // then() starts the request now, so all 50 are in flight together.
      sent.push({ tenant, res: kind(tenant, k * 10 + i).then((r) => r) });
    }),
  );
  expect(sent).toHaveLength(50);
  const results = await Promise.all(sent.map(async (s) => ({ tenant: s.tenant, res: await s.res })));

  let checked = 0;
  for (const { tenant, res } of results) {
    expect([200, 201]).toContain(res.status);
    const urls = urlsIn(res.body);
    if (res.headers.location) urls.push(res.headers.location);
    expect(urls.length).toBeGreaterThan(0);
    for (const url of urls) {
      expect({ url, under: url.startsWith(`${tenant.base}/`) }).toEqual({ url, under: true });
    }
    if (res.status === 201) {
      expect(res.headers.location).toBe(res.body.meta.location);
      expect(res.body.meta.location).toBe(`${tenant.base}/${res.body.meta.resourceType}s/${res.body.id}`);
    }
    checked += urls.length;
  }
  // Every response contributed at least one URL; lists and groups contribute several.
  expect(checked).toBeGreaterThanOrEqual(50);
});
