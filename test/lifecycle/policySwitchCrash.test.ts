import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import request from 'supertest';
import { PolicySwitchJob } from '../../src/entities/PolicySwitchJob';
import { createLogger } from '../../src/http/logger';
import { newId } from '../../src/ids';
import { createPolicySwitchRunner } from '../../src/jobs/policySwitchRunner';
import { makeDirectory, makeEnvironment } from '../support/factories';
import { PATCH_OP, USER_SCHEMA, scimClient } from '../support/scimClient';
import { ADMIN_KEY, TestApp, createTestApp } from '../support/testApp';

/**
 * The policy switch runner as a process: a job survives the death of the process
 * working on it (SIGKILL, mid-job) and the next runner finishes it without doing any
 * user twice; and a running runner starts a new job when the switch commits.
 */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const ROOT = path.resolve(__dirname, '../..');
const USER_COUNT = 1500;
const logger = createLogger('silent');
const admin = { Authorization: `Bearer ${ADMIN_KEY}` };

/** A directory in a new environment under the retain policy. */
async function retainDirectory() {
  const env = await makeEnvironment(t.app, { inactive_policy: 'retain' });
  return makeDirectory(t.app, { environment_id: env.id, provider: 'okta' });
}

async function switchToSecure(environmentId: string): Promise<string> {
  const res = await request(t.app)
    .patch(`/api/v1/environments/${environmentId}`)
    .set(admin)
    .send({ inactive_policy: 'secure', reason: 'Ticket 9000' });
  expect(res.status).toBe(200);
  return res.body.policy_switch_job.id;
}

/**
 * Inactive people kept under retain, written with SQL in the shape the SCIM commands
 * write them (SCIM resource, inactive directory user, its user.created event); through
 * SCIM this many would take minutes.
 */
async function seedInactivePeople(directory: { id: string; environment_id: string }, n: number): Promise<void> {
  const names = Array.from({ length: n }, (_, i) => `crash${i}`);
  await t.dataSource.query(
    `WITH input AS (
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) AS i(name, du_id, event_id)
     ), su AS (
       INSERT INTO scim_users (directory_id, user_name, external_id, active, display_name, resource)
       SELECT $4, i.name || '@acme.test', 'ext-' || i.name, false, i.name || ' Tester',
              jsonb_build_object(
                'schemas', jsonb_build_array($6::text), 'userName', i.name || '@acme.test', 'externalId', 'ext-' || i.name,
                'name', jsonb_build_object('givenName', i.name, 'familyName', 'Tester'), 'displayName', i.name || ' Tester',
                'emails', jsonb_build_array(jsonb_build_object('value', i.name || '@acme.test', 'type', 'work', 'primary', true)),
                'active', false)
         FROM input i
       RETURNING id, user_name, resource
     ), du AS (
       INSERT INTO directory_users (id, directory_id, environment_id, scim_user_id, external_id, username, emails,
                                    first_name, last_name, state, raw_attributes)
       SELECT i.du_id, $4, $5, su.id, su.resource->>'externalId', su.user_name,
              jsonb_build_array(jsonb_build_object('value', su.user_name, 'type', 'work', 'primary', true)),
              i.name, 'Tester', 'inactive', su.resource
         FROM su JOIN input i ON su.user_name = i.name || '@acme.test'
       RETURNING *
     )
     INSERT INTO events (id, environment_id, directory_id, type, data, subject_id)
     SELECT i.event_id, $5, $4, 'user.created',
            jsonb_build_object('object', 'directory_user', 'id', du.id, 'directory_id', du.directory_id,
                               'environment_id', du.environment_id, 'idp_id', du.scim_user_id, 'external_id', du.external_id,
                               'username', du.username, 'emails', du.emails, 'first_name', du.first_name,
                               'last_name', du.last_name, 'job_title', NULL, 'state', 'active', 'groups', '[]'::jsonb,
                               'custom_attributes', '{}'::jsonb, 'raw_attributes', du.raw_attributes),
            du.id
       FROM du JOIN input i ON i.du_id = du.id`,
    [
      names,
      names.map(() => newId('directory_user')),
      names.map(() => newId('event')),
      directory.id,
      directory.environment_id,
      USER_SCHEMA,
    ],
  );
}

async function jobRow(id: string): Promise<{ status: string; processed: number; total: number }> {
  const [row] = await t.dataSource.query(`SELECT status, processed, total FROM policy_switch_jobs WHERE id = $1`, [id]);
  return row;
}

/** Resolves once the job's count has moved; fails if the child ends first. */
async function firstProgress(child: ChildProcess, jobId: string, output: () => string): Promise<number> {
  let exited = false;
  child.once('exit', () => (exited = true));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { processed } = await jobRow(jobId);
    if (processed > 0) return processed;
    if (exited) throw new Error(`the runner process ended before doing anything: ${output()}`);
    if (Date.now() > deadline) throw new Error(`no progress within a minute: ${output()}`);
    // Polling the row: progress is only observable in the database.
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test(`a job survives SIGKILL of its runner mid-way; the next runner finishes it, every user once (${USER_COUNT} users)`, async () => {
  const directory = await retainDirectory();
  await seedInactivePeople(directory, USER_COUNT);
  const jobId = await switchToSecure(directory.environment_id);
  expect(await jobRow(jobId)).toEqual({ status: 'running', processed: 0, total: USER_COUNT });

  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/lifecycle/policySwitchChild.ts', '25'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: process.env.DATABASE_URL },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exit = new Promise<NodeJS.Signals | number | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  await firstProgress(child, jobId, () => output);
  child.kill('SIGKILL');
  expect(await exit).toBe('SIGKILL');

  // The batch in flight died with its connection: what is counted is exactly what was done.
  const atCrash = await jobRow(jobId);
  expect(atCrash.status).toBe('running');
  expect(atCrash.processed).toBeGreaterThan(0);
  expect(atCrash.processed).toBeLessThan(USER_COUNT);
  const [{ deleted }] = await t.dataSource.query(
    `SELECT count(*)::int AS deleted FROM events WHERE environment_id = $1 AND type = 'user.deleted'`,
    [directory.environment_id],
  );
  expect(deleted).toBe(atCrash.processed);

  await createPolicySwitchRunner(t.dataSource, { logger }).drain();

  expect(await jobRow(jobId)).toEqual({ status: 'completed', processed: USER_COUNT, total: USER_COUNT });
  const deletions: { n: number; subjects: number }[] = await t.dataSource.query(
    `SELECT count(*)::int AS n, count(DISTINCT subject_id)::int AS subjects
       FROM events WHERE environment_id = $1 AND type = 'user.deleted'`,
    [directory.environment_id],
  );
  expect(deletions).toEqual([{ n: USER_COUNT, subjects: USER_COUNT }]);
  const left: { users: number; unerased: number; unredacted: number }[] = await t.dataSource.query(
    `SELECT (SELECT count(*)::int FROM directory_users WHERE environment_id = $1) AS users,
            (SELECT count(*)::int FROM scim_users WHERE directory_id = $2 AND resource ? 'name') AS unerased,
            (SELECT count(*)::int FROM events WHERE environment_id = $1 AND subject_id IS NOT NULL AND NOT (data::jsonb ? 'redacted')) AS unredacted`,
    [directory.environment_id, directory.id],
  );
  expect(left).toEqual([{ users: 0, unerased: 0, unredacted: 0 }]);
  const [audit] = await t.dataSource.query(
    `SELECT actor, details FROM audit_log WHERE target_id = $1 AND action = 'policy_switch_job.completed'`,
    [jobId],
  );
  expect(audit).toEqual({ actor: 'admin_key:ADMIN_API_KEY', details: { users_touched: USER_COUNT, total: USER_COUNT } });
});

test('a started runner picks a new job up as soon as the switch commits', async () => {
  const directory = await retainDirectory();
  const scim = scimClient(t.app, directory);
  const created = await scim.post('/Users', { schemas: [USER_SCHEMA], userName: 'eve@acme.test' });
  const deactivated = await scim.patch(`/Users/${created.body.id}`, {
    schemas: [PATCH_OP],
    Operations: [{ op: 'replace', value: { active: false } }],
  });
  expect([created.status, deactivated.status]).toEqual([201, 200]);

  const ended = new Map<string, PolicySwitchJob>();
  let wake: () => void = () => undefined;
  // The poll is an hour away: only the switch's notification can start the job.
  const runner = createPolicySwitchRunner(t.dataSource, {
    logger,
    pollIntervalMs: 3_600_000,
    onJobEnded: (job) => {
      ended.set(job.id, job);
      wake();
    },
  });
  await runner.start();
  // Whatever start() found running is done once this returns; from here on only a
  // notification (or the hour-long poll) makes the runner look again.
  await runner.drain();
  try {
    const jobId = await switchToSecure(directory.environment_id);
    // Bounded, so a missing notification fails here and the finally still stops the runner.
    let gaveUp = false;
    const limit = setTimeout(() => ((gaveUp = true), wake()), 20_000);
    while (!ended.has(jobId) && !gaveUp) await new Promise<void>((resolve) => (wake = resolve));
    clearTimeout(limit);
    expect(ended.get(jobId)).toMatchObject({ status: 'completed', processed: 1, total: 1 });
  } finally {
    await runner.stop();
  }
});
