import request from 'supertest';
import { runPolicySwitchJob } from '../../src/jobs/runPolicySwitchJob';
import { makeApiKey, makeDirectory, makeEnvironment } from '../support/factories';
import { GROUP_SCHEMA, PATCH_OP, USER_SCHEMA, scimClient } from '../support/scimClient';
import { ADMIN_KEY, TestApp, createTestApp } from '../support/testApp';

/**
 * Switching an environment's inactive policy: the PATCH that does it (reason, operator
 * only, no-op, audit), the job that applies retain → secure to the users kept so far,
 * its progress endpoint, and its behaviour while SCIM writes continue.
 */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ DB_POOL_SIZE: '10' });
});
afterAll(() => t.close());

const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
const JOB_ID = expect.stringMatching(/^job_[0-9A-HJKMNP-TV-Z]{26}$/);
const ADMIN_ACTOR = 'admin_key:ADMIN_API_KEY';
const admin = { Authorization: `Bearer ${ADMIN_KEY}` };

type Scim = ReturnType<typeof scimClient>;

const patchEnvironment = (id: string, body: unknown, auth: Record<string, string> = admin) =>
  request(t.app).patch(`/api/v1/environments/${id}`).set(auth).send(body as object);
const getJob = (id: string) => request(t.app).get(`/api/v1/policy-switch-jobs/${id}`).set(admin);

/** A directory in a new environment under `policy`, with its SCIM client. */
async function tenant(policy: 'secure' | 'retain') {
  const env = await makeEnvironment(t.app, { inactive_policy: policy });
  const directory = await makeDirectory(t.app, { environment_id: env.id, provider: 'okta' });
  return { env, directory, scim: scimClient(t.app, directory) };
}

/** A user with a full profile, as an IdP pushes one; returns its SCIM id. */
async function createUser(scim: Scim, name: string, active = true): Promise<string> {
  const res = await scim.post('/Users', {
    schemas: [USER_SCHEMA],
    userName: `${name}@acme.test`,
    externalId: `ext-${name}`,
    name: { givenName: name, familyName: 'Tester' },
    displayName: `${name} Tester`,
    title: 'Engineer',
    emails: [{ value: `${name}@acme.test`, type: 'work', primary: true }],
    active,
  });
  expect(res.status).toBe(201);
  return res.body.id;
}

async function setActive(scim: Scim, id: string, active: boolean): Promise<void> {
  const res = await scim.patch(`/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active } }] });
  expect(res.status).toBe(200);
}

type AuditRow = { actor: string; action: string; target_type: string; target_id: string; reason: string | null; details: unknown };

async function auditOf(environmentId: string): Promise<AuditRow[]> {
  return t.dataSource.query(
    `SELECT actor, action, target_type, target_id, reason, details FROM audit_log
      WHERE environment_id = $1 AND (action LIKE 'policy_switch_job.%' OR action LIKE 'environment.%')
        AND action <> 'environment.created'
      ORDER BY id`,
    [environmentId],
  );
}

async function inactiveDirectoryUsers(environmentId: string): Promise<{ id: string; scim_user_id: string }[]> {
  return t.dataSource.query(
    `SELECT id, scim_user_id FROM directory_users WHERE environment_id = $1 AND state = 'inactive' ORDER BY id`,
    [environmentId],
  );
}

/** How many user.deleted events each directory user of the environment has. */
async function deletionsBySubject(environmentId: string): Promise<Map<string, number>> {
  const rows: { subject_id: string; n: number }[] = await t.dataSource.query(
    `SELECT subject_id, count(*)::int AS n FROM events
      WHERE environment_id = $1 AND type = 'user.deleted' GROUP BY subject_id`,
    [environmentId],
  );
  return new Map(rows.map((r) => [r.subject_id, r.n]));
}

/** Switches through the API and returns the id of the job it started. */
async function switchToSecure(environmentId: string, reason = 'Ticket 4711'): Promise<string> {
  const res = await patchEnvironment(environmentId, { inactive_policy: 'secure', reason });
  expect(res.status).toBe(200);
  return res.body.policy_switch_job.id;
}

describe('PATCH /api/v1/environments/{id} with inactive_policy', () => {
  test('needs a reason of 1-500 characters, and a reason needs a policy', async () => {
    const env = await makeEnvironment(t.app, { inactive_policy: 'retain' });
    const invalid = (field: string, message: string) => ({
      error: { code: 'invalid_request', message: `${field}: ${message}`, details: { errors: [{ field, message }] } },
    });
    const cases: [unknown, unknown][] = [
      [{ inactive_policy: 'secure' }, invalid('reason', 'Required when inactive_policy is given')],
      [{ reason: 'Ticket 1' }, invalid('reason', 'Only accepted together with inactive_policy')],
      [{ inactive_policy: 'secure', reason: '   ' }, invalid('reason', 'Too small: expected string to have >=1 characters')],
      [{ inactive_policy: 'secure', reason: 'x'.repeat(501) }, invalid('reason', 'Too big: expected string to have <=500 characters')],
      [{ inactive_policy: 'secure', reason: 'nul\u0000' }, invalid('reason', 'must not contain NUL characters')],
      [{ inactive_policy: 'delete', reason: 'Ticket 1' }, invalid('inactive_policy', 'Invalid option: expected one of "secure"|"retain"')],
    ];
    for (const [body, expected] of cases) {
      const res = await patchEnvironment(env.id, body);
      expect({ body, status: res.status, response: res.body }).toEqual({ body, status: 400, response: expected });
    }
    const ok = await patchEnvironment(env.id, { inactive_policy: 'secure', reason: ` ${'x'.repeat(500)} ` });
    expect(ok.status).toBe(200);
    expect((await getJob(ok.body.policy_switch_job.id)).body.reason).toBe('x'.repeat(500));
  });

  test('an environment key may not switch, not even its own environment (403; 404 for another)', async () => {
    const env = await makeEnvironment(t.app, { inactive_policy: 'retain' });
    const other = await makeEnvironment(t.app);
    const key = { Authorization: `Bearer ${await makeApiKey(t.app, env.id)}` };
    const own = await patchEnvironment(env.id, { inactive_policy: 'secure', reason: 'Ticket 1', name: 'Renamed' }, key);
    expect([own.status, own.body]).toEqual([
      403,
      {
        error: {
          code: 'forbidden',
          message: 'Only the admin key can change the inactive policy: it is set by support under the customer contract',
        },
      },
    ]);
    // Even asking for the policy it has is refused: the key may not touch the setting at all.
    const same = await patchEnvironment(env.id, { inactive_policy: 'retain', reason: 'Ticket 1' }, key);
    expect(same.status).toBe(403);
    const theirs = await patchEnvironment(other.id, { inactive_policy: 'retain', reason: 'Ticket 1' }, key);
    expect([theirs.status, theirs.body]).toEqual([404, { error: { code: 'not_found', message: 'Environment not found' } }]);
    const after = await request(t.app).get(`/api/v1/environments/${env.id}`).set(admin);
    expect(after.body).toEqual(env);
    expect(await auditOf(env.id)).toEqual([]);
  });

  test('switching to the policy the environment has is a 200 no-op: no job, no audit entry', async () => {
    const env = await makeEnvironment(t.app, { inactive_policy: 'retain' });
    const res = await patchEnvironment(env.id, { inactive_policy: 'retain', reason: 'Ticket 1' });
    expect([res.status, res.body]).toEqual([200, env]);
    expect(await auditOf(env.id)).toEqual([]);
    const jobs = await request(t.app).get(`/api/v1/environments/${env.id}/policy-switch-jobs`).set(admin);
    expect(jobs.body).toEqual({ data: [], list_metadata: { after: null } });
  });

  test('secure → retain applies from now on: no job, one audit entry with 0 users touched', async () => {
    const { env, scim } = await tenant('secure');
    const erased = await createUser(scim, 'gone');
    await setActive(scim, erased, false);
    const res = await patchEnvironment(env.id, { inactive_policy: 'retain', reason: 'Customer asked, ticket 12', name: 'Kept' });
    expect([res.status, res.body]).toEqual([200, { ...env, name: 'Kept', inactive_policy: 'retain', updated_at: ISO }]);
    expect(await auditOf(env.id)).toEqual([
      {
        actor: ADMIN_ACTOR,
        action: 'environment.inactive_policy_switched',
        target_type: 'environment',
        target_id: env.id,
        reason: 'Customer asked, ticket 12',
        details: { inactive_policy: { from: 'secure', to: 'retain' }, policy_switch_job_id: null, users_touched: 0 },
      },
      {
        actor: ADMIN_ACTOR,
        action: 'environment.updated',
        target_type: 'environment',
        target_id: env.id,
        reason: null,
        details: { name: { from: env.name, to: 'Kept' } },
      },
    ]);
    // The person erased under secure is not recreated.
    expect(await t.dataSource.query(`SELECT id FROM directory_users WHERE environment_id = $1`, [env.id])).toEqual([]);
  });

  test('retain → secure starts a job; its progress is served; its end is audited with the users it touched', async () => {
    const { env, scim } = await tenant('retain');
    const ids = [await createUser(scim, 'ann'), await createUser(scim, 'bob'), await createUser(scim, 'cy')];
    await setActive(scim, ids[0], false);
    await setActive(scim, ids[1], false);

    const res = await patchEnvironment(env.id, { inactive_policy: 'secure', reason: 'Ticket 4711' });
    expect([res.status, res.body]).toEqual([
      200,
      {
        ...env,
        inactive_policy: 'secure',
        updated_at: ISO,
        policy_switch_job: { id: JOB_ID, status: 'running', total: 2, processed: 0 },
      },
    ]);
    const jobId = res.body.policy_switch_job.id;
    const running = await getJob(jobId);
    expect([running.status, running.body]).toEqual([
      200,
      {
        object: 'policy_switch_job',
        id: jobId,
        environment_id: env.id,
        from_policy: 'retain',
        to_policy: 'secure',
        status: 'running',
        total: 2,
        processed: 0,
        reason: 'Ticket 4711',
        created_at: ISO,
        updated_at: ISO,
        completed_at: null,
      },
    ]);
    const key = { Authorization: `Bearer ${await makeApiKey(t.app, env.id)}` };
    expect((await request(t.app).get(`/api/v1/policy-switch-jobs/${jobId}`).set(key)).body).toEqual(running.body);

    const progress: [number, string][] = [];
    const end = await runPolicySwitchJob(t.dataSource, jobId, {
      batchSize: 1,
      onBatch: (b) => progress.push([b.job.processed, b.job.status]),
    });
    expect(progress).toEqual([
      [1, 'running'],
      [2, 'completed'],
    ]);
    expect(end?.status).toBe('completed');
    const completed = await getJob(jobId);
    expect(completed.body).toEqual({ ...running.body, status: 'completed', processed: 2, updated_at: ISO, completed_at: ISO });
    const list = await request(t.app).get(`/api/v1/environments/${env.id}/policy-switch-jobs`).set(key);
    expect(list.body).toEqual({ data: [completed.body], list_metadata: { after: null } });

    expect(await auditOf(env.id)).toEqual([
      {
        actor: ADMIN_ACTOR,
        action: 'environment.inactive_policy_switched',
        target_type: 'environment',
        target_id: env.id,
        reason: 'Ticket 4711',
        details: { inactive_policy: { from: 'retain', to: 'secure' }, policy_switch_job_id: jobId },
      },
      {
        actor: ADMIN_ACTOR,
        action: 'policy_switch_job.completed',
        target_type: 'policy_switch_job',
        target_id: jobId,
        reason: null,
        details: { users_touched: 2, total: 2 },
      },
    ]);
    // Running it again finds nothing to do and emits nothing.
    const events = await t.dataSource.query(`SELECT count(*)::int AS n FROM events WHERE environment_id = $1`, [env.id]);
    expect((await runPolicySwitchJob(t.dataSource, jobId))?.status).toBe('completed');
    expect(await t.dataSource.query(`SELECT count(*)::int AS n FROM events WHERE environment_id = $1`, [env.id])).toEqual(events);
  });

  test('a later switch supersedes a running job, which then touches nobody', async () => {
    const { env, scim } = await tenant('retain');
    await setActive(scim, await createUser(scim, 'dee'), false);
    const first = await switchToSecure(env.id);
    await patchEnvironment(env.id, { inactive_policy: 'retain', reason: 'Wrong environment' });
    const second = await switchToSecure(env.id, 'Right this time');

    expect((await runPolicySwitchJob(t.dataSource, first))?.status).toBe('superseded');
    expect((await getJob(first)).body).toMatchObject({ status: 'superseded', processed: 0, completed_at: null });
    expect(await inactiveDirectoryUsers(env.id)).toHaveLength(1);
    expect((await runPolicySwitchJob(t.dataSource, second))?.processed).toBe(1);
    expect((await auditOf(env.id)).map((a) => [a.action, a.target_id, a.details])).toEqual([
      ['environment.inactive_policy_switched', env.id, { inactive_policy: { from: 'retain', to: 'secure' }, policy_switch_job_id: first }],
      [
        'environment.inactive_policy_switched',
        env.id,
        { inactive_policy: { from: 'secure', to: 'retain' }, policy_switch_job_id: null, users_touched: 0 },
      ],
      ['policy_switch_job.superseded', first, { users_touched: 0, total: 1, superseded_by: null }],
      ['environment.inactive_policy_switched', env.id, { inactive_policy: { from: 'retain', to: 'secure' }, policy_switch_job_id: second }],
      ['policy_switch_job.completed', second, { users_touched: 1, total: 1 }],
    ]);
  });
});

/** The events of an environment after `seq`, in order. */
async function eventsAfter(environmentId: string, seq: string) {
  const rows: { type: string; subject_id: string; data: Record<string, unknown>; previous_attributes: unknown }[] =
    await t.dataSource.query(
      `SELECT type, subject_id, data, previous_attributes FROM events
        WHERE environment_id = $1 AND seq > $2::bigint ORDER BY seq`,
      [environmentId, seq],
    );
  return rows;
}

async function lastSeq(environmentId: string): Promise<string> {
  const [row]: { seq: string }[] = await t.dataSource.query(
    `SELECT coalesce(max(seq), 0)::text AS seq FROM events WHERE environment_id = $1`,
    [environmentId],
  );
  return row.seq;
}

describe('the job applies secure to the people kept under retain', () => {
  test('30 people, 20 deactivated: each of the 20 deleted once with identifiers only, the 10 others untouched', async () => {
    const { env, directory, scim } = await tenant('retain');
    const names = Array.from({ length: 30 }, (_, i) => `person${i}`);
    const ids: string[] = [];
    for (const name of names) ids.push(await createUser(scim, name));
    const nameOf = new Map(ids.map((id, i) => [id, names[i]]));
    // Five people who leave and five who stay share a group, so removals from groups are covered.
    const group = await scim.post('/Groups', {
      schemas: [GROUP_SCHEMA],
      displayName: 'Engineering',
      members: ids.slice(15, 25).map((value) => ({ value })),
    });
    expect(group.status).toBe(201);
    const leaving = ids.slice(0, 20);
    const staying = ids.slice(20);
    for (const id of leaving) await setActive(scim, id, false);

    const kept = await inactiveDirectoryUsers(env.id);
    expect(kept.map((u) => u.scim_user_id).sort()).toEqual([...leaving].sort());
    const snapshot = () =>
      Promise.all([
        t.dataSource.query(`SELECT * FROM directory_users WHERE scim_user_id = ANY($1::uuid[]) ORDER BY id`, [staying]),
        t.dataSource.query(`SELECT * FROM scim_users WHERE id = ANY($1::uuid[]) ORDER BY id`, [staying]),
      ]);
    const before = await snapshot();
    expect(before[0]).toHaveLength(10);
    const seq = await lastSeq(env.id);

    const jobId = await switchToSecure(env.id);
    const job = await runPolicySwitchJob(t.dataSource, jobId, { batchSize: 7 });
    expect(job).toMatchObject({ status: 'completed', total: 20, processed: 20 });
    expect(await inactiveDirectoryUsers(env.id)).toEqual([]);

    // Per person, in batch order: the group removal for group members, then user.deleted,
    // each carrying identifiers only.
    const [groupRow] = await t.dataSource.query(`SELECT id FROM directory_groups WHERE scim_group_id = $1`, [group.body.id]);
    const redacted = (u: { id: string; scim_user_id: string }) => ({
      object: 'directory_user',
      id: u.id,
      directory_id: directory.id,
      environment_id: env.id,
      idp_id: u.scim_user_id,
      username: `${nameOf.get(u.scim_user_id)}@acme.test`,
      redacted: true,
    });
    const inGroup = new Set(ids.slice(15, 25));
    expect(await eventsAfter(env.id, seq)).toEqual(
      kept.flatMap((u) => {
        const data = { ...redacted(u), state: 'inactive' };
        const removal = { type: 'group.user_removed', subject_id: u.id, data: { user: data, group: expect.objectContaining({ id: groupRow.id }) }, previous_attributes: null };
        const deletion = { type: 'user.deleted', subject_id: u.id, data, previous_attributes: null };
        return inGroup.has(u.scim_user_id) ? [removal, deletion] : [deletion];
      }),
    );
    const deletions = await deletionsBySubject(env.id);
    expect([...deletions.entries()].sort()).toEqual(kept.map((u) => [u.id, 1]).sort());

    // What was recorded about them before the switch keeps identifiers only too.
    const earlier: { type: string; subject_id: string; data: Record<string, unknown>; previous_attributes: unknown }[] =
      await t.dataSource.query(
        `SELECT type, subject_id, data, previous_attributes FROM events WHERE subject_id = ANY($1::text[]) AND seq <= $2::bigint`,
        [kept.map((u) => u.id), seq],
      );
    const byId = new Map(kept.map((u) => [u.id, u]));
    // user.created and user.updated for each, group.user_added for the five members.
    expect(earlier).toHaveLength(45);
    for (const e of earlier) {
      const user = e.type.startsWith('group.') ? e.data.user : e.data;
      expect({ type: e.type, user, previous: e.previous_attributes }).toEqual({
        type: e.type,
        user: redacted(byId.get(e.subject_id)!),
        previous: null,
      });
    }

    const stored: { id: string; resource: unknown; display_name: string | null; active: boolean }[] = await t.dataSource.query(
      `SELECT id, resource, display_name, active FROM scim_users WHERE id = ANY($1::uuid[])`,
      [leaving],
    );
    expect(stored.sort((a, b) => a.id.localeCompare(b.id))).toEqual(
      [...leaving].sort().map((id) => ({
        id,
        resource: { schemas: [USER_SCHEMA], userName: `${nameOf.get(id)}@acme.test`, externalId: `ext-${nameOf.get(id)}`, active: false },
        display_name: null,
        active: false,
      })),
    );
    const got = await scim.get(`/Users/${leaving[0]}`);
    expect(got.body).toEqual({
      schemas: [USER_SCHEMA],
      id: leaving[0],
      userName: 'person0@acme.test',
      externalId: 'ext-person0',
      active: false,
      meta: expect.objectContaining({ resourceType: 'User' }),
    });

    expect(await snapshot()).toEqual(before);
  });

  test('a person a SCIM write holds is skipped, not forgotten: the job completes only once nobody is left', async () => {
    const { env, scim } = await tenant('retain');
    const held = await createUser(scim, 'held');
    const free = await createUser(scim, 'free');
    await setActive(scim, held, false);
    await setActive(scim, free, false);
    const jobId = await switchToSecure(env.id);
    // What a SCIM write in flight holds (src/scim/resourceRoutes.ts), e.g. a PATCH that
    // turns out to change nothing, so that write will not delete the person itself.
    const writer = t.dataSource.createQueryRunner();
    await writer.connect();
    await writer.startTransaction();
    try {
      await writer.query(`SELECT id FROM scim_users WHERE id = $1 FOR UPDATE`, [held]);
      const seen: [number, string, number][] = [];
      const job = await runPolicySwitchJob(t.dataSource, jobId, {
        batchSize: 10,
        retryDelayMs: 10,
        followWhenBusy: true,
        onBatch: (b) => {
          seen.push([b.job.processed, b.job.status, b.touched]);
          // The second batch found only the held person left: let the write finish.
          if (seen.length === 2) void writer.commitTransaction();
        },
      });
      expect(job).toMatchObject({ status: 'completed', processed: 2, total: 2 });
      expect(seen[0]).toEqual([1, 'running', 1]);
      expect(seen[1]).toEqual([1, 'running', 0]);
      expect(seen[seen.length - 1]).toEqual([2, 'completed', 1]);
      expect(seen.slice(2, -1).filter((b) => b[2] !== 0)).toEqual([]);
      expect(await inactiveDirectoryUsers(env.id)).toEqual([]);
    } finally {
      await writer.release();
    }
  });

  test('while SCIM writes go on and two runners work the job, every inactive person ends deleted exactly once', async () => {
    const { env, scim } = await tenant('retain');
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) ids.push(await createUser(scim, `load${i}`));
    for (const id of ids.slice(0, 30)) await setActive(scim, id, false);

    const statuses: number[] = [];
    let wake: () => void = () => undefined;
    const track = async (res: Promise<request.Response>) => {
      statuses.push((await res).status);
      wake();
    };
    const active = (id: string, value: boolean) =>
      scim.patch(`/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: value } }] });
    // Bounded loops: deactivations, reactivations of people the job is deleting, and new people.
    const writes = Promise.all([
      (async () => {
        for (const id of ids.slice(30)) await track(active(id, false));
      })(),
      (async () => {
        for (const id of ids.slice(0, 8)) await track(active(id, true));
      })(),
      (async () => {
        for (let i = 0; i < 16; i++) await track(scim.post('/Users', { schemas: [USER_SCHEMA], userName: `new${i}@acme.test`, active: i % 2 === 0 }));
      })(),
    ]);
    while (statuses.length < 6) await new Promise<void>((resolve) => (wake = resolve));
    const jobId = await switchToSecure(env.id);
    const [first, second] = await Promise.all([
      runPolicySwitchJob(t.dataSource, jobId, { batchSize: 4, retryDelayMs: 20 }),
      runPolicySwitchJob(t.dataSource, jobId, { batchSize: 4, retryDelayMs: 20, followWhenBusy: true }),
    ]);
    await writes;
    expect(statuses.filter((s) => s !== 200 && s !== 201)).toEqual([]);
    expect(second?.status).toBe('completed');
    expect(first?.status).toMatch(/^(running|completed)$/);
    expect(await runPolicySwitchJob(t.dataSource, jobId)).toMatchObject({ status: 'completed', total: expect.any(Number) });

    expect(await inactiveDirectoryUsers(env.id)).toEqual([]);
    const created: { subject_id: string }[] = await t.dataSource.query(
      `SELECT DISTINCT subject_id FROM events WHERE environment_id = $1 AND type = 'user.created'`,
      [env.id],
    );
    const existing: { id: string }[] = await t.dataSource.query(`SELECT id FROM directory_users WHERE environment_id = $1`, [env.id]);
    const existingIds = new Set(existing.map((u) => u.id));
    const deletions = await deletionsBySubject(env.id);
    // Every directory user that is gone was deleted by exactly one event, and no other was.
    expect([...deletions.entries()].sort()).toEqual(
      created.filter((c) => !existingIds.has(c.subject_id)).map((c) => [c.subject_id, 1]).sort(),
    );
    expect(deletions.size).toBeGreaterThanOrEqual(30 - 8);

    // Inactive people keep identifiers only; active people have an active directory user.
    const people: { active: boolean; state: string | null; keys: string[] }[] = await t.dataSource.query(
      `SELECT su.active, du.state, ARRAY(SELECT jsonb_object_keys(su.resource) ORDER BY 1) AS keys
         FROM scim_users su LEFT JOIN directory_users du ON du.scim_user_id = su.id
        WHERE su.directory_id = (SELECT id FROM directories WHERE environment_id = $1)`,
      [env.id],
    );
    expect(people).toHaveLength(56);
    for (const p of people) {
      if (p.active) expect({ state: p.state }).toEqual({ state: 'active' });
      else expect({ state: p.state, keys: p.keys.filter((k) => !['active', 'externalId', 'schemas', 'userName'].includes(k)) }).toEqual({ state: null, keys: [] });
    }
  });
});
