import { DsyncClient, signWebhook } from '@dsync/client';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { PROCESS_ADMIN_KEY, ScratchDatabase, DsyncProcess, createScratchDatabase, freePort, startDsyncProcess } from '../../../test/support/serverProcess';
import type { MirrorConfig } from '../src/config';
import { RunningMirror, startMirror } from '../src/mirrorApp';

/*
 * The mirror against a real dsync (started from this repository) and real PostgreSQL:
 * users provisioned over SCIM reach the app's table through catch-up and webhooks, and a
 * deactivated user follows the environment's inactive policy.
 */

let db: ScratchDatabase;
let dsync: DsyncProcess;
const mirrors: RunningMirror[] = [];

before(async () => {
  db = await createScratchDatabase('mirror');
  dsync = await startDsyncProcess({ databaseUrl: db.url });
});
after(async () => {
  for (const m of mirrors) await m.close().catch(() => undefined);
  await dsync?.stop();
  await db?.drop();
});

function ok<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.data === undefined) throw new Error(`HTTP ${result.response.status}: ${JSON.stringify(result.error)}`);
  return result.data;
}

async function makeTenant(policy: 'secure' | 'retain') {
  const admin = new DsyncClient({ baseUrl: dsync.url, apiKey: PROCESS_ADMIN_KEY });
  const environment = ok(await admin.api.POST('/api/v1/environments', { body: { name: `mirror ${policy} ${Date.now()}`, inactive_policy: policy } }));
  const { key } = ok(await admin.api.POST('/api/v1/environments/{id}/api-keys', { params: { path: { id: environment.id } }, body: {} }));
  const directory = ok(
    await admin.api.POST('/api/v1/directories', {
      body: { environment_id: environment.id, name: 'Acme Okta', provider: 'okta', organization_name: 'Acme', domains: ['acme.test'] },
    }),
  );
  return { admin, environment, apiKey: key, directory, consumer: new DsyncClient({ baseUrl: dsync.url, apiKey: key }) };
}

/** The IdP's side: SCIM 2.0 (RFC 7644) requests as Okta sends them. */
function scim(directory: { id: string; bearer_token: string }) {
  const send = async (method: string, path: string, body: unknown) => {
    const res = await fetch(`${dsync.url}/scim/v2/${directory.id}${path}`, {
      method,
      headers: { Authorization: `Bearer ${directory.bearer_token}`, 'Content-Type': 'application/scim+json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`SCIM ${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as { id: string };
  };
  const patch = (id: string, path: string, value: unknown) =>
    send('PATCH', `/Users/${id}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path, value }] });
  return {
    createUser: async (userName: string, givenName: string) =>
      (
        await send('POST', '/Users', {
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
          userName,
          name: { givenName, familyName: 'Test' },
          emails: [{ value: userName, type: 'work', primary: true }],
          active: true,
        })
      ).id,
    createGroup: (displayName: string, members: string[]) =>
      send('POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName, members: members.map((value) => ({ value })) }),
    deactivate: (id: string) => patch(id, 'active', false),
    setTitle: (id: string, title: string) => patch(id, 'title', title),
  };
}

async function eventually<T>(check: () => Promise<T | undefined | false>, label: string): Promise<T> {
  const deadline = Date.now() + 30000;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`not reached within 30 s: ${label}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits until the environment's event log holds `count` positioned events. */
const eventsPositioned = (consumer: DsyncClient, environmentId: string, count: number) =>
  eventually(async () => (await consumer.events.list({ environmentId, limit: 100 })).data.length >= count, `${count} events positioned`);

type Row = { username: string; state: string; job_title: string | null; groups: string[] };
async function table(mirror: RunningMirror, schema: string): Promise<Row[]> {
  const { rows } = await mirror.pool.query<Row>(`SELECT username, state, job_title, groups FROM ${schema}.users ORDER BY username`);
  return rows;
}

for (const policy of ['secure', 'retain'] as const) {
  test(`users reach the app's table by catch-up and webhooks; a deactivation follows the ${policy} policy`, async () => {
    const schema = `mirror_${policy}`;
    const t = await makeTenant(policy);
    const idp = scim(t.directory);
    const ada = await idp.createUser('ada@acme.test', 'Ada');
    const grace = await idp.createUser('grace@acme.test', 'Grace');
    await idp.createGroup('Engineering', [ada, grace]);
    // directory.activated, 2 × user.created, group.created, 2 × group.user_added: all
    // positioned before the endpoint exists, so only the catch-up on start can bring them.
    await eventsPositioned(t.consumer, t.environment.id, 6);

    const port = await freePort();
    const endpoint = ok(
      await t.admin.api.POST('/api/v1/webhook-endpoints', { body: { environment_id: t.environment.id, url: `http://127.0.0.1:${port}/webhooks/dsync` } }),
    );
    const config: MirrorConfig = {
      port,
      host: '127.0.0.1',
      databaseUrl: db.url,
      schema,
      dsyncUrl: dsync.url,
      apiKey: t.apiKey,
      environmentId: t.environment.id,
      webhookSecrets: [endpoint.secret],
      catchUpIntervalSeconds: 0, // webhooks only after the start, so this test sees them work
    };
    let mirror = await startMirror(config);
    mirrors.push(mirror);
    const engineer = (username: string, job_title: string | null = null): Row => ({ username, state: 'active', job_title, groups: ['Engineering'] });
    assert.deepEqual(await table(mirror, schema), [engineer('ada@acme.test'), engineer('grace@acme.test')]);

    // A webhook brings a new user; a forged one is refused.
    await idp.createUser('linus@acme.test', 'Linus');
    const linus: Row = { username: 'linus@acme.test', state: 'active', job_title: null, groups: [] };
    await eventually(async () => (await table(mirror, schema)).length === 3, 'linus mirrored by webhook');
    const forged = JSON.stringify({ type: 'user.deleted', environment_id: t.environment.id, data: { id: 'x' } });
    const refused = await fetch(`${mirror.url}/webhooks/dsync`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Dsync-Signature': signWebhook(forged, 'whsec_not-the-secret') },
      body: forged,
    });
    assert.deepEqual([refused.status, await refused.json()], [400, { error: 'bad_signature' }]);

    // The IdP deactivates Grace: removed under secure, kept inactive under retain.
    await idp.deactivate(grace);
    const expected =
      policy === 'secure'
        ? [engineer('ada@acme.test'), linus]
        : [engineer('ada@acme.test'), { ...engineer('grace@acme.test'), state: 'inactive' }, linus];
    await eventually(async () => {
      const rows = await table(mirror, schema);
      return JSON.stringify(rows) === JSON.stringify(expected) && rows;
    }, `grace ${policy === 'secure' ? 'removed' : 'inactive'}`).catch(async (err) => {
      assert.deepEqual(await table(mirror, schema), expected);
      throw err;
    });
    const deliveries = ok(
      await t.admin.api.GET('/api/v1/webhook-endpoints/{id}/deliveries', { params: { path: { id: endpoint.id }, query: { status: 'succeeded', limit: 100 } } }),
    );
    assert.ok(deliveries.data.length >= 2, 'the changes after the start came by webhook');

    // Down for a while: a change made meanwhile is caught up on the next start.
    await mirror.close();
    mirrors.pop();
    const before = (await t.consumer.events.list({ environmentId: t.environment.id, limit: 100 })).data.length;
    await idp.setTitle(ada, 'CTO');
    await eventsPositioned(t.consumer, t.environment.id, before + 1);
    mirror = await startMirror(config);
    mirrors.push(mirror);
    assert.deepEqual((await table(mirror, schema))[0], engineer('ada@acme.test', 'CTO'));
  });
}
