import request from 'supertest';
import { newId } from '../../src/ids';
import { makeApiKey, makeDirectory, makeEnvironment } from '../support/factories';
import { ADMIN_KEY, TestApp, createTestApp } from '../support/testApp';

/**
 * GET /api/v1/events?directory_id= answers 404 for another tenant's directory and for one
 * that never existed, like every other route; a deleted directory's events stay readable.
 */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const NOT_FOUND = { error: { code: 'not_found', message: 'Directory not found' } };
const get = (path: string, key: string) => request(t.app).get(path).set('Authorization', `Bearer ${key}`);
const types = (res: request.Response) => res.body.data.map((e: { type: string }) => e.type);

test("another environment's directory is a 404 for an environment key", async () => {
  const envA = await makeEnvironment(t.app);
  const keyA = await makeApiKey(t.app, envA.id);
  const own = await makeDirectory(t.app, { environment_id: envA.id });
  const foreign = await makeDirectory(t.app);

  const res = await get(`/api/v1/events?directory_id=${foreign.id}`, keyA);
  expect([res.status, res.body]).toEqual([404, NOT_FOUND]);
  const mine = await get(`/api/v1/events?directory_id=${own.id}`, keyA);
  expect([mine.status, types(mine)]).toEqual([200, ['directory.activated']]);
  // The operator sees every environment, so the same directory is visible to the admin key.
  const operator = await get(`/api/v1/events?directory_id=${foreign.id}`, ADMIN_KEY);
  expect([operator.status, types(operator)]).toEqual([200, ['directory.activated']]);
});

test('a directory that never existed is a 404, for the admin key and an environment key', async () => {
  const env = await makeEnvironment(t.app);
  const key = await makeApiKey(t.app, env.id);
  const missing = newId('directory');
  for (const k of [ADMIN_KEY, key]) {
    const res = await get(`/api/v1/events?directory_id=${missing}`, k);
    expect([res.status, res.body]).toEqual([404, NOT_FOUND]);
  }
});

test("a deleted directory's events stay readable by its environment, and hidden from others", async () => {
  const env = await makeEnvironment(t.app);
  const key = await makeApiKey(t.app, env.id);
  const otherKey = await makeApiKey(t.app, (await makeEnvironment(t.app)).id);
  const dir = await makeDirectory(t.app, { environment_id: env.id });
  expect((await request(t.app).delete(`/api/v1/directories/${dir.id}`).set('Authorization', `Bearer ${key}`)).status).toBe(204);

  const res = await get(`/api/v1/events?directory_id=${dir.id}`, key);
  expect([res.status, types(res)]).toEqual([200, ['directory.activated', 'directory.deleted']]);
  const hidden = await get(`/api/v1/events?directory_id=${dir.id}`, otherKey);
  expect([hidden.status, hidden.body]).toEqual([404, NOT_FOUND]);
});
