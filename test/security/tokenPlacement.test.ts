import { Express } from 'express';
import request from 'supertest';
import { buildApp } from '../../src/app';
import { createLogger } from '../../src/http/logger';
import { makeApiKey, makeDirectory } from '../support/factories';
import { memoryLog } from '../support/memoryLog';
import { USER_SCHEMA } from '../support/scimClient';
import { ADMIN_KEY, TestApp, createTestApp } from '../support/testApp';

/**
 * Credentials count only in the Authorization header (RFC 6750 §2.1). An `access_token`
 * in the query (§2.3) or the body (§2.2) is refused with 401 on both faces, whatever else
 * the request carries, in whatever shape, and the token is never logged.
 */

let t: TestApp;
let app: Express;
const log = memoryLog();
beforeAll(async () => {
  t = await createTestApp();
  app = buildApp({ dataSource: t.dataSource, config: t.config, logger: createLogger('info', log.stream) });
});
afterAll(() => t.close());

// The same 401 as for a missing or unknown credential: nothing tells a prober which it was.
const ADMIN_REFUSAL = { error: { code: 'unauthorized', message: 'Missing or invalid API key' } };
const SCIM_REFUSAL = {
  schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
  status: '401',
  detail: 'Missing or invalid bearer token',
};

/** How a request can carry a token outside the header, each with the header it also sends (if any). */
function placements(token: string) {
  const q = encodeURIComponent(token);
  return [
    { label: 'query, with a Basic header', query: `access_token=${q}`, authorization: 'Basic eDp5' },
    { label: 'query, with no header', query: `access_token=${q}` },
    { label: 'query, with the valid Bearer header too', query: `access_token=${q}`, bearer: true },
    { label: 'query, percent-encoded name', query: `access%5Ftoken=${q}`, authorization: 'Basic eDp5' },
    { label: 'query, as an array', query: `access_token[]=${q}&access_token[]=${q}`, authorization: 'Basic eDp5' },
    { label: 'query, as an object', query: `access_token[a]=${q}`, authorization: 'Basic eDp5' },
    { label: 'query, empty', query: 'access_token=', bearer: true },
    { label: 'JSON body, with the valid Bearer header', json: { access_token: token }, bearer: true },
    { label: 'JSON body, as an array value', json: { access_token: [token] }, bearer: true },
    { label: 'form body, with the valid Bearer header', form: `access_token=${q}`, bearer: true },
  ];
}

type Placement = ReturnType<typeof placements>[number];

function send(method: 'get' | 'post', path: string, p: Placement, token: string, jsonBody: Record<string, unknown>) {
  let req = request(app)[method](`${path}?${p.query ?? 'x=1'}`);
  if (p.bearer) req = req.set('Authorization', `Bearer ${token}`);
  else if (p.authorization) req = req.set('Authorization', p.authorization);
  if (p.form) return req.set('Content-Type', 'application/x-www-form-urlencoded').send(p.form);
  if (method === 'post' || p.json) return req.set('Content-Type', 'application/json').send(JSON.stringify({ ...jsonBody, ...p.json }));
  return req;
}

let dir: { id: string; environment_id: string; bearer_token: string };
let envKey: string;
beforeAll(async () => {
  dir = await makeDirectory(app);
  envKey = await makeApiKey(app, dir.environment_id);
});

const LABELS = placements('x').map((p) => p.label);
const placement = (label: string, token: string) => placements(token).find((p) => p.label === label)!;

describe('admin API: a key outside the Authorization header is a 401 and creates nothing', () => {
  test.each(LABELS.flatMap((label) => [[label, 'admin key'], [label, 'environment key']]))('%s (%s)', async (label, which) => {
    const token = which === 'admin key' ? ADMIN_KEY : envKey;
    const p = placement(label, token);
    const name = `created through ${label} ${Math.random()}`;
    const created = await send('post', '/api/v1/environments', p, token, { name });
    expect([created.status, created.body, created.headers['www-authenticate']]).toEqual([401, ADMIN_REFUSAL, 'Bearer realm="dsync-admin"']);
    const listed = await send('get', '/api/v1/environments', p, token, {});
    expect([listed.status, listed.body]).toEqual([401, ADMIN_REFUSAL]);
    const stored = await t.dataSource.query('SELECT count(*)::int AS n FROM environments WHERE name = $1', [name]);
    expect(stored).toEqual([{ n: 0 }]);
  });
});

describe('SCIM: a token outside the Authorization header is a 401 and writes nothing', () => {
  test.each(LABELS)('%s', async (label) => {
    const token = dir.bearer_token;
    const p = placement(label, token);
    const userName = `${Math.random().toString(36).slice(2)}@acme.test`;
    const created = await send('post', `/scim/v2/${dir.id}/Users`, p, token, { schemas: [USER_SCHEMA], userName });
    expect([created.status, JSON.parse(created.text), created.headers['www-authenticate']]).toEqual([401, SCIM_REFUSAL, 'Bearer realm="dsync-scim"']);
    expect(created.headers['content-type']).toMatch(/^application\/scim\+json/);
    const listed = await send('get', `/scim/v2/${dir.id}/Users`, p, token, {});
    expect([listed.status, JSON.parse(listed.text)]).toEqual([401, SCIM_REFUSAL]);
    const stored = await t.dataSource.query('SELECT count(*)::int AS n FROM scim_users WHERE directory_id = $1 AND user_name = $2', [dir.id, userName]);
    expect(stored).toEqual([{ n: 0 }]);
  });
});

test('the header alone still works, and no token reached the log', async () => {
  expect((await request(app).get('/api/v1/environments').set('Authorization', `Bearer ${envKey}`)).status).toBe(200);
  expect((await request(app).get(`/scim/v2/${dir.id}/Users`).set('Authorization', `Bearer ${dir.bearer_token}`)).status).toBe(200);
  const text = log.text();
  for (const secret of [ADMIN_KEY, envKey, dir.bearer_token]) {
    expect(text).not.toContain(secret);
    expect(text).not.toContain(encodeURIComponent(secret));
  }
  expect(text).toContain(`/scim/v2/${dir.id}/Users?access_token[]=[redacted]&access_token[]=[redacted]`);
  expect(text).toContain(`/scim/v2/${dir.id}/Users?access%5Ftoken=[redacted]`);
});
