import request from 'supertest';
import { makeDirectory, makeEnvironment } from '../support/factories';
import { USER_SCHEMA, scimClient } from '../support/scimClient';
import { ADMIN_KEY, TestApp, createTestApp } from '../support/testApp';
import { waitUntil } from '../support/waitUntil';
import { apiGet, cells, cli, cliActor, cliJson, cliTable } from './cliRun';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const admin = { Authorization: `Bearer ${ADMIN_KEY}` };
const HOOK_URL = 'https://hooks.example.com/dsync';

type Event = { id: string; type: string; position: number };
type DeliveryRow = { event_id: string; status: string; attempts: number; due: boolean; lease_expires_at: Date | null };

async function createEndpoint(environmentId: string, events: string[] = []) {
  const res = await request(t.app).post('/api/v1/webhook-endpoints').set(admin).send({ environment_id: environmentId, url: HOOK_URL, events });
  expect(res.status).toBe(201);
  return res.body as { id: string; secret: string };
}

/** A directory with three SCIM users in `environmentId`, positioned (and fanned out) by listing the events; resolves with those four events. */
async function pushUsers(environmentId: string): Promise<Event[]> {
  const dir = await makeDirectory(t.app, { environment_id: environmentId });
  const scim = scimClient(t.app, dir);
  for (const name of ['a', 'b', 'c']) {
    expect((await scim.post('/Users', { schemas: [USER_SCHEMA], userName: `${name}@acme.test` })).status).toBe(201);
  }
  // Another file's sequencer may hold the sequencer lock, and the listing's own pass then
  // positions nothing: list again until all four are positioned.
  return waitUntil(async () => {
    const res = await request(t.app).get(`/api/v1/events?directory_id=${dir.id}&limit=100`).set(admin);
    return res.body.data.length === 4 && (res.body.data as Event[]);
  }, 15000, 'the directory.activated and three user.created events positioned');
}

async function deliveriesOf(endpointId: string): Promise<Record<string, Omit<DeliveryRow, 'event_id'>>> {
  const rows: DeliveryRow[] = await t.dataSource.query(
    `SELECT event_id, status, attempts, next_attempt_at <= now() AS due, lease_expires_at
       FROM webhook_deliveries WHERE endpoint_id = $1`,
    [endpointId],
  );
  return Object.fromEntries(rows.map(({ event_id, ...rest }) => [event_id, rest]));
}

const queuedRow = { status: 'pending', attempts: 0, due: true, lease_expires_at: null };
const doneRow = { status: 'succeeded', attempts: 1, due: true, lease_expires_at: null };

test('webhooks replay re-queues the subscribed events in the range and leaves the rest alone', async () => {
  const env = await makeEnvironment(t.app);
  const endpoint = await createEndpoint(env.id, ['user.created']);
  const [activated, a, b, c] = await pushUsers(env.id);
  expect([activated.type, a.type, b.type, c.type]).toEqual(['directory.activated', 'user.created', 'user.created', 'user.created']);
  // As the worker leaves them once sent.
  await t.dataSource.query(
    `UPDATE webhook_deliveries SET status = 'succeeded', attempts = 1, delivered_at = now() WHERE endpoint_id = $1`,
    [endpoint.id],
  );

  const out = await cliJson('webhooks', 'replay', endpoint.id, '--from', String(activated.position), '--to', String(b.position));
  expect(out).toEqual({
    object: 'webhook_replay',
    endpoint_id: endpoint.id,
    from: activated.position,
    to: b.position,
    queued: 2,
  });
  // directory.activated is not subscribed, c is outside the range.
  expect(await deliveriesOf(endpoint.id)).toEqual({ [a.id]: queuedRow, [b.id]: queuedRow, [c.id]: doneRow });

  const [audit] = await t.dataSource.query(
    `SELECT actor, action, target_id, details FROM audit_log WHERE target_id = $1 AND action = 'webhook_endpoint.events_replayed'`,
    [endpoint.id],
  );
  expect(audit).toEqual({
    actor: cliActor,
    action: 'webhook_endpoint.events_replayed',
    target_id: endpoint.id,
    details: { from: String(activated.position), to: String(b.position), queued: 2 },
  });
});

test('webhooks replay creates the deliveries an endpoint never had, only for its own environment', async () => {
  const env = await makeEnvironment(t.app);
  const other = await makeEnvironment(t.app);
  const events = await pushUsers(env.id);
  const foreign = await pushUsers(other.id);
  // Created after the events were positioned, so it has no deliveries yet.
  const endpoint = await createEndpoint(env.id);
  expect(await deliveriesOf(endpoint.id)).toEqual({});

  const from = Math.min(events[0].position, foreign[0].position);
  const out = await cliTable('webhooks', 'replay', endpoint.id, '--from', String(from));
  expect(out).toBe(`Queued 4 deliveries to ${endpoint.id} (events from position ${from} on).\n`);
  expect(await deliveriesOf(endpoint.id)).toEqual(Object.fromEntries(events.map((e) => [e.id, queuedRow])));

  const listed = await request(t.app).get(`/api/v1/webhook-endpoints/${endpoint.id}/deliveries?limit=100`).set(admin);
  expect(listed.body.data.map((d: { event_position: number }) => d.event_position).sort((x: number, y: number) => x - y)).toEqual(
    events.map((e) => e.position),
  );
});

test('webhooks replay leaves a delivery being sent to its attempt, and says when the endpoint is disabled', async () => {
  const env = await makeEnvironment(t.app);
  const endpoint = await createEndpoint(env.id, ['user.created']);
  const [, a, b] = await pushUsers(env.id);
  await t.dataSource.query(
    `UPDATE webhook_deliveries SET status = 'delivering', attempts = 1, lease_expires_at = now() + interval '1 minute'
      WHERE endpoint_id = $1 AND event_id = $2`,
    [endpoint.id, a.id],
  );
  await request(t.app).patch(`/api/v1/webhook-endpoints/${endpoint.id}`).set(admin).send({ enabled: false }).expect(200);

  const out = await cliTable('webhooks', 'replay', endpoint.id, '--from', String(a.position), '--to', String(b.position));
  expect(out).toBe(
    `Queued 1 delivery to ${endpoint.id} (events at positions ${a.position}-${b.position}).\n` +
      'The endpoint is disabled: they are sent once it is enabled again.\n',
  );
  const rows = await deliveriesOf(endpoint.id);
  expect([rows[a.id], rows[b.id]]).toEqual([
    { status: 'delivering', attempts: 1, due: true, lease_expires_at: expect.any(Date) },
    queuedRow,
  ]);
});

test('webhooks replay refuses bad ranges and unknown endpoints', async () => {
  const env = await makeEnvironment(t.app);
  const endpoint = await createEndpoint(env.id);
  const cases: { argv: string[]; status: number; stderr: string }[] = [
    {
      argv: [endpoint.id, '--from', '5', '--to', '4'],
      status: 1,
      stderr: 'error: --to: must not be before from\n',
    },
    {
      argv: [endpoint.id, '--from', '0'],
      status: 1,
      stderr: 'error: --from: must be an event position (a whole number from 1)\n',
    },
    {
      argv: [endpoint.id, '--from', 'abc'],
      status: 1,
      stderr: 'error: --from: must be an event position (a whole number from 1)\n',
    },
    {
      argv: [`webhook_endpoint_${'0'.repeat(26)}`, '--from', '1'],
      status: 1,
      stderr: 'error: Webhook endpoint not found\n',
    },
    { argv: ['nope', '--from', '1'], status: 1, stderr: 'error: Webhook endpoint not found\n' },
    {
      argv: [endpoint.id],
      status: 2,
      stderr: "error: required option '--from <position>' not specified\n(add --help for usage)\n",
    },
  ];
  for (const { argv, status, stderr } of cases) {
    expect({ argv, ...(await cli('webhooks', 'replay', ...argv)) }).toEqual({ argv, status, stdout: '', stderr });
  }
  expect(await deliveriesOf(endpoint.id)).toEqual({});
});

test('webhooks list shows the endpoints as the API does, never their secrets', async () => {
  const env = await makeEnvironment(t.app);
  const first = await createEndpoint(env.id, ['user.created', 'user.deleted']);
  const second = await createEndpoint(env.id);
  const json = await cliJson('webhooks', 'list', '--environment', env.id);
  expect(json).toEqual((await apiGet(t.app, `/api/v1/webhook-endpoints?environment_id=${env.id}`)).body);
  expect(json.data.map((e: { id: string }) => e.id)).toEqual([first.id, second.id]);

  const table = await cliTable('webhooks', 'list', '--environment', env.id, '--limit', '1');
  expect(cells(table)).toEqual([
    ['id', 'environment_id', 'url', 'events', 'enabled', 'disabled_reason'],
    [first.id, env.id, HOOK_URL, 'user.created, user.deleted', 'true', '-'],
  ]);
  expect(table).toContain(`More results: add --after ${first.id}\n`);
  expect(table + JSON.stringify(json)).not.toContain(first.secret);
});
