import { TestApp, createTestApp } from '../support/testApp';
import { apiGet, cells, cliActor, cliJson, cliTable, iso, notes, unique } from './cliRun';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

test('api-keys create prints, once, a key that acts on its environment', async () => {
  const env = await cliJson('environments', 'create', '--name', unique('env'));
  const { key, ...created } = await cliJson('api-keys', 'create', '--environment', env.id, '--name', 'billing sync');
  expect(created).toEqual({
    object: 'api_key',
    id: expect.stringMatching(/^key_[0-9A-Z]{26}$/),
    environment_id: env.id,
    name: 'billing sync',
    prefix: key.slice(0, 14),
    created_at: iso,
    revoked_at: null,
  });
  expect(key).toMatch(/^dsync_key_[A-Za-z0-9_-]{43}$/);
  expect(await apiGet(t.app, `/api/v1/environments/${env.id}/api-keys`)).toEqual({
    status: 200,
    body: { data: [created], list_metadata: { after: null } },
  });
  expect(await apiGet(t.app, `/api/v1/environments/${env.id}`, key)).toEqual({ status: 200, body: env });

  const out = await cliTable('api-keys', 'create', '--environment', env.id);
  const tableKey = notes(out)[0].replace('key: ', '');
  const [, second] = (await apiGet(t.app, `/api/v1/environments/${env.id}/api-keys`)).body.data;
  expect(cells(out)).toEqual([
    ['id', second.id],
    ['environment_id', env.id],
    ['name', 'default'],
    ['prefix', tableKey.slice(0, 14)],
    ['created_at', second.created_at],
    ['revoked_at', '-'],
  ]);
  expect(notes(out)).toEqual([`key: ${tableKey}`, 'Store this key now: it is shown only once.']);
  expect(await apiGet(t.app, `/api/v1/environments/${env.id}`, tableKey)).toEqual({ status: 200, body: env });
});

test('admin-key rotate revokes the generated admin key and prints a working new one, audited', async () => {
  const first = await cliJson('admin-key', 'rotate');
  expect((await apiGet(t.app, '/api/v1/environments?limit=1', first.key)).status).toBe(200);

  const out = await cliTable('admin-key', 'rotate');
  const secondKey = notes(out)[1].replace('key: ', '');
  const secondId = cells(out)[0][1];
  expect(cells(out)).toEqual([
    ['id', expect.stringMatching(/^key_[0-9A-Z]{26}$/)],
    ['environment_id', '-'],
    ['name', 'generated admin key'],
    ['prefix', secondKey.slice(0, 16)],
    ['created_at', iso],
    ['revoked_at', '-'],
  ]);
  expect(notes(out)).toEqual([
    `Revoked ${first.id} (${first.prefix}…); it no longer works.`,
    `key: ${secondKey}`,
    'Store this key now: it is shown only once.',
  ]);
  expect((await apiGet(t.app, '/api/v1/environments?limit=1', first.key)).status).toBe(401);
  expect((await apiGet(t.app, '/api/v1/environments?limit=1', secondKey)).status).toBe(200);

  const third = await cliJson('admin-key', 'rotate');
  expect(third).toEqual({
    object: 'api_key',
    id: expect.stringMatching(/^key_[0-9A-Z]{26}$/),
    environment_id: null,
    name: 'generated admin key',
    prefix: third.key.slice(0, 16),
    created_at: iso,
    revoked_at: null,
    key: expect.stringMatching(/^dsync_admin_[A-Za-z0-9_-]{43}$/),
    revoked_key_id: secondId,
  });
  expect((await apiGet(t.app, '/api/v1/environments?limit=1', secondKey)).status).toBe(401);
  const audit = await t.dataSource.query(
    `SELECT environment_id, actor, action, target_type, target_id, details FROM audit_log WHERE target_id = $1`,
    [third.id],
  );
  expect(audit).toEqual([
    {
      environment_id: null,
      actor: cliActor,
      action: 'admin_key.rotated',
      target_type: 'api_key',
      target_id: third.id,
      details: { revoked_key_id: secondId },
    },
  ]);
});
