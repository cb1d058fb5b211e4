import { makeApiKey } from '../support/factories';
import { ISO, contractRecorder, invalid, notFound, twoTenants } from '../support/contractCalls';
import { TestApp, createTestApp } from '../support/testApp';
import { OWNED_TAGS, SHARED_HANDLER_STATUSES } from './ownership';

/**
 * Drives every Policy switch jobs operation through the real app and checks each response
 * against openapi.yaml; the last test proves every documented status was reached.
 */

let t: TestApp;
const { call, expectTagsCovered } = contractRecorder(() => t);
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const tenants = () => twoTenants(t.app);

describe('policy switch jobs', () => {
  /** An environment switched from retain to secure, and the job the switch started. */
  async function switched() {
    const { envA, envB, keyA } = await tenants();
    await call('patch', `/api/v1/environments/${envA.id}`, { body: { inactive_policy: 'retain', reason: 'Contract' } });
    const res = await call('patch', `/api/v1/environments/${envA.id}`, { body: { inactive_policy: 'secure', reason: 'Contract' } });
    expect(res.status).toBe(200);
    return { envA, envB, keyA, jobId: res.body.policy_switch_job.id as string };
  }

  test('getPolicySwitchJob: 200 for the admin and the environment key, 401, 404', async () => {
    const { envA, envB, jobId } = await switched();
    const keyA = await makeApiKey(t.app, envA.id);
    const keyB = await makeApiKey(t.app, envB.id);
    const got = await call('get', `/api/v1/policy-switch-jobs/${jobId}`, { key: keyA });
    expect([got.status, got.body]).toEqual([
      200,
      {
        object: 'policy_switch_job',
        id: jobId,
        environment_id: envA.id,
        from_policy: 'retain',
        to_policy: 'secure',
        // A runner of another test file may already have completed it (it has no users).
        status: expect.stringMatching(/^(running|completed)$/),
        total: 0,
        processed: 0,
        reason: 'Contract',
        created_at: ISO,
        updated_at: ISO,
        completed_at: got.body.status === 'completed' ? ISO : null,
      },
    ]);
    const byAdmin = await call('get', `/api/v1/policy-switch-jobs/${jobId}`);
    expect([byAdmin.status, byAdmin.body.id]).toEqual([200, jobId]);
    const other = await call('get', `/api/v1/policy-switch-jobs/${jobId}`, { key: keyB });
    expect([other.status, other.body]).toEqual([404, notFound('Policy switch job')]);
    const malformed = await call('get', '/api/v1/policy-switch-jobs/nope');
    expect([malformed.status, malformed.body]).toEqual([404, notFound('Policy switch job')]);
    expect((await call('get', `/api/v1/policy-switch-jobs/${jobId}`, { key: null })).status).toBe(401);
  });

  test('listPolicySwitchJobs: 200, 400, 401, 404', async () => {
    const { envA, envB, keyA, jobId } = await switched();
    const page = await call('get', `/api/v1/environments/${envA.id}/policy-switch-jobs?limit=1`, { key: keyA });
    expect([page.status, page.body.data.map((j: { id: string }) => j.id), page.body.list_metadata]).toEqual([
      200,
      [jobId],
      { after: null },
    ]);
    const bad = await call('get', `/api/v1/environments/${envA.id}/policy-switch-jobs?after=env_x`);
    expect([bad.status, bad.body]).toEqual([400, invalid('after is not a valid cursor')]);
    const other = await call('get', `/api/v1/environments/${envB.id}/policy-switch-jobs`, { key: keyA });
    expect([other.status, other.body]).toEqual([404, notFound('Environment')]);
    expect((await call('get', `/api/v1/environments/${envA.id}/policy-switch-jobs`, { key: null })).status).toBe(401);
  });
});

// Runs last (Jest runs a file's tests in order).
test('every Policy switch jobs operation was exercised with each documented status', () => {
  expectTagsCovered(OWNED_TAGS.policySwitch, { sampledOnce: SHARED_HANDLER_STATUSES });
});
