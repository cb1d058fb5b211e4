import { Writable } from 'node:stream';
import { Express } from 'express';
import request from 'supertest';
import { buildApp } from '../../src/app';
import { createDataSource } from '../../src/db/dataSource';
import { createLogger } from '../../src/http/logger';
import { generateSecret } from '../../src/secrets';
import { makeApiKey, makeDirectory } from '../support/factories';
import { ADMIN_KEY, TestApp, createTestApp } from '../support/testApp';

/** A destination that keeps every log line in memory. */
function memoryStream() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { stream, text: () => lines.join('') };
}

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

test('logs carry request ids and never the admin key, API keys, SCIM tokens or request bodies', async () => {
  const log = memoryStream();
  const app: Express = buildApp({ dataSource: t.dataSource, config: t.config, logger: createLogger('trace', log.stream) });
  const admin = `Bearer ${ADMIN_KEY}`;

  const dir = await makeDirectory(app);
  const envKey = await makeApiKey(app, dir.environment_id);
  const unknownKey = generateSecret('key');
  const unknownToken = generateSecret('scim');
  const requestIds: string[] = [];
  const remember = (res: request.Response) => {
    requestIds.push(String(res.headers['x-request-id']));
    return res;
  };

  // Accepted credentials, in every place a client might put them.
  expect(remember(await request(app).get('/api/v1/environments').set('Authorization', admin)).status).toBe(200);
  expect(remember(await request(app).get(`/api/v1/environments/${dir.environment_id}`).set('Authorization', `Bearer ${envKey}`)).status).toBe(200);
  expect(remember(await request(app).get(`/scim/v2/${dir.id}/ServiceProviderConfig`).set('Authorization', `Bearer ${dir.bearer_token}`)).status).toBe(200);
  // RFC 6750 §2.3 query tokens: whether or not the SCIM layer accepts them, the URL is logged.
  remember(await request(app).get(`/scim/v2/${dir.id}/ServiceProviderConfig?access_token=${dir.bearer_token}&x=1`));
  expect(remember(await request(app).get('/api/v1/environments').set('X-Api-Key', envKey).set('Cookie', `session=${envKey}`)).status).toBe(401);

  // Failing requests: unknown secrets, and a malformed body that quotes a secret.
  expect(remember(await request(app).get('/api/v1/environments').set('Authorization', `Bearer ${unknownKey}`)).status).toBe(401);
  expect(remember(await request(app).get(`/scim/v2/${dir.id}/Users`).set('Authorization', `Bearer ${unknownToken}`)).status).toBe(401);
  const malformed = await request(app)
    .post('/api/v1/environments')
    .set('Authorization', admin)
    .set('Content-Type', 'application/json')
    .send(`{"name": "${envKey}"`);
  expect(remember(malformed).status).toBe(400);
  const malformedScim = await request(app)
    .post(`/scim/v2/${dir.id}/Users`)
    .set('Authorization', `Bearer ${dir.bearer_token}`)
    .set('Content-Type', 'application/scim+json')
    .send(`{"password": "${unknownKey}"`);
  expect(remember(malformedScim).status).toBe(400);

  const text = log.text();
  for (const secret of [ADMIN_KEY, envKey, dir.bearer_token, unknownKey, unknownToken]) {
    expect(text).not.toContain(secret);
  }
  // Every request above was logged under its id, with the query token censored.
  for (const id of requestIds) expect(text).toContain(`"id":"${id}"`);
  expect(text).toContain(`/scim/v2/${dir.id}/ServiceProviderConfig?access_token=[redacted]&x=1`);
  expect(text).toContain('"authorization":"[redacted]"');
});

test('an unexpected failure is logged with its request id and without the credentials it carried', async () => {
  const log = memoryStream();
  // A database that has gone away makes every data access throw.
  const broken = createDataSource(process.env.DATABASE_URL!, 1);
  await broken.initialize();
  const dir = await makeDirectory(t.app);
  await broken.destroy();
  const app = buildApp({ dataSource: broken, config: t.config, logger: createLogger('info', log.stream) });

  const adminRes = await request(app).post('/api/v1/environments').set('Authorization', `Bearer ${ADMIN_KEY}`).send({ name: 'x' });
  expect(adminRes.status).toBe(500);
  expect(adminRes.body).toEqual({
    error: { code: 'internal_error', message: 'Internal server error', request_id: adminRes.headers['x-request-id'] },
  });
  const scimRes = await request(app).get(`/scim/v2/${dir.id}/Users`).set('Authorization', `Bearer ${dir.bearer_token}`);
  expect(scimRes.status).toBe(500);

  const lines = log
    .text()
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { level: number; msg: string; request_id?: string });
  expect(lines).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ level: 50, msg: 'unhandled admin API error', request_id: adminRes.headers['x-request-id'] }),
      expect.objectContaining({ level: 50, msg: 'unhandled SCIM error', request_id: scimRes.headers['x-request-id'] }),
    ]),
  );
  expect(log.text()).not.toContain(ADMIN_KEY);
  expect(log.text()).not.toContain(dir.bearer_token);
});
