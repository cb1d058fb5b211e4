import request from 'supertest';
import { makeDirectory } from '../support/factories';
import { ADMIN_KEY, TestApp, createTestApp } from '../support/testApp';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

test('a directory created with the API yields a SCIM URL and a token the SCIM router accepts', async () => {
  const dir = await makeDirectory(t.app);
  expect(dir.scim_url).toBe(`https://dsync.test/scim/v2/${dir.id}`);
  expect(dir.bearer_token).toMatch(/^dsync_scim_[A-Za-z0-9_-]{43}$/);
  const ok = await request(t.app)
    .get(`/scim/v2/${dir.id}/ServiceProviderConfig`)
    .set('Authorization', `Bearer ${dir.bearer_token}`);
  expect(ok.status).toBe(200);
  expect(ok.headers['content-type']).toMatch(/application\/scim\+json/);
  const bad = await request(t.app).get(`/scim/v2/${dir.id}/ServiceProviderConfig`).set('Authorization', `Bearer ${ADMIN_KEY}`);
  expect(bad.status).toBe(401);
});
