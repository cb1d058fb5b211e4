import request from 'supertest';
import { createLogger } from '../../src/http/logger';
import { startJobRunner } from '../../src/jobs/jobRunner';
import { FakeOkta, startFakeOkta } from '../support/fakeOkta';
import { makeApiKey, makeDirectory, makeEnvironment } from '../support/factories';
import { USER_SCHEMA, scimClient } from '../support/scimClient';
import { TestApp, createTestApp } from '../support/testApp';
import { waitUntil } from '../support/waitUntil';
import { OwnDatabase, createOwnDatabase } from '../webhooks/ownDatabase';

/**
 * `unassign` end to end through graphile-worker: the scan queues the attempt, the job
 * runner runs it and its retries (IDP_RETRY_BASE_SECONDS=0, so no waiting), and the test
 * waits on the outcome, not on time. The runner takes every job of its database, so the
 * file has a database of its own.
 */

const OKTA_TOKEN = 'okta-api-token-for-the-runner-test';
const APP_ID = '0oaRUNNER1';
const ago = (days: number) => new Date(Date.now() - days * 86_400_000);

let db: OwnDatabase;
let t: TestApp;
let okta: FakeOkta;
beforeAll(async () => {
  db = await createOwnDatabase('unassign');
  t = await createTestApp({ DATABASE_URL: db.url, WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true', IDP_RETRY_BASE_SECONDS: '0', WORKER_POLL_MS: '50' });
  okta = await startFakeOkta(OKTA_TOKEN);
});
afterAll(async () => {
  await okta.close();
  await t.close();
  await db.drop();
});

test('failing twice then succeeding: three attempts by the job runner, exactly one successful DELETE', async () => {
  const env = await makeEnvironment(t.app);
  const key = await makeApiKey(t.app, env.id);
  const d = await makeDirectory(t.app, { environment_id: env.id, provider: 'okta' });
  const api = (method: 'put' | 'post' | 'get', path: string, body?: object) =>
    request(t.app)[method](`/api/v1${path}`).set('Authorization', `Bearer ${key}`).send(body);
  expect((await api('put', `/directories/${d.id}/idp-connection`, { kind: 'okta', org_url: okta.url, api_token: OKTA_TOKEN, app_id: APP_ID })).status).toBe(200);
  const created = await scimClient(t.app, d).post('/Users', { schemas: [USER_SCHEMA], userName: 'ada@acme.test', externalId: '00u1ada', active: true });
  await t.dataSource.query(`UPDATE directory_users SET created_at = $2 WHERE scim_user_id = $1`, [created.body.id, ago(90)]);
  const [{ id }] = await t.dataSource.query(`SELECT id FROM directory_users WHERE scim_user_id = $1`, [created.body.id]);
  expect((await api('put', `/directories/${d.id}/idle-rule`, { after: 'P30D', action: 'unassign' })).status).toBe(200);
  await t.dataSource.query(`UPDATE idle_rules SET enabled_at = $2 WHERE directory_id = $1`, [d.id, ago(80)]);
  okta.assign(APP_ID, '00u1ada');
  okta.failNext([500, 500]);
  expect((await api('post', `/directories/${d.id}/idle-scan`)).body).toEqual({ data: [{ directory_user_id: id, action: 'unassign', result: 'flagged' }] });

  const runner = await startJobRunner({ dataSource: t.dataSource, config: t.config, logger: createLogger('silent') });
  try {
    const settled = await waitUntil(async () => {
      const action = (await api('get', `/directory-users/${id}`)).body.idle_action;
      return action?.status !== 'pending' && action;
    }, 20000, 'the unassign attempts settled');
    expect(settled).toEqual({ action: 'unassign', status: 'succeeded', attempts: 3, last_error: null });
  } finally {
    await runner.stop();
  }
  expect(okta.requests.map((r) => [r.method, r.path, r.status])).toEqual(
    [500, 500, 204].map((status) => ['DELETE', `/api/v1/apps/${APP_ID}/users/00u1ada`, status]),
  );
  expect(okta.successfulDeletes()).toBe(1);
  const jobs = await t.dataSource.query(`SELECT key, attempts, last_error FROM graphile_worker.jobs WHERE task_identifier = 'idp_unassign'`);
  expect(jobs).toEqual([]);
});
