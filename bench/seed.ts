import { isDeepStrictEqual } from 'node:util';
import { Client } from 'pg';
import { newId } from '../src/ids';
import { SEED_NAMING_SQL, seededNaming, userBody } from './userBody';

/** The directory the scenarios act on, as the admin API created it. */
export type BenchTenant = { environmentId: string; directoryId: string; token: string; scimBase: string };

const SCIM_JSON = 'application/scim+json';
const CHUNK = 50_000;
const SAMPLE_IDS = 20_000;

/** The environment's inactive policy (README, "Lifecycle"); the server's default is `secure`. */
export type InactivePolicy = 'secure' | 'retain';

/** Headers of an admin API request made with the operator's key. */
export function adminHeaders(adminKey: string): Record<string, string> {
  return { Authorization: `Bearer ${adminKey}`, 'Content-Type': 'application/json' };
}

/** Creates an environment and an Okta directory through the admin API, as an operator would. */
async function createTenant(baseUrl: string, adminKey: string, label: string, inactivePolicy: InactivePolicy): Promise<BenchTenant> {
  const admin = adminHeaders(adminKey);
  const env = await call<{ id: string }>(
    `${baseUrl}/api/v1/environments`,
    'POST',
    admin,
    { name: `bench ${label}`, inactive_policy: inactivePolicy },
    201,
  );
  const dir = await call<{ id: string; bearer_token: string }>(`${baseUrl}/api/v1/directories`, 'POST', admin, {
    environment_id: env.id,
    name: `bench ${label}`,
    provider: 'okta',
    organization_name: 'Acme',
    domains: ['acme.test'],
  }, 201);
  return { environmentId: env.id, directoryId: dir.id, token: dir.bearer_token, scimBase: `${baseUrl}/scim/v2/${dir.id}` };
}

/**
 * Creates a directory through the admin API (in a new environment with the given
 * inactive policy, `secure` by default as on the server), seeds `count` users into it,
 * and samples their ids.
 */
export async function seedDirectory(
  db: Client,
  baseUrl: string,
  adminKey: string,
  count: number,
  label: string,
  log: (line: string) => void,
  inactivePolicy: InactivePolicy = 'secure',
): Promise<{ tenant: BenchTenant; ids: string[] }> {
  const tenant = await createTenant(baseUrl, adminKey, label, inactivePolicy);
  log(`seeding ${count.toLocaleString('en-US')} users into ${tenant.directoryId}…`);
  const started = Date.now();
  await seedUsers(db, tenant, count, log);
  log(`  seeded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { tenant, ids: await sampleUserIds(db, tenant.directoryId) };
}

/**
 * Fills the directory with `count` users numbered 0…count-1, each with the directory
 * user the lifecycle rules give it. User 0 is created through SCIM and its rows are the
 * template: the rest are INSERT … SELECT copies with the naming fields replaced, so they
 * are stored exactly as the SCIM layer stores them. To prove it, user 1 is first created
 * through SCIM, read back and deleted, and the seeded user 1 must equal it. Not seeded:
 * the `user.created` events those users would have produced.
 */
async function seedUsers(db: Client, tenant: BenchTenant, count: number, log: (line: string) => void): Promise<void> {
  const template = await createThroughScim(db, tenant, 0);
  const reference = count > 1 ? await createThroughScim(db, tenant, 1) : undefined;
  if (reference) await call(`${tenant.scimBase}/Users/${reference.user.id}`, 'DELETE', scimHeaders(tenant), undefined, 204);
  for (let from = 1; from < count; from += CHUNK) {
    const size = Math.min(CHUNK, count - from);
    const directoryUserIds = Array.from({ length: size }, () => newId('directory_user'));
    await db.query(insertSql(), [
      tenant.directoryId,
      tenant.environmentId,
      JSON.stringify(template.user.resource),
      JSON.stringify(template.directoryUser.emails),
      JSON.stringify(template.directoryUser.custom_attributes),
      from,
      count,
      directoryUserIds,
    ]);
    log(`  seeded ${from + size} / ${count}`);
  }
  if (reference) await checkSeededMatches(db, tenant.directoryId, reference);
  // What autovacuum would have done by the time a directory this size is queried.
  await db.query('VACUUM (ANALYZE) scim_users, directory_users');
  await flushWrites(db);
}

// Write the seeding's dirty pages out now, so the checkpointer does not do it while the
// first scenario is measured (at a million users that is gigabytes). Needs superuser or
// pg_checkpoint; without either the run goes on, a little less fairly to the first scenario.
async function flushWrites(db: Client): Promise<void> {
  try {
    await db.query('CHECKPOINT');
  } catch {
    // Not allowed for this role.
  }
}

// A random sample of the directory's user ids, for the by-id scenarios.
async function sampleUserIds(db: Client, directoryId: string): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    'SELECT id FROM scim_users WHERE directory_id = $1 ORDER BY random() LIMIT $2',
    [directoryId, SAMPLE_IDS],
  );
  return rows.map((r) => r.id);
}

/** Headers of a SCIM request from the directory's IdP. */
export function scimHeaders(tenant: BenchTenant): Record<string, string> {
  return { Authorization: `Bearer ${tenant.token}`, 'Content-Type': SCIM_JSON };
}

// The columns a seeded copy must reproduce (ids and timestamps differ by nature).
const USER_COLUMNS = ['user_name', 'external_id', 'active', 'display_name', 'resource'];
const DIRECTORY_USER_COLUMNS = [
  'external_id', 'username', 'emails', 'first_name', 'last_name', 'job_title', 'state', 'custom_attributes', 'raw_attributes',
];

type Row = Record<string, unknown>;
type StoredUser = { user: Row & { id: string; resource: unknown }; directoryUser: Row & { emails: unknown; custom_attributes: unknown } };

async function createThroughScim(db: Client, tenant: BenchTenant, n: number): Promise<StoredUser> {
  const created = await call<{ id: string }>(`${tenant.scimBase}/Users`, 'POST', scimHeaders(tenant), userBody(seededNaming(n)), 201);
  const user = await db.query('SELECT * FROM scim_users WHERE id = $1', [created.id]);
  const directoryUser = await db.query('SELECT * FROM directory_users WHERE scim_user_id = $1', [created.id]);
  if (directoryUser.rows.length !== 1) throw new Error(`user ${n} created through SCIM has no directory user`);
  return { user: user.rows[0], directoryUser: directoryUser.rows[0] };
}

// $1 directory, $2 environment, $3 template resource, $4 template directory-user emails,
// $5 template custom attributes, $6 first user number, $7 user count (spreads created_at
// over the past), $8 directory user ids (one per user, made by the project's newId).
function insertSql(): string {
  const s = SEED_NAMING_SQL;
  return `
    WITH numbered AS (
      SELECT n, directory_user_id,
             ${s.userName} AS user_name, ${s.externalId} AS external_id,
             ${s.givenName} AS given_name, ${s.familyName} AS family_name,
             now() - ($7::int - n) * interval '1 millisecond' AS created_at
        FROM unnest($8::text[]) WITH ORDINALITY AS ids(directory_user_id, k), LATERAL (SELECT $6::int + k::int - 1 AS n) numbers
    ), users AS (
      INSERT INTO scim_users (directory_id, user_name, external_id, active, display_name, resource, created_at, updated_at)
      SELECT $1, user_name, external_id, true, given_name || ' ' || family_name,
             $3::jsonb || jsonb_build_object(
               'userName', user_name,
               'externalId', external_id,
               'displayName', given_name || ' ' || family_name,
               'name', ($3::jsonb -> 'name') || jsonb_build_object('givenName', given_name, 'familyName', family_name),
               'emails', jsonb_build_array(($3::jsonb -> 'emails' -> 0) || jsonb_build_object('value', user_name))),
             created_at, created_at
        FROM numbered
      RETURNING id, user_name, external_id, resource, created_at
    )
    INSERT INTO directory_users (id, directory_id, environment_id, scim_user_id, external_id, username, emails,
                                 first_name, last_name, job_title, state, custom_attributes, raw_attributes, created_at, updated_at)
    SELECT numbered.directory_user_id, $1, $2, users.id, users.external_id, users.user_name,
           jsonb_build_array(($4::jsonb -> 0) || jsonb_build_object('value', users.user_name)),
           users.resource -> 'name' ->> 'givenName', users.resource -> 'name' ->> 'familyName', NULL, 'active',
           $5::jsonb, users.resource, users.created_at, users.created_at
      FROM users JOIN numbered USING (user_name)`;
}

async function checkSeededMatches(db: Client, directoryId: string, reference: StoredUser): Promise<void> {
  const user = await db.query('SELECT * FROM scim_users WHERE directory_id = $1 AND user_name = $2', [
    directoryId,
    reference.user.user_name,
  ]);
  const directoryUser = await db.query('SELECT * FROM directory_users WHERE scim_user_id = $1', [user.rows[0]?.id]);
  const differences = [
    ...differing('scim_users', USER_COLUMNS, reference.user, user.rows[0]),
    ...differing('directory_users', DIRECTORY_USER_COLUMNS, reference.directoryUser, directoryUser.rows[0]),
  ];
  if (differences.length > 0) {
    throw new Error(`seeded user 1 differs from the same user created through SCIM:\n  ${differences.join('\n  ')}`);
  }
}

function differing(table: string, columns: string[], expected: Row, actual: Row | undefined): string[] {
  if (!actual) return [`${table}: no seeded row`];
  return columns
    .filter((c) => !isDeepStrictEqual(expected[c], actual[c]))
    .map((c) => `${table}.${c}: SCIM stored ${JSON.stringify(expected[c])}, seeded ${JSON.stringify(actual[c])}`);
}

/** Sends a JSON request and returns the parsed answer; any status but `expected` is an error naming the call. */
export async function call<T = unknown>(
  url: string,
  method: string,
  headers: Record<string, string>,
  body: unknown,
  expected: number,
): Promise<T> {
  const res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (res.status !== expected) throw new Error(`${method} ${url}: expected ${expected}, got ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}
