import { Client } from 'pg';
import SCIMMY from 'scimmy';
import { DataSource, EntityManager } from 'typeorm';
import { authenticateScimToken } from '../src/tenancy/authenticateScimToken';
import { CommandContext } from '../src/tenancy/context';
import { userIngest } from '../src/scim/userIngest';
import { filterToSql } from '../src/scim/filterToSql';
import { selectPage, selectUser } from '../src/scim/scimRows';
import { ScenarioName } from './options';
import { BenchTenant } from './seed';
import { seededNaming } from './userBody';

/** One SQL statement a scenario sends, with its plan as executed on the seeded database. */
export type ExplainedQuery = { sql: string; params: unknown[]; plan: string; executionMs: number; warnings: string[] };

/** The statements behind one request shape, and the scenario that sends them (undefined: every one). */
export type ExplainedShape = { title: string; scenario?: ScenarioName; queries: ExplainedQuery[] };

/** The EXPLAIN output of every SQL shape the scenarios hit, plus what the reader needs to judge it. */
export type ExplainReport = { shapes: ExplainedShape[]; indexes: string[]; tableSize: string; rows: number };

/**
 * Runs the project's own query functions (the ones the SCIM routes call) against the
 * seeded database, and for every statement they send records `EXPLAIN (ANALYZE, BUFFERS)`
 * before running it for real, so the plans are of the exact SQL the server sends, not a
 * copy that could drift. Everything happens in one transaction that is rolled back.
 */
export async function explainShapes(db: Client, tenant: BenchTenant, userCount: number, sampleId: string): Promise<ExplainReport> {
  const shapes: ExplainedShape[] = [];
  let current: ExplainedShape | undefined;
  const manager = recordingManager(db, () => current?.queries);
  const t = { directoryId: tenant.directoryId, environmentId: tenant.environmentId };
  const ctx: CommandContext = { manager, actor: { kind: 'scim', ...t } };
  // Each shape starts from the seeded state: its writes are undone before the next one runs.
  // `prepare` runs unrecorded, to put the data in the state the shape starts from.
  const shape = async (
    scenario: ScenarioName | undefined,
    title: string,
    run: () => Promise<unknown>,
    prepare?: () => Promise<unknown>,
  ) => {
    await db.query('SAVEPOINT shape');
    current = undefined;
    await prepare?.();
    current = { title, scenario, queries: [] };
    shapes.push(current);
    await run();
    await db.query('ROLLBACK TO SAVEPOINT shape');
  };
  const dir = tenant.directoryId;
  const user = seededNaming(Math.floor(userCount / 2)).userName;
  const filter = filterToSql(new SCIMMY.Types.Filter(`userName eq "${user}"`), 'User', { alias: 'r', paramOffset: 1 });
  const setActive = async (id: string, active: boolean) => {
    const row = (await selectUser(manager, dir, id, true))!;
    return userIngest.replace(ctx, t, { row }, { ...row.resource, active }, {});
  };

  await db.query('BEGIN');
  try {
    const activeUser = await activeUserOf(db, dir);
    await shape(undefined, 'Bearer token lookup (every SCIM request)', () =>
      // authenticateScimToken only calls query(), which the recording manager provides.
      authenticateScimToken(manager as unknown as DataSource, dir, tenant.token),
    );
    await shape('filter', 'filter: userName eq (the page; a first page that is not full needs no count)', () => selectPage(manager, 'scim_users', dir, filter, 0, 100));
    await shape('get', 'GET /Users/{id}', () => selectUser(manager, dir, sampleId));
    await shape('patch', 'PATCH /Users/{id} active=false: lock, lifecycle, versioned update', () => setActive(activeUser.id, false));
    await shape(
      'patch',
      'PATCH /Users/{id} active=true (reactivation): lock, lifecycle, versioned update',
      () => setActive(activeUser.id, true),
      () => setActive(activeUser.id, false),
    );
    await shape('post', 'POST /Users: insert, lifecycle', () =>
      userIngest.create(ctx, t, { ...activeUser.resource, userName: 'explain.only@acme.test', externalId: 'explain-only' }, {}),
    );
    const middle = Math.floor(userCount / 2);
    await shape('list', `listing: startIndex=${middle + 1}&count=100 (the page at OFFSET ${middle}, then the count)`, () =>
      selectPage(manager, 'scim_users', dir, undefined, middle, 100),
    );
    const last = Math.max(0, userCount - 100);
    await shape('list', `listing: startIndex=${last + 1}&count=100 (the page at OFFSET ${last}, then the count)`, () =>
      selectPage(manager, 'scim_users', dir, undefined, last, 100),
    );
  } finally {
    await db.query('ROLLBACK');
  }
  return { shapes, ...(await describeTable(db, dir)) };
}

/**
 * An EntityManager for the project's query functions that records `EXPLAIN (ANALYZE,
 * BUFFERS)` of each statement into `sink()` (when it gives a list) before running it for
 * real on `db`. `warn` names what in a plan is not bounded (by default: by the page).
 */
export function recordingManager(
  db: Client,
  sink: () => ExplainedQuery[] | undefined,
  warn: (plan: string) => string[] = warningsOf,
): EntityManager {
  // The surface our query functions use is query(sql, params); TypeORM's postgres driver
  // answers UPDATE/DELETE with [rows, rowCount] and everything else with rows.
  const query = async (sql: string, params: unknown[] = []) => {
    const recorded = sink();
    if (recorded) await explain(db, sql, params, recorded, warn);
    const result = await db.query(sql, params);
    return result.command === 'UPDATE' || result.command === 'DELETE' ? [result.rows, result.rowCount] : result.rows;
  };
  return { query } as unknown as EntityManager;
}

async function explain(
  db: Client,
  sql: string,
  params: unknown[],
  recorded: ExplainedQuery[],
  warn: (plan: string) => string[],
): Promise<void> {
  // EXPLAIN ANALYZE executes the statement: undo it; the caller then runs it for real.
  await db.query('SAVEPOINT explain');
  const explained = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params);
  await db.query('ROLLBACK TO SAVEPOINT explain');
  const plan = explained.rows.map((r) => r['QUERY PLAN']).join('\n');
  const executionMs = Number(/Execution Time: ([\d.]+) ms/.exec(plan)?.[1] ?? NaN);
  recorded.push({ sql: sql.replace(/\s+/g, ' ').trim(), params, plan, executionMs, warnings: warn(plan) });
}

// Plan nodes that mean the statement's cost grows with the directory, not with the page.
function warningsOf(plan: string): string[] {
  const warnings: string[] = [];
  if (/Seq Scan on scim_users/.test(plan)) warnings.push('sequential scan of scim_users');
  // rows= is per loop; parallel workers each report their share.
  const scans = [...plan.matchAll(/Scan[^\n]*\(actual time=[\d.]+\.\.[\d.]+ rows=(\d+) loops=(\d+)\)/g)];
  const visited = Math.max(0, ...scans.map((m) => Number(m[1]) * Number(m[2])));
  if (visited > 1000) {
    const sort = /Sort Method: [^\n]*/.exec(plan);
    if (plan.split('\n')[0].includes('Aggregate')) warnings.push(`count(*) reads ${visited} index entries or rows`);
    else if (sort) warnings.push(`sorts ${visited} rows to return one page (${sort[0].trim()})`);
    else warnings.push(`reads ${visited} index entries or rows to return one page (OFFSET skips them one by one)`);
  }
  return warnings;
}

// A seeded user the PATCH scenario left active (or never reached), with its full profile.
async function activeUserOf(db: Client, directoryId: string): Promise<{ id: string; resource: Record<string, unknown> }> {
  const { rows } = await db.query<{ id: string; resource: Record<string, unknown> }>(
    'SELECT id, resource FROM scim_users WHERE directory_id = $1 AND active ORDER BY created_at DESC LIMIT 1',
    [directoryId],
  );
  return rows[0];
}

async function describeTable(db: Client, directoryId: string): Promise<Omit<ExplainReport, 'shapes'>> {
  const indexes = await db.query<{ indexdef: string }>(
    `SELECT indexdef FROM pg_indexes WHERE tablename = 'scim_users' ORDER BY indexname`,
  );
  const size = await db.query<{ size: string; rows: string }>(
    `SELECT pg_size_pretty(pg_total_relation_size('scim_users')) AS size,
            (SELECT count(*) FROM scim_users WHERE directory_id = $1) AS rows`,
    [directoryId],
  );
  return { indexes: indexes.rows.map((r) => r.indexdef), tableSize: size.rows[0].size, rows: Number(size.rows[0].rows) };
}
