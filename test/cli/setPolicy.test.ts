import { progressOn } from '../../src/cli/progress';
import { makeDirectory, makeEnvironment } from '../support/factories';
import { PATCH_OP, USER_SCHEMA, scimClient } from '../support/scimClient';
import { TestApp, createTestApp } from '../support/testApp';
import { apiGet, cells, cli, cliActor, notes } from './cliRun';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

/** An environment under `policy` whose directory holds `inactive` deactivated people and one active one. */
async function environmentWith(policy: 'secure' | 'retain', inactive: number) {
  const env = await makeEnvironment(t.app, { inactive_policy: policy });
  const directory = await makeDirectory(t.app, { environment_id: env.id, provider: 'okta' });
  const scim = scimClient(t.app, directory);
  for (let i = 0; i <= inactive; i++) {
    const created = await scim.post('/Users', { schemas: [USER_SCHEMA], userName: `cli${i}@acme.test`, name: { givenName: `Cli${i}` } });
    expect(created.status).toBe(201);
    if (i === inactive) break;
    const patched = await scim.patch(`/Users/${created.body.id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', value: { active: false } }],
    });
    expect(patched.status).toBe(200);
  }
  return env;
}

async function jobsOf(environmentId: string) {
  return (await apiGet(t.app, `/api/v1/environments/${environmentId}/policy-switch-jobs`)).body.data;
}

describe('environments set-policy', () => {
  test('to secure: runs the job here with progress on stderr, then prints the environment and the counts', async () => {
    const env = await environmentWith('retain', 3);
    const run = await cli('environments', 'set-policy', env.id, 'secure', '--reason', 'Ticket 77');
    const [job] = await jobsOf(env.id);
    const after = (await apiGet(t.app, `/api/v1/environments/${env.id}`)).body;
    // stderr is not a terminal here: one line each time the count moves.
    expect(run).toEqual({
      status: 0,
      stderr: 'Erasing inactive users: 0/3\nErasing inactive users: 3/3\n',
      stdout: expect.any(String),
    });
    expect(cells(run.stdout)).toEqual([
      ['id', env.id],
      ['name', env.name],
      ['inactive_policy', 'secure'],
      ['created_at', after.created_at],
      ['updated_at', after.updated_at],
    ]);
    expect(notes(run.stdout)).toEqual([`${job.id} completed: 3 of 3 inactive users deleted and erased.`]);
    expect(job).toMatchObject({ status: 'completed', total: 3, processed: 3, reason: 'Ticket 77', from_policy: 'retain' });
    const audit = await t.dataSource.query(
      `SELECT actor, action, reason, details FROM audit_log WHERE environment_id = $1 AND action <> 'environment.created'
          AND (action LIKE 'environment.%' OR action LIKE 'policy_switch_job.%') ORDER BY id`,
      [env.id],
    );
    expect(audit).toEqual([
      {
        actor: cliActor,
        action: 'environment.inactive_policy_switched',
        reason: 'Ticket 77',
        details: { inactive_policy: { from: 'retain', to: 'secure' }, policy_switch_job_id: job.id },
      },
      { actor: cliActor, action: 'policy_switch_job.completed', reason: null, details: { users_touched: 3, total: 3 } },
    ]);
    const [{ inactive }] = await t.dataSource.query(
      `SELECT count(*)::int AS inactive FROM directory_users WHERE environment_id = $1 AND state = 'inactive'`,
      [env.id],
    );
    expect(inactive).toBe(0);
  });

  test('--json prints the finished job as the API serves it', async () => {
    const env = await environmentWith('retain', 2);
    const run = await cli('environments', 'set-policy', env.id, 'secure', '--reason', 'Ticket 78', '--json');
    expect({ status: run.status, stderr: run.stderr }).toEqual({
      status: 0,
      stderr: 'Erasing inactive users: 0/2\nErasing inactive users: 2/2\n',
    });
    const printed = JSON.parse(run.stdout);
    expect(await apiGet(t.app, `/api/v1/policy-switch-jobs/${printed.id}`)).toEqual({ status: 200, body: printed });
    expect(printed).toMatchObject({ object: 'policy_switch_job', environment_id: env.id, status: 'completed', processed: 2 });
  });

  test('to the policy the environment has: says so and changes nothing', async () => {
    const env = await makeEnvironment(t.app, { inactive_policy: 'secure' });
    const run = await cli('environments', 'set-policy', env.id, 'secure', '--reason', 'Ticket 79');
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    expect(notes(run.stdout)).toEqual(['The inactive policy is already secure; nothing changed.']);
    const json = await cli('environments', 'set-policy', env.id, 'secure', '--reason', 'Ticket 79', '--json');
    expect(JSON.parse(json.stdout)).toEqual(env);
    expect(await jobsOf(env.id)).toEqual([]);
  });

  test('to retain: no job; the environment is printed with what it means', async () => {
    const env = await makeEnvironment(t.app, { inactive_policy: 'secure' });
    const run = await cli('environments', 'set-policy', env.id, 'retain', '--reason', 'Ticket 80');
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    expect(cells(run.stdout)[2]).toEqual(['inactive_policy', 'retain']);
    expect(notes(run.stdout)).toEqual(['Inactive users are kept from now on; users erased under secure are not restored.']);
    expect(await jobsOf(env.id)).toEqual([]);
    const json = await cli('environments', 'set-policy', env.id, 'secure', '--reason', 'Ticket 81', '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({ object: 'policy_switch_job', status: 'completed', total: 0, processed: 0 });
  });

  test.each([
    [['environments', 'set-policy', 'env_x', 'secure'], 2, "error: required option '--reason <text>' not specified\n(add --help for usage)\n"],
    [['environments', 'set-policy', 'env_x', 'never', '--reason', 'x'], 1, 'error: <policy>: Invalid option: expected one of "secure"|"retain"\n'],
    [['environments', 'set-policy', 'env_x', 'secure', '--reason', ' '], 1, 'error: --reason: Too small: expected string to have >=1 characters\n'],
    [['environments', 'set-policy', 'env_00000000000000000000000000', 'secure', '--reason', 'x'], 1, 'error: Environment not found\n'],
  ])('%j fails with status %i', async (argv, status, stderr) => {
    expect(await cli(...argv)).toEqual({ status, stdout: '', stderr });
  });
});

describe('progress on a terminal', () => {
  test('is one bar redrawn in place, ended by a newline', () => {
    let written = '';
    const terminal = { isTTY: true, write: (s: string) => (written += s) };
    const progress = progressOn(terminal, 'Erasing');
    progress.update(0, 400);
    progress.update(200, 400);
    progress.update(200, 400);
    progress.update(400, 400);
    progress.end();
    expect(written.split('\r')).toEqual([
      '',
      `Erasing [${'.'.repeat(30)}]   0% 0/400\x1b[K`,
      `Erasing [${'#'.repeat(15)}${'.'.repeat(15)}]  50% 200/400\x1b[K`,
      `Erasing [${'#'.repeat(30)}] 100% 400/400\x1b[K\n`,
    ]);
  });
});
