import { DirectoryIds, UserProfile, eventsSince, markEvents, redactedUserData, userEventData } from '../support/events';
import { makeDirectory, makeEnvironment } from '../support/factories';
import { ENTERPRISE, PATCH_OP, USER_SCHEMA, scimClient } from '../support/scimClient';
import { TestApp, createTestApp } from '../support/testApp';

/**
 * State mapping through status rules: an HR or IdP status attribute can make a person
 * inactive even while SCIM `active` is true (the more restrictive answer wins, and the
 * disagreement is audited); a status value no rule knows keeps the current state and is
 * audited too. Rules are the provider's preset unless the directory stores its own.
 */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

type Policy = 'secure' | 'retain';
type Directory = DirectoryIds & { bearer_token: string };
type Json = Record<string, unknown>;

const STATUS = `${ENTERPRISE}:employeeStatus`;
const OKTA_CORE = 'urn:okta:scim:schemas:core:1.0:User';

async function setUp(policy: Policy, provider = 'generic') {
  const environment = await makeEnvironment(t.app, { inactive_policy: policy });
  const d: Directory = await makeDirectory(t.app, { provider, environment_id: environment.id });
  const c = scimClient(t.app, d);
  return { d, c };
}

/** A user whose HR status is `employeeStatus`, pushed with `active: true`. */
const hrUser = (userName: string, employeeStatus: string): Json => ({
  schemas: [USER_SCHEMA, ENTERPRISE],
  userName,
  active: true,
  title: 'Tour Guide',
  [ENTERPRISE]: { employeeStatus },
});

function profileOf(resource: Json, state: UserProfile['state'], custom: Json): UserProfile {
  return {
    external_id: null,
    username: resource.userName as string,
    emails: [],
    first_name: null,
    last_name: null,
    job_title: (resource.title as string | undefined) ?? null,
    state,
    groups: [],
    custom_attributes: custom,
    raw_attributes: resource,
  };
}

async function directoryUserOf(scimId: string): Promise<Json | undefined> {
  return (await t.dataSource.query(`SELECT * FROM directory_users WHERE scim_user_id = $1`, [scimId]))[0];
}

async function scimResourceOf(scimId: string): Promise<Json | undefined> {
  return (await t.dataSource.query(`SELECT resource FROM scim_users WHERE id = $1`, [scimId]))[0]?.resource;
}

async function auditOf(scimId: string): Promise<Json[]> {
  return t.dataSource.query(
    `SELECT environment_id, actor, action, target_type, target_id, reason, details FROM audit_log WHERE target_id = $1 ORDER BY id`,
    [scimId],
  );
}

/** The audit row of a state decision that was not unanimous. */
function audit(d: Directory, scimId: string, action: string, reason: string, details: Json) {
  return { environment_id: d.environment_id, actor: `scim:${d.id}`, action, target_type: 'scim_user', target_id: scimId, reason, details };
}

const TERMINATED_REASON = `active=true; ${STATUS} "Terminated" → inactive`;
const UNKNOWN_REASON = 'active=true; unknown status value(s); state kept unless another signal says inactive';

const replaceStatus = (value: string) => ({ schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: STATUS, value }] });

describe.each(['secure', 'retain'] as const)('generic preset, %s policy', (policy) => {
  test('employeeStatus "Terminated" on create makes the user inactive although active=true', async () => {
    const { d, c } = await setUp(policy);
    const mark = await markEvents(t.dataSource, d.id);
    const res = await c.post('/Users', hrUser('leaver@example.com', 'Terminated'));
    expect(res.status).toBe(201);
    const id = res.body.id as string;

    if (policy === 'secure') {
      expect(await directoryUserOf(id)).toBeUndefined();
      // Erased to identifiers, with the IdP's own `active` and the status the rules read, so a
      // status change alone can bring the person back.
      expect(await scimResourceOf(id)).toEqual({
        schemas: [USER_SCHEMA, ENTERPRISE],
        userName: 'leaver@example.com',
        active: true,
        [ENTERPRISE]: { employeeStatus: 'Terminated' },
      });
      expect(await eventsSince(t.dataSource, mark)).toEqual([]);
    } else {
      const profile = profileOf(hrUser('leaver@example.com', 'Terminated'), 'inactive', { employeeStatus: 'Terminated' });
      const row = (await directoryUserOf(id))!;
      expect(row.state).toBe('inactive');
      expect(await eventsSince(t.dataSource, mark)).toEqual([
        { type: 'user.created', data: userEventData(d, id, profile, row.id as string), previous_attributes: null },
      ]);
    }
    expect(await auditOf(id)).toEqual([
      audit(d, id, 'directory_user.state_conflict', TERMINATED_REASON, { state: 'inactive', unknown: [], conflict: true }),
    ]);
  });

  test('an active user whose employeeStatus becomes "Terminated" becomes inactive', async () => {
    const { d, c } = await setUp(policy);
    const res = await c.post('/Users', hrUser('leaver@example.com', 'Active'));
    const id = res.body.id as string;
    const row = (await directoryUserOf(id))!;
    expect(row.state).toBe('active');
    expect(await auditOf(id)).toEqual([]);

    const mark = await markEvents(t.dataSource, d.id);
    expect((await c.patch(`/Users/${id}`, replaceStatus('Terminated'))).status).toBe(200);
    if (policy === 'secure') {
      expect(await directoryUserOf(id)).toBeUndefined();
      expect(await eventsSince(t.dataSource, mark)).toEqual([
        { type: 'user.deleted', data: redactedUserData(d, id, 'leaver@example.com', row.id as string, 'inactive'), previous_attributes: null },
      ]);
    } else {
      const profile = profileOf(hrUser('leaver@example.com', 'Terminated'), 'inactive', { employeeStatus: 'Terminated' });
      expect(await eventsSince(t.dataSource, mark)).toEqual([
        {
          type: 'user.updated',
          data: userEventData(d, id, profile, row.id as string),
          previous_attributes: {
            state: 'active',
            custom_attributes: { employeeStatus: 'Active' },
            raw_attributes: { [ENTERPRISE]: { employeeStatus: 'Active' } },
          },
        },
      ]);
    }
    expect(await auditOf(id)).toEqual([
      audit(d, id, 'directory_user.state_conflict', TERMINATED_REASON, { state: 'inactive', unknown: [], conflict: true }),
    ]);
  });

  test('an unknown status value keeps the current state (active) and is audited', async () => {
    const { d, c } = await setUp(policy);
    const id = (await c.post('/Users', hrUser('sabbatical@example.com', 'Active'))).body.id as string;
    const row = (await directoryUserOf(id))!;

    const mark = await markEvents(t.dataSource, d.id);
    expect((await c.patch(`/Users/${id}`, replaceStatus('Sabbatical'))).status).toBe(200);
    const profile = profileOf(hrUser('sabbatical@example.com', 'Sabbatical'), 'active', { employeeStatus: 'Sabbatical' });
    expect(await directoryUserOf(id)).toEqual({ ...row, custom_attributes: { employeeStatus: 'Sabbatical' }, raw_attributes: profile.raw_attributes, updated_at: expect.any(Date) });
    // The attribute changed, the state did not.
    expect(await eventsSince(t.dataSource, mark)).toEqual([
      {
        type: 'user.updated',
        data: userEventData(d, id, profile, row.id as string),
        previous_attributes: {
          custom_attributes: { employeeStatus: 'Active' },
          raw_attributes: { [ENTERPRISE]: { employeeStatus: 'Active' } },
        },
      },
    ]);
    expect(await auditOf(id)).toEqual([
      audit(d, id, 'directory_user.unknown_status', UNKNOWN_REASON, {
        state: 'active',
        unknown: [{ attribute: STATUS, value: 'Sabbatical' }],
        conflict: false,
      }),
    ]);
  });
});

test('retain: an unknown status value keeps an inactive user inactive, even with active=true', async () => {
  const { d, c } = await setUp('retain');
  const id = (await c.post('/Users', hrUser('leaver@example.com', 'Terminated'))).body.id as string;
  const row = (await directoryUserOf(id))!;
  expect(row.state).toBe('inactive');

  const mark = await markEvents(t.dataSource, d.id);
  expect((await c.patch(`/Users/${id}`, replaceStatus('Sabbatical'))).status).toBe(200);
  expect((await directoryUserOf(id))!.state).toBe('inactive');
  const profile = profileOf(hrUser('leaver@example.com', 'Sabbatical'), 'inactive', { employeeStatus: 'Sabbatical' });
  expect(await eventsSince(t.dataSource, mark)).toEqual([
    {
      type: 'user.updated',
      data: userEventData(d, id, profile, row.id as string),
      previous_attributes: {
        custom_attributes: { employeeStatus: 'Terminated' },
        raw_attributes: { [ENTERPRISE]: { employeeStatus: 'Terminated' } },
      },
    },
  ]);
  expect((await auditOf(id)).map((a) => [a.action, a.details])).toEqual([
    ['directory_user.state_conflict', { state: 'inactive', unknown: [], conflict: true }],
    ['directory_user.unknown_status', { state: 'inactive', unknown: [{ attribute: STATUS, value: 'Sabbatical' }], conflict: false }],
  ]);
});

test('retain: a later change of another attribute keeps the status, so a terminated user stays inactive', async () => {
  const { d, c } = await setUp('retain');
  const id = (await c.post('/Users', hrUser('leaver@example.com', 'Terminated'))).body.id as string;
  const row = (await directoryUserOf(id))!;
  const mark = await markEvents(t.dataSource, d.id);
  const patch = { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'title', value: 'Former Tour Guide' }] };
  expect((await c.patch(`/Users/${id}`, patch)).status).toBe(200);
  const resource = { ...hrUser('leaver@example.com', 'Terminated'), title: 'Former Tour Guide' };
  expect(await scimResourceOf(id)).toEqual(resource);
  const profile = profileOf(resource, 'inactive', { employeeStatus: 'Terminated' });
  expect(await eventsSince(t.dataSource, mark)).toEqual([
    {
      type: 'user.updated',
      data: userEventData(d, id, profile, row.id as string),
      previous_attributes: { job_title: 'Tour Guide', raw_attributes: { title: 'Tour Guide' } },
    },
  ]);
});

test('an unknown status value on create falls back to what active says, and is audited', async () => {
  const { d, c } = await setUp('secure');
  const id = (await c.post('/Users', hrUser('newbie@example.com', 'Sabbatical'))).body.id as string;
  expect((await directoryUserOf(id))!.state).toBe('active');
  expect(await auditOf(id)).toEqual([
    audit(d, id, 'directory_user.unknown_status', UNKNOWN_REASON, {
      state: 'active',
      unknown: [{ attribute: STATUS, value: 'Sabbatical' }],
      conflict: false,
    }),
  ]);
});

describe('custom rules stored on the directory', () => {
  const oktaStyle = (userName: string, status: string): Json => ({
    schemas: [USER_SCHEMA, OKTA_CORE],
    userName,
    active: true,
    [OKTA_CORE]: { status },
  });
  const rules = [
    { attribute: `${OKTA_CORE}:status`, active: ['STAGED', 'PROVISIONED', 'ACTIVE'], inactive: ['SUSPENDED', 'DEPROVISIONED'] },
  ];

  test('an Okta-style status: STAGED and PROVISIONED active, SUSPENDED inactive', async () => {
    const { d, c } = await setUp('secure');
    // The generic preset knows no Okta status: SUSPENDED alone says nothing yet.
    const before = (await c.post('/Users', oktaStyle('before@example.com', 'SUSPENDED'))).body.id as string;
    expect((await directoryUserOf(before))!.state).toBe('active');
    expect(await auditOf(before)).toEqual([]);

    await t.dataSource.query(`UPDATE directories SET status_rules = $2::jsonb WHERE id = $1`, [d.id, JSON.stringify(rules)]);

    const staged = (await c.post('/Users', oktaStyle('staged@example.com', 'STAGED'))).body.id as string;
    const provisioned = (await c.post('/Users', oktaStyle('provisioned@example.com', 'PROVISIONED'))).body.id as string;
    const suspended = (await c.post('/Users', oktaStyle('suspended@example.com', 'suspended'))).body.id as string;
    expect((await directoryUserOf(staged))!.state).toBe('active');
    expect((await directoryUserOf(provisioned))!.state).toBe('active');
    expect(await directoryUserOf(suspended)).toBeUndefined();
    expect(await scimResourceOf(suspended)).toEqual({
      schemas: [USER_SCHEMA, OKTA_CORE],
      userName: 'suspended@example.com',
      active: true,
      [OKTA_CORE]: { status: 'suspended' },
    });
    expect(await auditOf(suspended)).toEqual([
      audit(d, suspended, 'directory_user.state_conflict', `active=true; ${OKTA_CORE}:status "suspended" → inactive`, {
        state: 'inactive',
        unknown: [],
        conflict: true,
      }),
    ]);

    // A stored rule replaces the preset: employeeStatus no longer counts.
    const hr = (await c.post('/Users', hrUser('hr@example.com', 'Terminated'))).body.id as string;
    expect((await directoryUserOf(hr))!.state).toBe('active');

    // Suspending a provisioned user deletes their directory user under the secure policy.
    const row = (await directoryUserOf(provisioned))!;
    const mark = await markEvents(t.dataSource, d.id);
    const patch = { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: `${OKTA_CORE}:status`, value: 'SUSPENDED' }] };
    expect((await c.patch(`/Users/${provisioned}`, patch)).status).toBe(200);
    expect(await directoryUserOf(provisioned)).toBeUndefined();
    expect(await eventsSince(t.dataSource, mark)).toEqual([
      {
        type: 'user.deleted',
        data: redactedUserData(d, provisioned, 'provisioned@example.com', row.id as string, 'inactive'),
        previous_attributes: null,
      },
    ]);
  });

  test('stored rules that do not parse fall back to the provider preset', async () => {
    const { c, d } = await setUp('retain');
    await t.dataSource.query(`UPDATE directories SET status_rules = $2::jsonb WHERE id = $1`, [d.id, JSON.stringify([{ attribute: '' }])]);
    const hr = (await c.post('/Users', hrUser('hr@example.com', 'Terminated'))).body.id as string;
    expect((await directoryUserOf(hr))!.state).toBe('inactive');
  });
});

describe.each(['secure', 'retain'] as const)('a rehire by status alone, %s policy', (policy) => {
  test('a person made inactive only by a status rule comes back when the status alone changes', async () => {
    const { d, c } = await setUp(policy);
    const id = (await c.post('/Users', hrUser('returner@example.com', 'Active'))).body.id as string;
    const first = (await directoryUserOf(id))!;
    expect((await c.patch(`/Users/${id}`, replaceStatus('Terminated'))).status).toBe(200);
    // A profile push in between (title only) keeps them inactive.
    const title = { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: 'Returning' }] };
    expect((await c.patch(`/Users/${id}`, title)).status).toBe(200);
    expect((await directoryUserOf(id))?.state ?? 'none').toBe(policy === 'secure' ? 'none' : 'inactive');

    const mark = await markEvents(t.dataSource, d.id);
    expect((await c.patch(`/Users/${id}`, replaceStatus('Active'))).status).toBe(200);
    const back = (await directoryUserOf(id))!;
    expect(back.state).toBe('active');
    const types = (await eventsSince(t.dataSource, mark)).map((e) => e.type);
    if (policy === 'secure') {
      // A returning person under secure is a new directory user.
      expect(back.id).not.toBe(first.id);
      expect(types).toEqual(['user.created']);
    } else {
      expect(back.id).toBe(first.id);
      expect(types).toEqual(['user.updated']);
    }
  });
});
