import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { createDataSource } from '../../src/db/dataSource';
import { runMigrations } from '../../src/db/migrate';
import { migrations } from '../../src/db/schema';

// TypeORM's own CLI, run on ormconfig.ts the way docs/operations.md tells operators to.
const ROOT = path.resolve(__dirname, '../..');
const TYPEORM_CLI = ['--import', 'tsx', 'node_modules/typeorm/cli.js'];
const run = promisify(execFile);

const created: string[] = [];

/** Creates an empty database on the test server and returns its URL. */
async function emptyDatabase(): Promise<string> {
  const name = `dsync_ormcfg_${randomBytes(5).toString('hex')}`;
  await asAdmin((c) => c.query(`CREATE DATABASE ${name}`));
  created.push(name);
  const url = new URL(String(process.env.DATABASE_URL));
  url.pathname = `/${name}`;
  return url.toString();
}

async function asAdmin<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: process.env.DATABASE_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

function typeorm(command: string, env: NodeJS.ProcessEnv) {
  // Plain text: the CLI's colour library (ansis) turns colours on when it sees CI=true.
  const plain = { ...env, NO_COLOR: '1', FORCE_COLOR: '0' };
  return run(process.execPath, [...TYPEORM_CLI, command, '-d', 'ormconfig.ts'], { cwd: ROOT, env: plain, timeout: 60_000 });
}

/** Every table and column of the public schema, as `table.column type`, sorted. */
async function schemaOf(url: string): Promise<string[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ line: string }>(
      `SELECT table_name || '.' || column_name || ' ' || data_type AS line
         FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1`,
    );
    return rows.map((r) => r.line);
  } finally {
    await c.end();
  }
}

afterAll(async () => {
  await asAdmin(async (c) => {
    for (const name of created) await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });
});

test('the TypeORM CLI applies every migration with ormconfig.ts, to the schema runMigrations builds', async () => {
  const url = await emptyDatabase();
  await typeorm('migration:run', { ...process.env, DATABASE_URL: url });

  const shown = await typeorm('migration:show', { ...process.env, DATABASE_URL: url });
  expect(shown.stdout.trim().split('\n')).toEqual(migrations.map((m, i) => `[X] ${i + 1} ${m.name}`));

  const reference = await emptyDatabase();
  const ds = createDataSource(reference, 1);
  await ds.initialize();
  try {
    await runMigrations(ds);
  } finally {
    await ds.destroy();
  }
  const [viaCli, viaServer] = await Promise.all([schemaOf(url), schemaOf(reference)]);
  expect(viaCli.length).toBeGreaterThan(0);
  expect(viaCli).toEqual(viaServer);
});

test('without DATABASE_URL, ormconfig.ts refuses instead of starting the embedded PostgreSQL', async () => {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'dsync-ormconfig-'));
  const dataDir = path.join(parent, 'data');
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir };
  delete env.DATABASE_URL;
  try {
    const failure = await typeorm('migration:show', env).then(
      () => undefined,
      (err: { code: number; stderr: string; stdout: string }) => err,
    );
    expect(failure?.code).toBe(1);
    expect(`${failure?.stdout}${failure?.stderr}`).toContain('Set DATABASE_URL');
    expect(fs.existsSync(dataDir)).toBe(false);
  } finally {
    fs.rmSync(parent, { recursive: true, force: true });
  }
});
