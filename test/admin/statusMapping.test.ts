import request from 'supertest';
import { makeApiKey, makeDirectory, makeEnvironment } from '../support/factories';
import { requestBodyErrors } from '../support/openapi';
import { USER_SCHEMA, scimClient } from '../support/scimClient';
import { ADMIN_KEY, TestApp, createTestApp } from '../support/testApp';

/**
 * /api/v1/directories/{id}/status-mapping: the per-directory rules that turn a status
 * attribute into active or inactive, shown, replaced and reset through the admin API and
 * applied to the next SCIM write.
 */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

type Client = ReturnType<typeof scimClient>;

const admin = { Authorization: `Bearer ${ADMIN_KEY}` };
const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
const ADMIN_ACTOR = 'admin_key:ADMIN_API_KEY';
const ACME = 'urn:acme:scim:1.0:User';
const OKTA = 'urn:okta:scim:schemas:core:1.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const dirNotFound = { error: { code: 'not_found', message: 'Directory not found' } };

const HR_ACTIVE = ['active', 'employed', 'hired', 'onboarding', 'on leave', 'leave', 'leave of absence'];
const HR_INACTIVE = ['inactive', 'terminated', 'offboarded', 'departed', 'former', 'resigned', 'retired', 'deceased'];
const OKTA_PRESET = {
  source: 'preset',
  rules: [
    {
      attribute: `${OKTA}:status`,
      active: ['STAGED', 'PROVISIONED', 'ACTIVE', 'RECOVERY', 'PASSWORD_EXPIRED', 'LOCKED_OUT'],
      inactive: ['SUSPENDED', 'DEPROVISIONED'],
    },
    { attribute: `${ENTERPRISE}:employeeStatus`, active: HR_ACTIVE, inactive: HR_INACTIVE },
  ],
};
const WORKER_RULES = [{ attribute: `${ACME}:workerStatus`, active: ['Working'], inactive: ['Gone', 'Left'], otherwise: 'keep' }];
const WORKER_MAPPING = { source: 'custom', rules: WORKER_RULES };

async function newDirectory(policy: 'secure' | 'retain' = 'secure', provider = 'okta') {
  const env = await makeEnvironment(t.app, { inactive_policy: policy });
  const directory = await makeDirectory(t.app, { environment_id: env.id, provider });
  return { env, directory, c: scimClient(t.app, directory), path: `/api/v1/directories/${directory.id}/status-mapping` };
}

/** The status-mapping audit entries of an environment, oldest first. */
async function mappingAudit(environmentId: string) {
  return t.dataSource.query(
    `SELECT actor, action, target_type, target_id, reason, details FROM audit_log
      WHERE environment_id = $1 AND action LIKE 'directory.status_mapping%' ORDER BY id`,
    [environmentId],
  );
}

/** A SCIM user whose status lives in a custom extension and in Okta's status attribute. */
function userBody(workerStatus: string, oktaStatus?: string) {
  return {
    schemas: [USER_SCHEMA, ACME, ...(oktaStatus ? [OKTA] : [])],
    userName: 'ada@acme.test',
    emails: [{ value: 'ada@acme.test', primary: true }],
    [ACME]: { workerStatus },
    ...(oktaStatus ? { [OKTA]: { status: oktaStatus } } : {}),
  };
}

/** The directory's users as the admin API lists them: [state, lifecycle] each. */
async function usersOf(directoryId: string) {
  const res = await request(t.app).get(`/api/v1/directory-users?directory_id=${directoryId}`).set(admin);
  expect(res.status).toBe(200);
  return res.body.data.map((u: { state: string; lifecycle: string }) => [u.state, u.lifecycle]);
}

async function putUser(c: Client, id: string, body: unknown) {
  const res = await c.put(`/Users/${id}`, body);
  expect(res.status).toBe(200);
}

describe('GET /api/v1/directories/{id}/status-mapping', () => {
  test("a new directory uses its provider's preset", async () => {
    const { path } = await newDirectory('secure', 'okta');
    const res = await request(t.app).get(path).set(admin);
    expect([res.status, res.body]).toEqual([200, OKTA_PRESET]);
    const entra = await newDirectory('secure', 'entra');
    const other = await request(t.app).get(entra.path).set(admin);
    expect([other.status, other.body]).toEqual([
      200,
      { source: 'preset', rules: [{ attribute: `${ENTERPRISE}:employeeStatus`, active: HR_ACTIVE, inactive: HR_INACTIVE }] },
    ]);
  });

  test('404 for another tenant and unknown directories, 401 without a key', async () => {
    const a = await newDirectory();
    const b = await newDirectory();
    const keyA = await makeApiKey(t.app, a.env.id);
    expect((await request(t.app).get(a.path).set(bearer(keyA))).status).toBe(200);
    const requests = [
      request(t.app).get(b.path).set(bearer(keyA)),
      request(t.app).put(b.path).set(bearer(keyA)).send({ rules: WORKER_RULES }),
      request(t.app).delete(b.path).set(bearer(keyA)),
      request(t.app).get(`/api/v1/directories/directory_${'0'.repeat(26)}/status-mapping`).set(admin),
      request(t.app).put('/api/v1/directories/nope/status-mapping').set(admin).send({ rules: [] }),
    ];
    for (const res of await Promise.all(requests)) expect([res.status, res.body]).toEqual([404, dirNotFound]);
    expect((await request(t.app).get(a.path)).status).toBe(401);
    expect(await mappingAudit(b.env.id)).toEqual([]);
  });
});

describe('PUT and DELETE /api/v1/directories/{id}/status-mapping', () => {
  test('custom rules replace the preset, are audited once, and a reset brings the preset back', async () => {
    const { env, directory, path } = await newDirectory();
    // Valid bodies, on a directory of their own: documented as valid and accepted.
    const probe = (await newDirectory()).path;
    const longest = [{ ...WORKER_RULES[0], attribute: ` ${'a'.repeat(300)}\t`, active: ['x'.repeat(200)] }];
    for (const rules of [WORKER_RULES, OKTA_PRESET.rules, [], longest]) {
      expect(requestBodyErrors('put', probe, { rules })).toEqual([]);
      expect((await request(t.app).put(probe).set(admin).send({ rules })).status).toBe(200);
    }

    const put = await request(t.app)
      .put(path)
      .set(admin)
      .send({ rules: [{ ...WORKER_RULES[0], inactive: [' Gone ', 'Left'] }] });
    expect([put.status, put.body]).toEqual([200, WORKER_MAPPING]);
    expect((await request(t.app).get(path).set(admin)).body).toEqual(WORKER_MAPPING);
    // The same rules again change nothing and are not audited again.
    const same = await request(t.app).put(path).set(admin).send({ rules: WORKER_RULES });
    expect([same.status, same.body]).toEqual([200, WORKER_MAPPING]);

    const key = await makeApiKey(t.app, env.id);
    const reset = await request(t.app).delete(path).set(bearer(key));
    expect([reset.status, reset.body]).toEqual([200, OKTA_PRESET]);
    expect((await request(t.app).delete(path).set(admin)).body).toEqual(OKTA_PRESET);
    expect((await request(t.app).get(path).set(admin)).body).toEqual(OKTA_PRESET);

    // The preset written out as rules is a custom mapping: it no longer follows the preset.
    const pinned = await request(t.app).put(path).set(admin).send({ rules: OKTA_PRESET.rules });
    expect([pinned.status, pinned.body]).toEqual([200, { ...OKTA_PRESET, source: 'custom' }]);

    const [{ id: keyId }] = (await request(t.app).get(`/api/v1/environments/${env.id}/api-keys`).set(admin)).body.data;
    const entry = (actor: string, action: string, from: unknown, to: unknown) => ({
      actor,
      action,
      target_type: 'directory',
      target_id: directory.id,
      reason: null,
      details: { from, to },
    });
    expect(await mappingAudit(env.id)).toEqual([
      entry(ADMIN_ACTOR, 'directory.status_mapping_updated', OKTA_PRESET, WORKER_MAPPING),
      entry(`api_key:${keyId}`, 'directory.status_mapping_reset', WORKER_MAPPING, OKTA_PRESET),
      entry(ADMIN_ACTOR, 'directory.status_mapping_updated', OKTA_PRESET, { ...OKTA_PRESET, source: 'custom' }),
    ]);
  });

  test('invalid rules answer 400 with each problem by field, and change nothing', async () => {
    const { env, path } = await newDirectory();
    const rule = WORKER_RULES[0];
    const cases: [unknown, string[]][] = [
      [{}, ['rules']],
      [{ rules: null }, ['rules']],
      [{ rules: 'okta' }, ['rules']],
      [{ rules: [{ ...rule, attribute: '  ' }] }, ['rules.0.attribute']],
      [{ rules: [{ ...rule, attribute: 'a'.repeat(301) }] }, ['rules.0.attribute']],
      [{ rules: [{ ...rule, inactive: ['x'.repeat(201)] }] }, ['rules.0.inactive.0']],
      [{ rules: [{ ...rule, otherwise: 'delete' }] }, ['rules.0.otherwise']],
      [{ rules: [{ ...rule, active: [''] }] }, ['rules.0.active.0']],
      [{ rules: [{ attribute: 'userType', active: ['x'] }] }, ['rules.0.inactive']],
      [{ rules: [{ ...rule, priority: 1 }] }, ['rules.0']],
      [{ rules: Array(21).fill(rule) }, ['rules']],
      [{ rules: [], colour: 'red' }, ['colour']],
    ];
    for (const [body, fields] of cases) {
      // The documented request schema refuses what the server refuses.
      expect({ body, documented: requestBodyErrors('put', path, body).length > 0 }).toEqual({ body, documented: true });
      const res = await request(t.app).put(path).set(admin).send(body as object);
      expect({ body, status: res.status, fields: res.body.error?.details?.errors.map((e: { field: string }) => e.field) }).toEqual({
        body,
        status: 400,
        fields,
      });
      expect(res.body).toEqual({
        error: {
          code: 'invalid_request',
          message: expect.stringMatching(new RegExp(`^${fields[0].replace(/\./g, '\\.')}: `)),
          details: { errors: fields.map((field) => ({ field, message: expect.any(String) })) },
        },
      });
    }
    const malformed = await request(t.app).put(path).set(admin).set('Content-Type', 'application/json').send('{"rules":');
    expect([malformed.status, malformed.body]).toEqual([
      400,
      { error: { code: 'invalid_request', message: 'Request body is not valid JSON' } },
    ]);
    expect((await request(t.app).get(path).set(admin)).body).toEqual(OKTA_PRESET);
    expect(await mappingAudit(env.id)).toEqual([]);
  });
});

describe('the mapping applies to the next SCIM write', () => {
  test('retain: a custom inactive value makes the person past; the replaced preset no longer applies until reset', async () => {
    const { directory, c, path } = await newDirectory('retain');
    expect((await request(t.app).put(path).set(admin).send({ rules: WORKER_RULES })).status).toBe(200);

    const created = await c.post('/Users', userBody('Working', 'SUSPENDED'));
    expect(created.status).toBe(201);
    const id = created.body.id;
    // Okta's SUSPENDED means nothing to the custom rules; Working means active.
    expect(await usersOf(directory.id)).toEqual([['active', 'current']]);

    await putUser(c, id, userBody('gone', 'SUSPENDED'));
    expect(await usersOf(directory.id)).toEqual([['inactive', 'past']]);
    await putUser(c, id, userBody('Working', 'ACTIVE'));
    expect(await usersOf(directory.id)).toEqual([['active', 'current']]);

    expect((await request(t.app).delete(path).set(admin)).status).toBe(200);
    await putUser(c, id, userBody('Working', 'SUSPENDED'));
    expect(await usersOf(directory.id)).toEqual([['inactive', 'past']]);
  });

  test('secure: a custom inactive value removes the directory user', async () => {
    const { directory, c, path } = await newDirectory('secure', 'generic');
    expect((await request(t.app).put(path).set(admin).send({ rules: WORKER_RULES })).status).toBe(200);
    const created = await c.post('/Users', userBody('Working'));
    expect(created.status).toBe(201);
    const [user] = (await request(t.app).get(`/api/v1/directory-users?directory_id=${directory.id}`).set(admin)).body.data;
    expect(user.state).toBe('active');

    await putUser(c, created.body.id, userBody('Left'));
    expect(await usersOf(directory.id)).toEqual([]);
    const gone = await request(t.app).get(`/api/v1/directory-users/${user.id}`).set(admin);
    expect([gone.status, gone.body]).toEqual([404, { error: { code: 'not_found', message: 'Directory user not found' } }]);
  });
});
