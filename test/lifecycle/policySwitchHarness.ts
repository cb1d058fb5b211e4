import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { Express } from 'express';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { newId } from '../../src/ids';
import { makeDirectory, makeEnvironment } from '../support/factories';
import { USER_SCHEMA } from '../support/scimClient';
import { ADMIN_KEY } from '../support/testApp';
import { waitUntil } from '../support/waitUntil';

const ROOT = path.resolve(__dirname, '../..');

/** A directory in a new environment under the retain policy. */
export async function retainDirectory(app: Express) {
  const env = await makeEnvironment(app, { inactive_policy: 'retain' });
  return makeDirectory(app, { environment_id: env.id, provider: 'okta' });
}

/** Switches the environment to secure through the API and returns the id of the job it started. */
export async function switchToSecure(app: Express, environmentId: string): Promise<string> {
  const res = await request(app)
    .patch(`/api/v1/environments/${environmentId}`)
    .set('Authorization', `Bearer ${ADMIN_KEY}`)
    .send({ inactive_policy: 'secure', reason: 'Ticket 9000' });
  if (res.status !== 200) throw new Error(`switchToSecure: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.policy_switch_job.id;
}

/** The job's progress as stored. */
export async function jobRow(ds: DataSource, id: string): Promise<{ status: string; processed: number; total: number }> {
  const [row] = await ds.query(`SELECT status, processed, total FROM policy_switch_jobs WHERE id = $1`, [id]);
  return row;
}

/**
 * Inactive people kept under retain, written with SQL in the shape the SCIM commands
 * write them (SCIM resource, inactive directory user, its user.created event); through
 * SCIM this many would take minutes.
 */
export async function seedInactivePeople(ds: DataSource, directory: { id: string; environment_id: string }, n: number): Promise<void> {
  const names = Array.from({ length: n }, (_, i) => `crash${i}`);
  const ids = names.map(() => newId('directory_user'));
  await ds.query(
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
    [names, ids, names.map(() => newId('event')), directory.id, directory.environment_id, USER_SCHEMA],
  );
}

/** What a finished job left behind in its environment, for exactly-once assertions. */
export async function outcomeOf(ds: DataSource, directory: { id: string; environment_id: string }, jobId: string) {
  const [row] = await ds.query(
    `SELECT (SELECT count(*)::int FROM events WHERE environment_id = $1 AND type = 'user.deleted') AS deletions,
            (SELECT count(DISTINCT subject_id)::int FROM events WHERE environment_id = $1 AND type = 'user.deleted') AS deleted_people,
            (SELECT count(*)::int FROM directory_users WHERE environment_id = $1) AS users_left,
            (SELECT count(*)::int FROM scim_users WHERE directory_id = $2 AND resource ? 'name') AS unerased,
            (SELECT count(*)::int FROM events WHERE environment_id = $1 AND subject_id IS NOT NULL AND NOT (data::jsonb ? 'redacted')) AS unredacted,
            (SELECT array_agg(details ORDER BY id) FROM audit_log WHERE target_id = $3 AND action = 'policy_switch_job.completed') AS completions`,
    [directory.environment_id, directory.id, jobId],
  );
  return row as { deletions: number; deleted_people: number; users_left: number; unerased: number; unredacted: number; completions: unknown[] };
}

/** A `npm run worker` process (src/workerMain.ts) on a database. */
export type WorkerProcess = { child: ChildProcess; output: () => string; exit: Promise<string | number | null> };

/**
 * Starts `npm run worker` as its own process on `databaseUrl`, configured from `env`
 * as an operator would, and resolves once it has logged that it started.
 */
export async function startWorkerProcess(databaseUrl: string, env: Record<string, string> = {}): Promise<WorkerProcess> {
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/workerMain.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', DATABASE_URL: databaseUrl, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (output += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (output += d));
  const exit = new Promise<string | number | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  let exited = false;
  void exit.then(() => (exited = true));
  await waitUntil(
    async () => {
      if (exited) throw new Error(`the worker process ended before starting: ${output}`);
      return output.includes('"msg":"worker started"');
    },
    90_000,
    'the worker process started',
  );
  return { child, output: () => output, exit };
}

/** Stops a worker process as an orchestrator would (SIGTERM) and resolves with how it ended. */
export async function stopWorkerProcess(worker: WorkerProcess): Promise<string | number | null> {
  if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGTERM');
  return worker.exit;
}
