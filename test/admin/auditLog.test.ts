import request from 'supertest';
import { makeEnvironment } from '../support/factories';
import { ADMIN_KEY, TestApp, createTestApp } from '../support/testApp';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const admin = { Authorization: `Bearer ${ADMIN_KEY}` };
const bearer = (secret: string) => ({ Authorization: `Bearer ${secret}` });
const ADMIN_ACTOR = 'admin_key:ADMIN_API_KEY';

type AuditRow = { actor: string; action: string; target_type: string; target_id: string; reason: string | null; details: unknown };

/** An environment's audit entries in the order they were written (ids are monotonic ULIDs). */
async function auditOf(environmentId: string): Promise<AuditRow[]> {
  const rows: (AuditRow & { id: string; created_at: Date })[] = await t.dataSource.query(
    `SELECT id, actor, action, target_type, target_id, reason, details, created_at
       FROM audit_log WHERE environment_id = $1 ORDER BY id`,
    [environmentId],
  );
  for (const row of rows) {
    expect(row.id).toMatch(/^audit_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(row.created_at).toBeInstanceOf(Date);
  }
  return rows.map(({ id: _id, created_at: _at, ...rest }) => rest);
}

/** One expected audit entry (reason is unused by these actions). */
const entry = (actor: string, action: string, targetType: string, targetId: string, details: unknown = {}): AuditRow => ({
  actor,
  action,
  target_type: targetType,
  target_id: targetId,
  reason: null,
  details,
});

/** Runs the whole directory and key life cycle with one credential and returns what it created. */
async function lifeCycle(environmentId: string, auth: Record<string, string>) {
  const secrets: string[] = [];
  const dir = await request(t.app)
    .post('/api/v1/directories')
    .set(auth)
    .send({ environment_id: environmentId, name: 'Okta', provider: 'okta', organization_name: 'Acme', domains: ['acme.com'] });
  expect(dir.status).toBe(201);
  secrets.push(dir.body.bearer_token);
  const [firstToken] = (await request(t.app).get(`/api/v1/directories/${dir.body.id}/tokens`).set(auth)).body.data;

  const patched = await request(t.app)
    .patch(`/api/v1/directories/${dir.body.id}`)
    .set(auth)
    .send({ name: 'Okta prod', domains: ['acme.com', 'acme.org'], state: 'disabled' });
  expect(patched.status).toBe(200);
  // Sending the current values again changes nothing and records nothing.
  const same = await request(t.app).patch(`/api/v1/directories/${dir.body.id}`).set(auth).send({ name: 'Okta prod' });
  expect(same.status).toBe(200);

  const rotated = await request(t.app).post(`/api/v1/directories/${dir.body.id}/tokens`).set(auth);
  expect(rotated.status).toBe(201);
  secrets.push(rotated.body.bearer_token);
  const revokedToken = await request(t.app).delete(`/api/v1/directories/${dir.body.id}/tokens/${firstToken.id}`).set(auth);
  expect(revokedToken.status).toBe(200);

  const key = await request(t.app).post(`/api/v1/environments/${environmentId}/api-keys`).set(auth).send({ name: 'ci' });
  expect(key.status).toBe(201);
  secrets.push(key.body.key);
  const revokedKey = await request(t.app).delete(`/api/v1/environments/${environmentId}/api-keys/${key.body.id}`).set(auth);
  expect(revokedKey.status).toBe(200);

  // Failed requests roll back and leave no entry.
  const missing = await request(t.app)
    .delete(`/api/v1/directories/${dir.body.id}/tokens/scim_token_00000000000000000000000000`)
    .set(auth);
  expect(missing.status).toBe(404);

  const deleted = await request(t.app).delete(`/api/v1/directories/${dir.body.id}`).set(auth);
  expect(deleted.status).toBe(204);

  const lifeCycleEntries = (actor: string) => [
    entry(actor, 'directory.created', 'directory', dir.body.id, { name: 'Okta', provider: 'okta' }),
    entry(actor, 'directory.token_created', 'scim_token', firstToken.id, { directory_id: dir.body.id }),
    entry(actor, 'directory.updated', 'directory', dir.body.id, {
      name: { from: 'Okta', to: 'Okta prod' },
      domains: { from: ['acme.com'], to: ['acme.com', 'acme.org'] },
      state: { from: 'active', to: 'disabled' },
    }),
    entry(actor, 'directory.token_created', 'scim_token', rotated.body.id, { directory_id: dir.body.id }),
    entry(actor, 'directory.token_revoked', 'scim_token', firstToken.id, { directory_id: dir.body.id }),
    entry(actor, 'api_key.created', 'api_key', key.body.id, { name: 'ci' }),
    entry(actor, 'api_key.revoked', 'api_key', key.body.id),
    entry(actor, 'directory.deleted', 'directory', dir.body.id, { name: 'Okta prod' }),
  ];
  return { secrets, lifeCycleEntries };
}

test('the admin key is recorded as admin_key:ADMIN_API_KEY for every action', async () => {
  const env = await request(t.app).post('/api/v1/environments').set(admin).send({ name: 'Audited' });
  expect(env.status).toBe(201);
  const renamed = await request(t.app).patch(`/api/v1/environments/${env.body.id}`).set(admin).send({ name: 'Audited 2' });
  expect(renamed.status).toBe(200);
  const { secrets, lifeCycleEntries } = await lifeCycle(env.body.id, admin);

  const rows = await auditOf(env.body.id);
  expect(rows).toEqual([
    entry(ADMIN_ACTOR, 'environment.created', 'environment', env.body.id, { name: 'Audited', inactive_policy: 'secure' }),
    entry(ADMIN_ACTOR, 'environment.updated', 'environment', env.body.id, { name: { from: 'Audited', to: 'Audited 2' } }),
    ...lifeCycleEntries(ADMIN_ACTOR),
  ]);
  const raw = JSON.stringify(rows);
  for (const secret of [...secrets, ADMIN_KEY]) expect(raw).not.toContain(secret);
});

test('an environment key is recorded as api_key:<its id>', async () => {
  const env = await makeEnvironment(t.app);
  const key = await request(t.app).post(`/api/v1/environments/${env.id}/api-keys`).set(admin).send({ name: 'app' });
  expect(key.status).toBe(201);
  const actor = `api_key:${key.body.id}`;
  const renamed = await request(t.app).patch(`/api/v1/environments/${env.id}`).set(bearer(key.body.key)).send({ name: 'Mine' });
  expect(renamed.status).toBe(200);
  const { secrets, lifeCycleEntries } = await lifeCycle(env.id, bearer(key.body.key));

  const rows = await auditOf(env.id);
  expect(rows).toEqual([
    entry(ADMIN_ACTOR, 'environment.created', 'environment', env.id, { name: env.name, inactive_policy: 'secure' }),
    entry(ADMIN_ACTOR, 'api_key.created', 'api_key', key.body.id, { name: 'app' }),
    entry(actor, 'environment.updated', 'environment', env.id, { name: { from: env.name, to: 'Mine' } }),
    ...lifeCycleEntries(actor),
  ]);
  const raw = JSON.stringify(rows);
  for (const secret of [...secrets, key.body.key]) expect(raw).not.toContain(secret);
});
