import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { makeDirectory, makeEnvironment } from '../support/factories';
import { ADMIN_KEY, TestApp, createTestApp } from '../support/testApp';

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';

/** The dsync_http_requests_total samples, keyed by their label set as Prometheus prints it. */
function requestCounts(text: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = /^dsync_http_requests_total(\{.*\}) (\d+)$/.exec(line);
    if (m) counts[m[1]] = Number(m[2]);
  }
  return counts;
}

describe('without METRICS_TOKEN', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  test('/healthz answers 200', async () => {
    const res = await request(t.app).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  test('/metrics counts requests by route template, never by raw path', async () => {
    const env = await makeEnvironment(t.app);
    const dir = await makeDirectory(t.app, { environment_id: env.id });
    const missingEnv = 'env_01JD0000000000000000000000';
    const userId = randomUUID();
    const auth = { Authorization: `Bearer ${ADMIN_KEY}` };

    expect((await request(t.app).get(`/api/v1/environments/${env.id}`).set(auth)).status).toBe(200);
    expect((await request(t.app).get(`/api/v1/environments/${env.id}`).set(auth)).status).toBe(200);
    expect((await request(t.app).get(`/api/v1/environments/${missingEnv}`).set(auth)).status).toBe(404);
    expect((await request(t.app).get(`/scim/v2/${dir.id}/Users/${userId}`).set('Authorization', 'Bearer wrong')).status).toBe(401);
    expect((await request(t.app).get(`/nothing/here/${userId}`)).status).toBe(404);

    const res = await request(t.app).get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const counts = requestCounts(res.text);
    expect(counts).toMatchObject({
      '{method="GET",route="/healthz",status="200"}': 1,
      '{method="POST",route="/api/v1/environments",status="201"}': 1,
      '{method="POST",route="/api/v1/directories",status="201"}': 1,
      '{method="GET",route="/api/v1/environments/:id",status="200"}': 2,
      '{method="GET",route="/api/v1/environments/:id",status="404"}': 1,
      '{method="GET",route="/scim/v2/:directoryId/Users/:id",status="401"}': 1,
      '{method="GET",route="unmatched",status="404"}': 1,
    });
    for (const raw of [env.id, dir.id, missingEnv, userId, '/nothing/here']) expect(res.text).not.toContain(raw);
    expect(res.text).toContain('# TYPE dsync_http_request_duration_seconds histogram');
  });
});

describe('with METRICS_TOKEN set', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ METRICS_TOKEN });
  });
  afterAll(() => t.close());

  test.each([
    ['no Authorization header', undefined],
    ['a wrong token', `Bearer ${METRICS_TOKEN}x`],
    ['the token without the Bearer scheme', METRICS_TOKEN],
    ['the admin key', `Bearer ${ADMIN_KEY}`],
  ])('/metrics answers 401 to %s', async (_label, header) => {
    const req = request(t.app).get('/metrics');
    const res = header === undefined ? await req : await req.set('Authorization', header);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="dsync-metrics"');
    expect(res.body).toEqual({ error: { code: 'unauthorized', message: 'Missing or invalid metrics token' } });
  });

  test('/metrics answers 200 to the token', async () => {
    const res = await request(t.app).get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('# TYPE dsync_http_requests_total counter');
    expect(requestCounts(res.text)['{method="GET",route="/metrics",status="401"}']).toBe(4);
  });

  test('/healthz stays open', async () => {
    expect((await request(t.app).get('/healthz')).status).toBe(200);
  });
});
