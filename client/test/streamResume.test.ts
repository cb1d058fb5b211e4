import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { DsyncClient } from '../src/dsyncClient.js';
import type { DsyncEvent } from '../src/events.js';
import { DsyncProcess, startDsyncProcess } from '../../test/support/serverProcess';
import { makeTenant, scimFor, waitFor } from './support/dsyncFixtures.js';

/*
 * A consumer that persists its cursor after each event stops; while it is down the
 * directory changes and the dsync server itself restarts; a new consumer resumes from the
 * persisted cursor and ends with every event exactly once, in order.
 */

const databaseUrl = process.env.DSYNC_DATABASE_URL!;
const servers: DsyncProcess[] = [];
const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsync-cursor-'));
after(async () => {
  for (const s of servers) await s.stop();
  fs.rmSync(stateDir, { recursive: true, force: true });
});

/** The app's durable state: the cursor and what it handled, in a file, written after each event. */
function fileStore(file: string) {
  const read = (): { cursor: number | null; handled: string[] } =>
    fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : { cursor: null, handled: [] };
  return {
    read,
    handle(event: DsyncEvent) {
      const state = read();
      fs.writeFileSync(file, JSON.stringify({ cursor: event.position, handled: [...state.handled, event.id] }));
    },
  };
}

async function consume(client: DsyncClient, environmentId: string, store: ReturnType<typeof fileStore>, stopAt: number) {
  const controller = new AbortController();
  for await (const event of client.events.stream({ environmentId, after: store.read().cursor, signal: controller.signal, minDelayMs: 50, maxDelayMs: 200 })) {
    store.handle(event);
    if (store.read().handled.length >= stopAt) break;
  }
}

test('the stream resumes from a persisted cursor across a consumer and a server restart, losing and repeating nothing', async () => {
  const first = await startDsyncProcess({ databaseUrl });
  servers.push(first);
  const tenant = await makeTenant({ baseUrl: first.url });
  const scim = () => scimFor(tenant.directory, servers[servers.length - 1].url);
  for (const name of ['ada', 'grace', 'linus']) await scim().createUser(`${name}@acme.test`);

  const store = fileStore(path.join(stateDir, 'state.json'));
  // directory.activated and the first user.created, then the consumer stops.
  await consume(new DsyncClient({ baseUrl: first.url, apiKey: tenant.apiKey }), tenant.environment.id, store, 2);
  assert.equal(store.read().handled.length, 2);

  for (const name of ['margaret', 'barbara']) await scim().createUser(`${name}@acme.test`);
  await first.stop();
  const second = await startDsyncProcess({ databaseUrl });
  servers.push(second);
  await scim().createUser('edsger@acme.test');

  const client = new DsyncClient({ baseUrl: second.url, apiKey: tenant.apiKey });
  const log = await waitFor(async () => {
    const page = await client.events.list({ environmentId: tenant.environment.id, limit: 100 });
    return page.data.length === 7 && page.data;
  }, 'seven events positioned');
  await consume(client, tenant.environment.id, store, log.length);

  const { cursor, handled } = store.read();
  assert.deepEqual(handled, log.map((e) => e.id));
  assert.deepEqual(log.map((e) => e.type), ['directory.activated', ...Array(6).fill('user.created')]);
  assert.equal(cursor, log[log.length - 1].position);
  const rest = await client.events.list({ environmentId: tenant.environment.id, after: cursor });
  assert.deepEqual(rest.data, []);
});
