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

type Hit = { table: string; column: string };

/**
 * Every place in the public schema where `needle` occurs in a text-like value (text,
 * varchar, json, jsonb, arrays), found by casting each column to text. strpos rather
 * than LIKE, because base64url secrets contain `_`, a LIKE wildcard.
 */
async function findEverywhere(needle: string): Promise<Hit[]> {
  const columns: { table_name: string; column_name: string }[] = await t.dataSource.query(
    `SELECT c.table_name, c.column_name
       FROM information_schema.columns c
       JOIN information_schema.tables tb ON tb.table_schema = c.table_schema AND tb.table_name = c.table_name
      WHERE c.table_schema = 'public' AND tb.table_type = 'BASE TABLE'
        AND c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY')
      ORDER BY c.table_name, c.column_name`,
  );
  expect(columns.length).toBeGreaterThan(10);
  const hits: Hit[] = [];
  for (const { table_name, column_name } of columns) {
    const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;
    const rows: { found: boolean }[] = await t.dataSource.query(
      `SELECT EXISTS (SELECT 1 FROM ${ident(table_name)} WHERE strpos(${ident(column_name)}::text, $1) > 0) AS found`,
      [needle],
    );
    if (rows[0].found) hits.push({ table: table_name, column: column_name });
  }
  return hits;
}

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
  expect(await findEverywhere(`scan-marker-${env.id}`)).toEqual(
    expect.arrayContaining([{ table: 'directories', column: 'name' }]),
  );
  expect(await findEverywhere(sha256(dir.bearer_token))).toEqual([{ table: 'directory_tokens', column: 'token_hash' }]);

  for (const secret of [ADMIN_KEY, keyRes.body.key, dir.bearer_token, rotated.body.bearer_token]) {
    expect({ secret, hits: await findEverywhere(randomPart(secret)) }).toEqual({ secret, hits: [] });
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
