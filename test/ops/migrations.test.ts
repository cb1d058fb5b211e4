import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createDataSource } from '../../src/db/dataSource';
import { runMigrations } from '../../src/db/migrate';
import { migrations } from '../../src/db/schema';
import { createTestApp } from '../support/testApp';

// Every migration the code ships, in order; the class name is the migration's name.
const ALL = migrations.map((m) => m.name);

const created: string[] = [];
const open: DataSource[] = [];

/** Creates an empty database on the test server and returns its URL. */
async function freshDatabase(): Promise<string> {
  const name = `dsync_mig_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  created.push(name);
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = `/${name}`;
  return url.toString();
}

async function connect(url: string, poolSize = 2): Promise<DataSource> {
  const ds = createDataSource(url, poolSize);
  await ds.initialize();
  open.push(ds);
  return ds;
}

afterAll(async () => {
  await Promise.all(open.filter((ds) => ds.isInitialized).map((ds) => ds.destroy()));
  const admin = new Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  try {
    for (const name of created) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
});

describe('on a brand-new database', () => {
  let ds: DataSource;
  let firstRun: string[];

  beforeAll(async () => {
    // A pool of one: the migrations must run on the connection that holds the lock.
    ds = await connect(await freshDatabase(), 1);
    firstRun = await runMigrations(ds);
  });

  test('runMigrations applies every migration listed in schema.ts, in order', async () => {
    expect(ALL.length).toBeGreaterThan(0);
    expect(firstRun).toEqual(ALL);
    const rows: { name: string }[] = await ds.query('SELECT name FROM migrations ORDER BY id');
    expect(rows.map((r) => r.name)).toEqual(ALL);
  });

  test('every entity has its table', async () => {
    const rows: { table_name: string }[] = await ds.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    const tables = rows.map((r) => r.table_name);
    for (const meta of ds.entityMetadatas) expect(tables).toContain(meta.tableName);
    expect(tables).toEqual(
      expect.arrayContaining(['environments', 'directories', 'directory_tokens', 'api_keys', 'scim_users', 'scim_groups', 'scim_group_members', 'events', 'audit_log']),
    );
  });

  test('userName is unique per directory regardless of case (RFC 7643 §4.1.1)', async () => {
    const rows: { indexdef: string }[] = await ds.query(
      `SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND indexname = 'scim_users_user_name_key'`,
    );
    expect(rows).toEqual([
      { indexdef: 'CREATE UNIQUE INDEX scim_users_user_name_key ON public.scim_users USING btree (directory_id, lower(user_name))' },
    ]);
    await ds.query(`INSERT INTO environments (id, name) VALUES ('env_mig', 'mig')`);
    await ds.query(
      `INSERT INTO directories (id, environment_id, name, organization_name, provider) VALUES ('dir_mig', 'env_mig', 'd', 'o', 'okta')`,
    );
    await ds.query(`INSERT INTO scim_users (directory_id, user_name) VALUES ('dir_mig', 'Alice@Example.com')`);
    await expect(
      ds.query(`INSERT INTO scim_users (directory_id, user_name) VALUES ('dir_mig', 'alice@example.COM')`),
    ).rejects.toMatchObject({ driverError: { code: '23505', constraint: 'scim_users_user_name_key' } });
  });

  test('memberships are held inside one directory by composite foreign keys', async () => {
    const rows: { constraint_name: string; columns: string }[] = await ds.query(`
      SELECT c.conname AS constraint_name, pg_get_constraintdef(c.oid) AS columns
        FROM pg_constraint c
       WHERE c.conrelid = 'public.scim_group_members'::regclass AND c.contype = 'f'
       ORDER BY 2`);
    expect(rows.map((r) => r.columns)).toEqual([
      'FOREIGN KEY (directory_id, group_id) REFERENCES scim_groups(directory_id, id) ON DELETE CASCADE',
      'FOREIGN KEY (directory_id, user_id) REFERENCES scim_users(directory_id, id) ON DELETE CASCADE',
    ]);
  });

  test('a second run applies nothing', async () => {
    expect(await runMigrations(ds)).toEqual([]);
    const [{ count }] = await ds.query('SELECT count(*)::int AS count FROM migrations');
    expect(count).toBe(ALL.length);
  });
});

test('two processes migrating one fresh database at once both succeed and apply each migration once', async () => {
  const url = await freshDatabase();
  const [a, b] = await Promise.all([connect(url), connect(url)]);
  const [ranA, ranB] = await Promise.all([runMigrations(a), runMigrations(b)]);
  expect([...ranA, ...ranB].sort()).toEqual([...ALL].sort());
  const rows: { name: string; times: number }[] = await a.query(
    'SELECT name, count(*)::int AS times FROM migrations GROUP BY name ORDER BY name',
  );
  expect(rows).toEqual([...ALL].sort().map((name) => ({ name, times: 1 })));
});

describe('/readyz', () => {
  test('answers 503 with every migration pending on an unmigrated database', async () => {
    const t = await createTestApp({ DATABASE_URL: await freshDatabase() });
    try {
      const res = await request(t.app).get('/readyz');
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ ready: false, database: 'ok', pending_migrations: ALL });
    } finally {
      await t.close();
    }
  });

  test('lists only the migrations still missing, then answers 200 once they are applied', async () => {
    const url = await freshDatabase();
    const ds = await connect(url);
    await runMigrations(ds);
    const last = ALL[ALL.length - 1];
    await ds.query('DELETE FROM migrations WHERE name = $1', [last]);
    const t = await createTestApp({ DATABASE_URL: url });
    try {
      const before = await request(t.app).get('/readyz');
      expect(before.status).toBe(503);
      expect(before.body).toEqual({ ready: false, database: 'ok', pending_migrations: [last] });
      await ds.query('INSERT INTO migrations (timestamp, name) VALUES ($1, $2)', [Number(last.slice(-13)), last]);
      const after = await request(t.app).get('/readyz');
      expect(after.status).toBe(200);
      expect(after.body).toEqual({ ready: true, database: 'ok', pending_migrations: [] });
    } finally {
      await t.close();
    }
  });

  test('answers 200 on the migrated test database', async () => {
    const t = await createTestApp();
    try {
      const res = await request(t.app).get('/readyz');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ready: true, database: 'ok', pending_migrations: [] });
    } finally {
      await t.close();
    }
  });
});
