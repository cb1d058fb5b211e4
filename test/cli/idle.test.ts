import { makeDirectory } from '../support/factories';
import { USER_SCHEMA, scimClient } from '../support/scimClient';
import { TestApp, createTestApp } from '../support/testApp';
import { apiGet, cells, cli, cliJson, cliTable } from './cliRun';

/** `dsync idle-rule …` and `dsync idle …` act like the admin API's idle endpoints, with tables for people. */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const DAY = 86_400_000;

test('idle-rule set, show and clear match the API; bad flags are named', async () => {
  const d = await makeDirectory(t.app);
  const set = await cliJson('idle-rule', 'set', d.id, '--after', 'P30D', '--action', 'notify', '--warn-before', 'P7D');
  expect(set).toEqual((await apiGet(t.app, `/api/v1/directories/${d.id}/idle-rule`)).body);
  expect(cells(await cliTable('idle-rule', 'show', d.id))).toEqual([
    ['directory_id', d.id],
    ['after', 'P30D'],
    ['action', 'notify'],
    ['warn_before', 'P7D'],
    ['enabled_at', set.enabled_at],
    ['created_at', set.created_at],
    ['updated_at', set.updated_at],
    ['exclude_user_ids', '-'],
    ['exclude_group_ids', '-'],
  ]);
  const bad = await cli('idle-rule', 'set', d.id, '--after', 'P1M', '--action', 'notify');
  expect([bad.status, bad.stderr]).toEqual([1, expect.stringMatching(/^error: --after: /)]);
  expect(await cliTable('idle-rule', 'clear', d.id)).toBe(`The idle rule of ${d.id} is off.\n`);
  expect((await cli('idle-rule', 'show', d.id)).stderr).toBe('error: Idle rule not found\n');
});

test('idle preview lists who would be idle, and idle scan flags them with a table of what it did', async () => {
  const d = await makeDirectory(t.app);
  const c = scimClient(t.app, d);
  const res = await c.post('/Users', { schemas: [USER_SCHEMA], userName: 'idle@acme.test' });
  const [du] = await t.dataSource.query(`SELECT id FROM directory_users WHERE scim_user_id = $1`, [res.body.id]);
  await cliJson('idle-rule', 'set', d.id, '--after', 'P30D', '--action', 'notify');
  const past = new Date(Date.now() - 60 * DAY);
  await t.dataSource.query(`UPDATE directory_users SET created_at = $2 WHERE id = $1`, [du.id, past]);
  await t.dataSource.query(`UPDATE idle_rules SET enabled_at = $2 WHERE directory_id = $1`, [d.id, past]);
  const preview = await cliTable('idle', 'preview', d.id);
  expect(cells(preview)).toEqual([
    ['directory_user_id', 'last_seen_at', 'idle_since', 'action'],
    [du.id, '-', new Date(past.getTime() + 30 * DAY).toISOString(), 'notify'],
  ]);
  expect(cells(await cliTable('idle', 'scan', d.id))).toEqual([
    ['directory_user_id', 'action', 'result'],
    [du.id, 'notify', 'flagged'],
  ]);
  expect(await cliTable('idle', 'scan', d.id)).toBe('Nobody was due.\n');
});
