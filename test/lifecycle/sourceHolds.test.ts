import { inTransaction } from '../../src/db/transaction';
import { changeUserState } from '../../src/directory/changeUserState';
import { SignalChange } from '../../src/directory/rules/stateSignals';
import { ChangeSource } from '../../src/tenancy/context';
import { eventsSince, markEvents } from '../support/events';
import { makeDirectory, makeEnvironment } from '../support/factories';
import { PATCH_OP, USER_SCHEMA, scimClient } from '../support/scimClient';
import { TestApp, createTestApp } from '../support/testApp';

/**
 * A decision from a source other than the IdP (here the idle rule, called as the domain
 * command every such source uses) holds through SCIM pushes that do not change `active`,
 * under both policies, and ends when that source lifts it or the IdP explicitly
 * reactivates the person (active false → true).
 */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const IDLE = 'no sign-in for 31 days (limit 30)';

async function setUp(policy: 'secure' | 'retain') {
  const env = await makeEnvironment(t.app, { inactive_policy: policy });
  const d = await makeDirectory(t.app, { provider: 'entra', environment_id: env.id });
  const c = scimClient(t.app, d);
  const body = { schemas: [USER_SCHEMA], userName: 'ada@acme.test', name: { givenName: 'Ada' }, active: true };
  const created = await c.post('/Users', body);
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  const tenant = { environmentId: env.id, directoryId: d.id };
  const signal = (source: ChangeSource & ('idle' | 'support' | 'pull'), change: SignalChange) =>
    inTransaction(t.dataSource, async (manager) => {
      const [record] = await manager.query(`SELECT * FROM scim_users WHERE id = $1 FOR UPDATE`, [id]);
      return changeUserState({ manager, actor: { kind: 'system', name: source } }, { tenant, source, record, change });
    });
  const directoryUser = async () =>
    (await t.dataSource.query(`SELECT id, state FROM directory_users WHERE scim_user_id = $1`, [id]))[0] as { id: string; state: string } | undefined;
  const types = async (mark: Awaited<ReturnType<typeof markEvents>>) => (await eventsSince(t.dataSource, mark)).map((e) => e.type);
  const audit = async () =>
    (await t.dataSource.query(`SELECT action, details FROM audit_log WHERE target_id = $1 ORDER BY created_at, id`, [id])) as {
      action: string;
      details: Record<string, unknown>;
    }[];
  return { d, c, id, body, signal, directoryUser, types, audit };
}

const setActive = (active: boolean) => ({ schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: active }] });

test('retain: idle makes the user inactive; pushes repeating active=true keep it so; idle lifting it makes it active', async () => {
  const { d, c, id, body, signal, directoryUser, types, audit } = await setUp('retain');
  const before = await directoryUser();
  let mark = await markEvents(t.dataSource, d.id);
  await signal('idle', { source: 'idle', state: 'inactive', reason: IDLE });
  expect(await directoryUser()).toEqual({ id: before!.id, state: 'inactive' });
  expect(await types(mark)).toEqual(['user.updated']);

  // Entra's and Okta's profile updates re-send active=true: that lifts nothing.
  mark = await markEvents(t.dataSource, d.id);
  expect((await c.put(`/Users/${id}`, { ...body, title: 'Engineer' })).status).toBe(200);
  expect(await directoryUser()).toEqual({ id: before!.id, state: 'inactive' });
  expect(await types(mark)).toEqual(['user.updated']);
  expect((await c.get(`/Users/${id}`)).body.active).toBe(true);

  mark = await markEvents(t.dataSource, d.id);
  await signal('idle', { source: 'idle', state: 'active', reason: 'signed in' });
  expect(await directoryUser()).toEqual({ id: before!.id, state: 'active' });
  expect(await types(mark)).toEqual(['user.updated']);
  expect((await audit()).map((a) => [a.action, a.details.source, a.details.held_by])).toEqual([
    ['directory_user.state_signal', 'idle', ['idle']],
    ['directory_user.state_signal', 'idle', []],
  ]);
});

test('retain: the IdP turning active from false to true lifts the idle hold, and the audit log says so', async () => {
  const { c, id, signal, directoryUser, audit } = await setUp('retain');
  await signal('idle', { source: 'idle', state: 'inactive', reason: IDLE });
  expect((await c.patch(`/Users/${id}`, setActive(false))).status).toBe(200);
  expect((await directoryUser())?.state).toBe('inactive');
  expect((await c.patch(`/Users/${id}`, setActive(true))).status).toBe(200);
  expect((await directoryUser())?.state).toBe('active');
  const lifted = (await audit()).filter((a) => a.action === 'directory_user.holds_lifted');
  expect(lifted.map((a) => a.details)).toEqual([{ source: 'scim', state: 'active', held_by: [], lifted: ['idle'] }]);
  const [row] = await t.dataSource.query(`SELECT state_signals FROM scim_users WHERE id = $1`, [id]);
  expect(Object.keys(row.state_signals)).toEqual(['idp']);
});

test('secure: idle deletes and erases the user; a push repeating active=true does not bring them back; idle lifting it does', async () => {
  const { d, c, id, body, signal, directoryUser, types } = await setUp('secure');
  let mark = await markEvents(t.dataSource, d.id);
  await signal('idle', { source: 'idle', state: 'inactive', reason: IDLE });
  expect(await directoryUser()).toBeUndefined();
  expect(await types(mark)).toEqual(['user.deleted']);
  // Erased to identifiers, but the IdP's own view (`active: true`) is kept: it was not the IdP's decision.
  const erased = await c.get(`/Users/${id}`);
  expect(erased.body).toMatchObject({ userName: 'ada@acme.test', active: true });
  expect(erased.body.name).toBeUndefined();

  mark = await markEvents(t.dataSource, d.id);
  expect((await c.put(`/Users/${id}`, { ...body, title: 'Engineer' })).status).toBe(200);
  expect(await directoryUser()).toBeUndefined();
  expect(await types(mark)).toEqual([]);

  mark = await markEvents(t.dataSource, d.id);
  await signal('idle', { source: 'idle', state: 'active', reason: 'signed in' });
  expect((await directoryUser())?.state).toBe('active');
  expect(await types(mark)).toEqual(['user.created']);
});

test('a support reactivation lifts idle but not an inactive IdP', async () => {
  const { c, id, signal, directoryUser } = await setUp('retain');
  await signal('idle', { source: 'idle', state: 'inactive', reason: IDLE });
  expect((await c.patch(`/Users/${id}`, setActive(false))).status).toBe(200);
  await signal('support', { source: 'support', state: 'active', reason: 'ticket 42' });
  expect((await directoryUser())?.state).toBe('inactive');
  const [row] = await t.dataSource.query(`SELECT state_signals FROM scim_users WHERE id = $1`, [id]);
  expect(Object.keys(row.state_signals)).toEqual(['idp']);
});
