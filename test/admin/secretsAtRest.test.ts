import { whereStored } from '../support/databaseScan';
import { createHash } from 'node:crypto';
import request from 'supertest';
import { makeDirectory, makeEnvironment } from '../support/factories';
import { ADMIN_KEY, TestApp, createTestApp } from '../support/testApp';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const admin = { Authorization: `Bearer ${ADMIN_KEY}` };
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');



/** The random part of a `dsync_<kind>_…` secret: finding it anywhere means the secret leaked. */
const randomPart = (secret: string) => secret.replace(/^dsync_[a-z]+_/, '');

test('no SCIM token or API key is stored in clear anywhere, and their SHA-256 is what is stored', async () => {
  const env = await makeEnvironment(t.app);
  const keyRes = await request(t.app).post(`/api/v1/environments/${env.id}/api-keys`).set(admin).send({ name: 'k' });
  expect(keyRes.status).toBe(201);
  const dir = await makeDirectory(t.app, { environment_id: env.id, name: `scan-marker-${env.id}` });
  const rotated = await request(t.app).post(`/api/v1/directories/${dir.id}/tokens`).set(admin);
  expect(rotated.status).toBe(201);
  const [firstToken] = (await request(t.app).get(`/api/v1/directories/${dir.id}/tokens`).set(admin)).body.data;
  const revoked = await request(t.app).delete(`/api/v1/directories/${dir.id}/tokens/${firstToken.id}`).set(admin);
  expect(revoked.status).toBe(200);
  // Use each credential once, so authentication paths had their chance to write something.
  expect((await request(t.app).get(`/api/v1/environments/${env.id}`).set('Authorization', `Bearer ${keyRes.body.key}`)).status).toBe(200);
  const spc = await request(t.app)
    .get(`/scim/v2/${dir.id}/ServiceProviderConfig`)
    .set('Authorization', `Bearer ${rotated.body.bearer_token}`);
  expect(spc.status).toBe(200);

  // The scan itself works: it finds a value we know is stored, and a stored hash.
  expect(await whereStored(t.dataSource, `scan-marker-${env.id}`)).toEqual(expect.arrayContaining(['directories.name']));
  expect(await whereStored(t.dataSource, sha256(dir.bearer_token))).toEqual(['directory_tokens.token_hash']);

  for (const secret of [ADMIN_KEY, keyRes.body.key, dir.bearer_token, rotated.body.bearer_token]) {
    expect({ secret, hits: await whereStored(t.dataSource, randomPart(secret)) }).toEqual({ secret, hits: [] });
  }

  const tokenRows: { id: string; token_hash: string; prefix: string }[] = await t.dataSource.query(
    `SELECT id, token_hash, prefix FROM directory_tokens WHERE directory_id = $1 ORDER BY id`,
    [dir.id],
  );
  expect(tokenRows).toEqual([
    { id: firstToken.id, token_hash: sha256(dir.bearer_token), prefix: dir.bearer_token.slice(0, 15) },
    { id: rotated.body.id, token_hash: sha256(rotated.body.bearer_token), prefix: rotated.body.bearer_token.slice(0, 15) },
  ]);
  const keyRows: { key_hash: string; prefix: string }[] = await t.dataSource.query(
    `SELECT key_hash, prefix FROM api_keys WHERE id = $1`,
    [keyRes.body.id],
  );
  expect(keyRows).toEqual([{ key_hash: sha256(keyRes.body.key), prefix: keyRes.body.key.slice(0, 14) }]);
});
