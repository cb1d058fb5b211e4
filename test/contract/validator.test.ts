import request from 'supertest';
import { makeDirectory, makeEnvironment } from '../support/factories';
import { ObservedResponse, assertMatchesContract } from '../support/openapi';
import { ADMIN_KEY, TestApp, createTestApp } from '../support/testApp';

/** The contract check itself must fail on drift, or the contract tests prove nothing. */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

/** A response with some parts replaced (supertest's `body` is a getter, so spreading alone loses it). */
function altered(res: request.Response, changes: Partial<ObservedResponse>): ObservedResponse {
  return { status: res.status, headers: res.headers, body: res.body, text: res.text, ...changes };
}

describe('the contract check', () => {
  test('rejects a body that does not match the documented schema', async () => {
    const env = await makeEnvironment(t.app);
    const path = `/api/v1/environments/${env.id}`;
    const res = await request(t.app).get(path).set('Authorization', `Bearer ${ADMIN_KEY}`);
    expect(() => assertMatchesContract(res, 'get', path)).not.toThrow();
    expect(() => assertMatchesContract(altered(res, { body: { ...res.body, secret: 'x' } }), 'get', path)).toThrow(
      /body does not match #\/components\/schemas\/Environment: \(root\) must NOT have additional properties \{"additionalProperty":"secret"\}/,
    );
    expect(() =>
      assertMatchesContract(altered(res, { body: { ...res.body, inactive_policy: 'delete' } }), 'get', path),
    ).toThrow(/\/inactive_policy must be equal to one of the allowed values/);
    const { created_at: _dropped, ...incomplete } = res.body;
    expect(() => assertMatchesContract(altered(res, { body: incomplete }), 'get', path)).toThrow(
      /must have required property 'created_at'/,
    );
  });

  test('rejects an error body whose code does not fit its status', async () => {
    const path = `/api/v1/environments/env_${'0'.repeat(26)}`;
    const res = await request(t.app).get(path).set('Authorization', `Bearer ${ADMIN_KEY}`);
    expect(res.status).toBe(404);
    expect(() => assertMatchesContract(res, 'get', path)).not.toThrow();
    const wrongCode = { error: { ...res.body.error, code: 'forbidden' } };
    expect(() => assertMatchesContract(altered(res, { body: wrongCode }), 'get', path)).toThrow(
      /body does not match #\/components\/schemas\/NotFoundError: \/error\/code must be equal to constant/,
    );
    const unknownCode = { error: { ...res.body.error, code: 'teapot' } };
    expect(() => assertMatchesContract(altered(res, { body: unknownCode }), 'get', path)).toThrow(
      /\/error\/code must be equal to one of the allowed values/,
    );
  });

  test('rejects an undocumented status, path or method', async () => {
    const env = await makeEnvironment(t.app);
    const path = `/api/v1/environments/${env.id}`;
    const res = await request(t.app).get(path).set('Authorization', `Bearer ${ADMIN_KEY}`);
    expect(() => assertMatchesContract(altered(res, { status: 409 }), 'get', path)).toThrow(
      /status 409 is not documented; documented: 200, 401, 404, 429, 500/,
    );
    const nowhere = await request(t.app).get('/api/v1/nowhere').set('Authorization', `Bearer ${ADMIN_KEY}`);
    expect(nowhere.status).toBe(404);
    expect(() => assertMatchesContract(nowhere, 'get', '/api/v1/nowhere')).toThrow(/Undocumented path/);
    const put = await request(t.app).put(path).set('Authorization', `Bearer ${ADMIN_KEY}`).send({ name: 'x' });
    expect(put.status).toBe(404);
    expect(() => assertMatchesContract(put, 'put', path)).toThrow(/Undocumented method/);
  });

  test('rejects an undocumented media type, a missing required header and a body where none is documented', async () => {
    const env = await makeEnvironment(t.app);
    const path = `/api/v1/environments/${env.id}`;
    const res = await request(t.app).get(path).set('Authorization', `Bearer ${ADMIN_KEY}`);
    expect(() =>
      assertMatchesContract(
        altered(res, { headers: { ...res.headers, 'content-type': 'text/html; charset=utf-8' } }),
        'get',
        path,
      ),
    ).toThrow(/Content-Type text\/html; charset=utf-8 is not documented/);
    const anonymous = await request(t.app).get(path);
    expect(() => assertMatchesContract(anonymous, 'get', path)).not.toThrow();
    const { 'www-authenticate': _dropped, ...withoutChallenge } = anonymous.headers;
    expect(() => assertMatchesContract(altered(anonymous, { headers: withoutChallenge }), 'get', path)).toThrow(
      /required header WWW-Authenticate is missing/,
    );
    const dir = await makeDirectory(t.app);
    const deleted = await request(t.app)
      .delete(`/api/v1/directories/${dir.id}`)
      .set('Authorization', `Bearer ${ADMIN_KEY}`);
    expect(() =>
      assertMatchesContract(altered(deleted, { text: '{}' }), 'delete', `/api/v1/directories/${dir.id}`),
    ).toThrow(/no content is documented, but the response has a body/);
  });
});
