import { Express } from 'express';
import request from 'supertest';
import { buildApp } from '../../src/app';
import { createLogger } from '../../src/http/logger';
import { makeDirectory } from '../support/factories';
import { memoryLog } from '../support/memoryLog';
import { ENTERPRISE, USER_SCHEMA, scimClient } from '../support/scimClient';
import { ADMIN_KEY, TestApp, createTestApp } from '../support/testApp';

/**
 * When PostgreSQL refuses a write, the error log line names the statement and the
 * request, never the values: no SQL parameters, no `detail` quoting the row, no value
 * quoted in the message. The refusal is forced by a trigger that raises for probe values
 * only (other test files share the database), quoting the value in its message and the
 * whole row in its detail, as PostgreSQL's own check and uniqueness errors do.
 */

let t: TestApp;
let app: Express;
const log = memoryLog();
const suffix = `${process.pid}_${Date.now().toString(36)}`;
const fn = `refuse_log_probe_${suffix}`;

beforeAll(async () => {
  t = await createTestApp();
  app = buildApp({ dataSource: t.dataSource, config: t.config, logger: createLogger('info', log.stream) });
  await t.dataSource.query(`
    CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF row_to_json(NEW)::text LIKE '%log-probe-%' THEN
        RAISE EXCEPTION 'value "%" refused', COALESCE(to_jsonb(NEW)->>'user_name', to_jsonb(NEW)->>'name')
          USING ERRCODE = 'XX000', DETAIL = format('Failing row contains (%s).', row_to_json(NEW)::text);
      END IF;
      RETURN NEW;
    END $$`);
  await t.dataSource.query(`CREATE TRIGGER ${fn} BEFORE INSERT ON scim_users FOR EACH ROW EXECUTE FUNCTION ${fn}()`);
  await t.dataSource.query(`CREATE TRIGGER ${fn} BEFORE INSERT ON environments FOR EACH ROW EXECUTE FUNCTION ${fn}()`);
});
afterAll(async () => {
  await t.dataSource.query(`DROP TRIGGER IF EXISTS ${fn} ON scim_users`);
  await t.dataSource.query(`DROP TRIGGER IF EXISTS ${fn} ON environments`);
  await t.dataSource.query(`DROP FUNCTION IF EXISTS ${fn}()`);
  await t.close();
});

type Line = { level: number; msg: string; request_id?: string; err?: Record<string, unknown> };
const errorLines = () =>
  log
    .text()
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Line)
    .filter((l) => l.level >= 50 && l.err);

test('a SCIM create that PostgreSQL refuses is logged without the profile it carried', async () => {
  const dir = await makeDirectory(app);
  const profile = {
    userName: `log-probe-ada.${suffix}@acme.test`,
    externalId: `ext-${suffix}-00u1ada`,
    givenName: `Adaline${suffix}`,
    familyName: `Lovelacey${suffix}`,
    email: `ada.private.${suffix}@home.test`,
    department: `Dept${suffix}`,
  };
  const res = await scimClient(app, dir).post('/Users', {
    schemas: [USER_SCHEMA, ENTERPRISE],
    userName: profile.userName,
    externalId: profile.externalId,
    name: { givenName: profile.givenName, familyName: profile.familyName },
    emails: [{ value: profile.email, type: 'home', primary: true }],
    [ENTERPRISE]: { department: profile.department },
  });
  const requestId = String(res.headers['x-request-id']);
  expect([res.status, JSON.parse(res.text).detail]).toEqual([500, `Internal server error (request id ${requestId})`]);

  const text = log.text();
  for (const value of Object.values(profile)) expect(text).not.toContain(value);
  const line = errorLines().find((l) => l.request_id === requestId);
  expect(line).toEqual(
    expect.objectContaining({
      msg: 'unhandled SCIM error',
      request_id: requestId,
      err: expect.objectContaining({
        type: 'QueryFailedError',
        code: 'XX000',
        message: 'value "…" refused',
        statement: expect.stringMatching(/^INSERT INTO scim_users /),
        parameter_count: expect.any(Number),
      }),
    }),
  );
  expect(line!.err).not.toHaveProperty('parameters');
  expect(line!.err).not.toHaveProperty('detail');
  expect(line!.err).not.toHaveProperty('driverError');
  expect(line!.err).not.toHaveProperty('query');
});

test('an admin API write that PostgreSQL refuses is logged without the values it carried', async () => {
  const name = `log-probe-environment ${suffix}`;
  const res = await request(app).post('/api/v1/environments').set('Authorization', `Bearer ${ADMIN_KEY}`).send({ name });
  const requestId = String(res.headers['x-request-id']);
  expect([res.status, res.body]).toEqual([
    500,
    { error: { code: 'internal_error', message: 'Internal server error', request_id: requestId } },
  ]);
  expect(log.text()).not.toContain(`environment ${suffix}`);
  const line = errorLines().find((l) => l.request_id === requestId);
  expect(line).toEqual(
    expect.objectContaining({
      msg: 'unhandled admin API error',
      err: expect.objectContaining({ type: 'QueryFailedError', code: 'XX000', statement: expect.stringMatching(/^INSERT INTO environments /) }),
    }),
  );
});

test("the worker's logger, which is the same logger, keeps a uniqueness violation's key values out too", async () => {
  const workerLog = memoryLog();
  const logger = createLogger('info', workerLog.stream);
  const secret = `unique-value-${suffix}`;
  const runner = t.dataSource.createQueryRunner();
  try {
    await runner.query(`CREATE TEMP TABLE probe_${suffix} (v text PRIMARY KEY)`);
    await runner.query(`INSERT INTO probe_${suffix} (v) VALUES ($1)`, [secret]);
    const err = await runner.query(`INSERT INTO probe_${suffix} (v) VALUES ($1)`, [secret]).catch((e: unknown) => e);
    logger.error({ err }, 'worker iteration failed');
  } finally {
    await runner.release();
  }
  const [line] = workerLog.text().trim().split('\n').map((l) => JSON.parse(l) as Line);
  expect(workerLog.text()).not.toContain(secret);
  expect(line.err).toEqual(
    expect.objectContaining({
      type: 'QueryFailedError',
      code: '23505',
      constraint: `probe_${suffix}_pkey`,
      table: `probe_${suffix}`,
      message: `duplicate key value violates unique constraint "probe_${suffix}_pkey"`,
      statement: `INSERT INTO probe_${suffix} (v) VALUES ($1)`,
      parameter_count: 1,
    }),
  );
});
