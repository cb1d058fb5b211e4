import { ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import request from 'supertest';
import { makeApiKey, makeDirectory } from '../support/factories';
import { ADMIN_KEY, TestApp, createTestApp } from '../support/testApp';

/**
 * Token-bucket rate limits per SCIM token and per API key: 429 with Retry-After and each
 * face's error body; one budget shared by every server process; RATE_LIMITS=off lifts
 * them. The budgets here refill at one token per 1000 s, so refills during a test never
 * change the counts (no timing is assumed).
 */

const ROOT = path.resolve(__dirname, '../..');
const SLOW = { requests_per_second: 0.001 };
const admin = { Authorization: `Bearer ${ADMIN_KEY}` };

let off: TestApp; // RATE_LIMITS=off, as in every other test
let on: TestApp;
beforeAll(async () => {
  off = await createTestApp();
  on = await createTestApp({ RATE_LIMITS: 'on' });
});
afterAll(async () => {
  await Promise.all([off.close(), on.close()]);
});

async function setDirectoryLimit(directoryId: string, burst: number) {
  const res = await request(off.app).put(`/api/v1/directories/${directoryId}/rate-limit`).set(admin).send({ ...SLOW, burst });
  expect(res.status).toBe(200);
}

test('a SCIM token over its budget gets 429 with Retry-After and an RFC 7644 error body; another token has its own', async () => {
  const dir = await makeDirectory(off.app);
  await setDirectoryLimit(dir.id, 3);
  const get = (token: string) => request(on.app).get(`/scim/v2/${dir.id}/Users`).set('Authorization', `Bearer ${token}`);
  const statuses = [];
  for (let i = 0; i < 3; i++) statuses.push((await get(dir.bearer_token)).status);
  expect(statuses).toEqual([200, 200, 200]);

  const refused = await get(dir.bearer_token);
  const wait = Number(refused.headers['retry-after']);
  expect([refused.status, refused.headers['content-type'], JSON.parse(refused.text)]).toEqual([
    429,
    'application/scim+json; charset=utf-8',
    {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '429',
      detail: `Too many requests for this token; retry after ${wait} s`,
    },
  ]);
  // One token per 1000 s: the wait is most of that, in whole seconds.
  expect(Number.isInteger(wait) && wait > 900 && wait <= 1000).toBe(true);

  const rotated = await request(off.app).post(`/api/v1/directories/${dir.id}/tokens`).set(admin);
  expect((await get(rotated.body.bearer_token)).status).toBe(200);
});

test("an API key over its budget gets 429 with Retry-After and the admin API's error body; another key has its own", async () => {
  const dir = await makeDirectory(off.app);
  const created = await request(off.app).post(`/api/v1/environments/${dir.environment_id}/api-keys`).set(admin).send({ name: 'limited' });
  const [key, keyId] = [created.body.key as string, created.body.id as string];
  const other = await makeApiKey(off.app, dir.environment_id);
  const put = await request(off.app)
    .put(`/api/v1/environments/${dir.environment_id}/api-keys/${keyId}/rate-limit`)
    .set(admin)
    .send({ ...SLOW, burst: 2 });
  expect(put.body).toEqual({ object: 'rate_limit', requests_per_second: 0.001, burst: 2, source: 'custom' });

  const get = (k: string) => request(on.app).get(`/api/v1/directories/${dir.id}`).set('Authorization', `Bearer ${k}`);
  expect([(await get(key)).status, (await get(key)).status]).toEqual([200, 200]);
  const refused = await get(key);
  const wait = Number(refused.headers['retry-after']);
  expect([refused.status, refused.body]).toEqual([
    429,
    { error: { code: 'rate_limited', message: `Too many requests for this key; retry after ${wait} s` } },
  ]);
  expect(Number.isInteger(wait) && wait > 900 && wait <= 1000).toBe(true);
  expect((await get(other)).status).toBe(200);
});

test('RATE_LIMITS=off admits a credential whose budget is spent', async () => {
  const dir = await makeDirectory(off.app);
  await setDirectoryLimit(dir.id, 1);
  const get = (app: TestApp) => request(app.app).get(`/scim/v2/${dir.id}/Users`).set('Authorization', `Bearer ${dir.bearer_token}`);
  expect([(await get(on)).status, (await get(on)).status]).toEqual([200, 429]);
  const unlimited = [];
  for (let i = 0; i < 5; i++) unlimited.push((await get(off)).status);
  expect(unlimited).toEqual([200, 200, 200, 200, 200]);
});

describe('two server processes', () => {
  const children: ChildProcess[] = [];
  afterAll(async () => {
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            c.once('exit', () => resolve());
            c.kill('SIGTERM');
          }),
      ),
    );
  });

  test('share one budget per token instead of having one each', async () => {
    const [a, b] = await Promise.all([startServer(children), startServer(children)]);
    const dir = await makeDirectory(off.app);
    await setDirectoryLimit(dir.id, 10);
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) {
      for (const origin of [a, b]) {
        const res = await fetch(`${origin}/scim/v2/${dir.id}/Users`, { headers: { Authorization: `Bearer ${dir.bearer_token}` } });
        statuses.push(res.status);
        if (res.status === 429) expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      }
    }
    // Ten in all — not ten per process.
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(30);
  }, 120000);
});

/** Starts src/main.ts on the test database (no worker) and resolves with its origin once it listens. */
async function startServer(children: ChildProcess[]): Promise<string> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      DATABASE_URL: process.env.DATABASE_URL,
      PORT: String(port),
      HOST: '127.0.0.1',
      ADMIN_API_KEY: ADMIN_KEY,
      LOG_LEVEL: 'warn',
      RUN_WORKER: 'false',
      RATE_LIMITS: 'on',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (output += d));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      output += d;
      if (output.includes('dsync is listening on')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}) before listening:\n${output}`)));
  });
  return `http://127.0.0.1:${port}`;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}
