import request from 'supertest';
import { contractRecorder } from '../support/contractCalls';
import { makeApiKey, makeDirectory, makeEnvironment } from '../support/factories';
import { USER_SCHEMA, scimClient } from '../support/scimClient';
import { ADMIN_KEY, TestApp, createTestApp } from '../support/testApp';
import { OWNED_TAGS } from './ownership';

/**
 * Drives the Events operation through the real app, checks each response against
 * openapi.yaml, and proves at the end that every documented status was reached.
 */

let t: TestApp;
const { call, expectTagsCovered } = contractRecorder(() => t);
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

/** GET `path` with `key` (none when null), through the contract check. */
const get = (path: string, key: string | null = ADMIN_KEY) => call('get', path, { key });

test('listEvents: 200 in position order with cursor paging, types and directory filters; 400, 401, 404', async () => {
  const env = await makeEnvironment(t.app);
  const other = await makeEnvironment(t.app);
  const key = await makeApiKey(t.app, env.id);
  const dir = await makeDirectory(t.app, { environment_id: env.id });
  const scim = scimClient(t.app, dir);
  for (const name of ['a', 'b', 'c']) {
    expect((await scim.post('/Users', { schemas: [USER_SCHEMA], userName: `${name}@acme.test` })).status).toBe(201);
  }
  const all = await get(`/api/v1/events?environment_id=${env.id}&limit=100`, key);
  expect(all.status).toBe(200);
  expect(all.body.data.map((e: { type: string }) => e.type)).toEqual([
    'directory.activated',
    'user.created',
    'user.created',
    'user.created',
  ]);
  const positions = all.body.data.map((e: { position: number }) => e.position);
  expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  expect(all.body.data[1]).toEqual({
    object: 'event',
    id: expect.stringMatching(/^event_/),
    type: 'user.created',
    position: expect.any(Number),
    created_at: expect.any(String),
    environment_id: env.id,
    directory_id: dir.id,
    data: expect.objectContaining({ object: 'directory_user', username: 'a@acme.test', state: 'active' }),
  });

  // Paging: two at a time, resuming from each cursor, yields the same events once each.
  const seen: string[] = [];
  let after: string | null = null;
  for (let i = 0; i < 5; i++) {
    const page: request.Response = await get(`/api/v1/events?environment_id=${env.id}&limit=2${after ? `&after=${after}` : ''}`, key);
    seen.push(...page.body.data.map((e: { id: string }) => e.id));
    if (page.body.data.length === 0) {
      expect(page.body.list_metadata.after).toBe(after);
      break;
    }
    after = page.body.list_metadata.after;
  }
  expect(seen).toEqual(all.body.data.map((e: { id: string }) => e.id));

  const typed = await get(`/api/v1/events?environment_id=${env.id}&types=directory.activated`, key);
  expect(typed.body.data.map((e: { type: string }) => e.type)).toEqual(['directory.activated']);
  const byDir = await get(`/api/v1/events?directory_id=${dir.id}&limit=100`);
  expect(byDir.body.data).toHaveLength(4);

  // The environment key sees only its environment.
  const scoped = await get('/api/v1/events?limit=100', key);
  expect(scoped.body.data.every((e: { environment_id: string }) => e.environment_id === env.id)).toBe(true);
  const hidden = await get(`/api/v1/events?environment_id=${other.id}`, key);
  expect([hidden.status, hidden.body]).toEqual([404, { error: { code: 'not_found', message: 'Environment not found' } }]);

  expect((await get('/api/v1/events?types=user.exploded')).status).toBe(400);
  expect((await get('/api/v1/events?after=-1')).status).toBe(400);
  expect((await get('/api/v1/events?limit=101')).status).toBe(400);
  expect((await get('/api/v1/events?color=red')).status).toBe(400);
  expect((await get('/api/v1/events', null)).status).toBe(401);
});

// Runs last (Jest runs a file's tests in order).
test('every Events operation was exercised with each documented status', () => {
  expectTagsCovered(OWNED_TAGS.events, { sampledOnce: ['500'] });
});
