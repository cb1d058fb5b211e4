import fs from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import SCIMMY from 'scimmy';
import { normalizeRequestBody, QuirkTarget } from './normalizeQuirks';

/*
 * Every quirk is proved against scimmy itself, through the same Resource.write/patch calls
 * scimmy-routers makes (patch runs `new SCIMMY.Messages.PatchOp(body)` and applies it to the
 * stored resource, write coerces the body through the resource's schema): the table in
 * normalizeQuirks.fixtures.json records, per body, what scimmy does with it as sent and after
 * normalisation. Recorded IdP requests under test/fixtures/{okta,entra} must all be accepted.
 */

const ENTERPRISE_USER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const USER_ID = '2819c223-7f76-453a-919d-413861904646';
const GROUP_ID = 'e9e30dba-f08f-4109-8486-d5c6a331660a';
const MANAGER_ID = '26118915-6090-4610-87e4-49d8ca9f808d';
const NEW_MANAGER_ID = '7b3f5c1e-9a2d-4e8f-b6c4-1d0e2f3a4b5c';
const MEMBER_ID = '902c246b-6245-4190-8e05-00816be7344a';
const NEW_MEMBER_ID = '3e1d4c2b-8f7a-4b6c-9d0e-5f4a3b2c1d0e';
const CREATED_ID = 'c0ffee00-0000-4000-8000-000000000001';

/** Values for the `{{name}}` placeholders in the recorded requests. */
const PLACEHOLDERS: Record<string, string> = {
  userId: USER_ID,
  groupId: GROUP_ID,
  managerId: NEW_MANAGER_ID,
  memberId: MEMBER_ID,
  newMemberId: NEW_MEMBER_ID,
};

/** The resources as stored before each PATCH, shaped as Entra and Okta create them. */
const STORED_USER = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE_USER],
  id: USER_ID,
  externalId: 'bjensen',
  userName: 'bjensen@example.com',
  active: true,
  displayName: 'Barbara Jensen',
  name: { formatted: 'Barbara Jensen', familyName: 'Jensen', givenName: 'Barbara' },
  emails: [{ value: 'bjensen@example.com', type: 'work', primary: true }],
  phoneNumbers: [{ value: '+1 555 555 5555', type: 'work' }],
  addresses: [{ type: 'work', streetAddress: '100 Universal City Plaza', locality: 'Hollywood', region: 'CA', postalCode: '91608', country: 'US' }],
  [ENTERPRISE_USER]: { employeeNumber: '701984', department: 'Tour Operations', manager: { value: MANAGER_ID } },
  meta: { resourceType: 'User' },
};
const STORED_GROUP = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
  id: GROUP_ID,
  displayName: 'Tour Guides',
  members: [{ value: USER_ID }, { value: MEMBER_ID }],
  meta: { resourceType: 'Group' },
};

/** The part of scimmy's Resource API these tests drive, typed narrowly. */
type ResourceInstance = { write(body: unknown): Promise<unknown>; patch(body: unknown): Promise<unknown> };
type ResourceClass = {
  new (id?: string): ResourceInstance;
  ingress(handler: (resource: { id?: string }, instance: object) => object): unknown;
  egress(handler: (resource: { id?: string }) => object): unknown;
};
const RESOURCES: Record<QuirkTarget['resource'], ResourceClass> = {
  User: SCIMMY.Resources.User as unknown as ResourceClass,
  Group: SCIMMY.Resources.Group as unknown as ResourceClass,
};

// The SCIM endpoint serves Users with the enterprise extension (RFC 7643 §4.3).
SCIMMY.Resources.User.extend(SCIMMY.Schemas.EnterpriseUser);
RESOURCES.User.egress(() => cloneJson(STORED_USER));
RESOURCES.Group.egress(() => cloneJson(STORED_GROUP));
for (const Resource of Object.values(RESOURCES)) {
  Resource.ingress((resource, instance) => ({ ...JSON.parse(JSON.stringify(instance)), id: resource.id ?? CREATED_ID }));
}

type Verdict = 'accepted' | 'rejected' | 'crashed';
type Outcome = { verdict: Verdict; resource?: unknown; error?: unknown };

/**
 * What scimmy does with a body: accepted (with the resulting resource), rejected with a
 * SCIM 400, or crashed with anything else (which the router would answer with a 500).
 */
async function submit(target: QuirkTarget, body: unknown): Promise<Outcome> {
  const Resource = RESOURCES[target.resource];
  const id = target.resource === 'User' ? USER_ID : GROUP_ID;
  try {
    const result =
      target.method === 'PATCH' ? await new Resource(id).patch(body)
      : target.method === 'PUT' ? await new Resource(id).write(body)
      : await new Resource().write(body);
    return { verdict: 'accepted', resource: result === undefined ? undefined : JSON.parse(JSON.stringify(result)) };
  } catch (error) {
    const rejected = error instanceof SCIMMY.Types.Error && Number(error.status) === 400;
    return { verdict: rejected ? 'rejected' : 'crashed', error };
  }
}

/** A JSON copy; structuredClone would build objects from another realm than scimmy's under jest. */
function cloneJson<T>(value: T): T {
  return value === undefined ? value : JSON.parse(JSON.stringify(value));
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

function parseKind(kind: string): QuirkTarget {
  const [resource, method] = kind.split(' ');
  if ((resource !== 'User' && resource !== 'Group') || (method !== 'POST' && method !== 'PUT' && method !== 'PATCH')) {
    throw new Error(`bad kind '${kind}'`);
  }
  return { resource, method };
}

type TableRow = { name: string; kind: string; input: unknown; expected: unknown; raw: Verdict; normalised: Verdict; note?: string };
const VERDICTS: readonly unknown[] = ['accepted', 'rejected', 'crashed'];

function readTable(): TableRow[] {
  const rows: unknown = JSON.parse(fs.readFileSync(path.join(__dirname, 'normalizeQuirks.fixtures.json'), 'utf8'));
  if (!Array.isArray(rows)) throw new Error('fixture table must be an array');
  return rows.map((row: Record<string, unknown>) => {
    if (typeof row.name !== 'string' || typeof row.kind !== 'string' || !('input' in row) || !('expected' in row)) {
      throw new Error(`malformed fixture row ${JSON.stringify(row)}`);
    }
    if (!VERDICTS.includes(row.raw) || !VERDICTS.includes(row.normalised)) throw new Error(`bad verdicts in '${row.name}'`);
    return row as TableRow;
  });
}

describe('normalizeRequestBody: fixture table', () => {
  const table = readTable();

  it('has one row per name', () => {
    expect(new Set(table.map((row) => row.name)).size).toBe(table.length);
  });

  describe.each(table.map((row) => [row.name, row] as const))('%s', (_name, row) => {
    const target = parseKind(row.kind);

    it('normalises to the recorded body without touching the input', () => {
      const input = deepFreeze(cloneJson(row.input));
      const output = normalizeRequestBody(input, target);
      expect(output).toEqual(row.expected);
      expect(input).toEqual(row.input);
      // Where nothing needed repair, the very same value comes back.
      if (isDeepStrictEqual(row.input, row.expected)) expect(output).toBe(input);
    });

    it(`is ${row.raw} by scimmy as sent and ${row.normalised} once normalised`, async () => {
      const raw = await submit(target, cloneJson(row.input));
      const normalised = await submit(target, normalizeRequestBody(cloneJson(row.input), target));
      expect({ raw: raw.verdict, normalised: normalised.verdict }).toEqual({ raw: row.raw, normalised: row.normalised });
    });
  });
});

describe('normalizeRequestBody: what the repaired requests do', () => {
  const patchOp = (...Operations: unknown[]) => ({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations });
  const patchUser = (body: unknown) => submit({ resource: 'User', method: 'PATCH' }, normalizeRequestBody(body, { resource: 'User', method: 'PATCH' }));

  it('turns Entra\'s "False" into a deactivation', async () => {
    const outcome = await patchUser(patchOp({ op: 'Replace', path: 'active', value: 'False' }));
    expect(outcome).toEqual({ verdict: 'accepted', resource: { ...STORED_USER, active: false } });
  });

  it('sets the manager from a bare id', async () => {
    const outcome = await patchUser(patchOp({ op: 'Add', path: `${ENTERPRISE_USER}:manager`, value: NEW_MANAGER_ID }));
    expect(outcome).toEqual({
      verdict: 'accepted',
      resource: { ...STORED_USER, [ENTERPRISE_USER]: { ...STORED_USER[ENTERPRISE_USER], manager: { value: NEW_MANAGER_ID } } },
    });
  });

  it('applies every key of a path-less replace with qualified keys', async () => {
    const outcome = await patchUser(
      patchOp({
        op: 'replace',
        value: {
          displayName: 'Babs Jensen',
          'name.givenName': 'Babs',
          'emails[type eq "work"].value': 'babs@example.com',
          [`${ENTERPRISE_USER}:department`]: 'Tour Planning',
          [`${ENTERPRISE_USER}:manager`]: NEW_MANAGER_ID,
        },
      }),
    );
    expect(outcome).toEqual({
      verdict: 'accepted',
      resource: {
        ...STORED_USER,
        displayName: 'Babs Jensen',
        name: { ...STORED_USER.name, givenName: 'Babs' },
        emails: [{ value: 'babs@example.com', type: 'work', primary: true }],
        [ENTERPRISE_USER]: { employeeNumber: '701984', department: 'Tour Planning', manager: { value: NEW_MANAGER_ID } },
      },
    });
  });

  it('answers a path-less filtered key that matches nothing with 400 noTarget instead of crashing', async () => {
    const body = patchOp({ op: 'replace', value: { 'phoneNumbers[type eq "fax"].value': '+1 555 0100' } });
    const raw = await submit({ resource: 'User', method: 'PATCH' }, body);
    expect(raw.verdict).toBe('crashed');
    expect(raw.error).toBeInstanceOf(TypeError);
    const normalised = await patchUser(body);
    expect(normalised.verdict).toBe('rejected');
    expect(normalised.error).toMatchObject({ status: 400, scimType: 'noTarget' });
  });

  it('creates an active user from a POST body with "True"', async () => {
    const target: QuirkTarget = { resource: 'User', method: 'POST' };
    const body = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'bjensen@example.com', active: 'True' };
    expect(await submit(target, normalizeRequestBody(body, target))).toEqual({
      verdict: 'accepted',
      resource: { schemas: body.schemas, id: CREATED_ID, userName: 'bjensen@example.com', active: true, meta: { resourceType: 'User' } },
    });
  });
});

describe('normalizeRequestBody: odd input', () => {
  const targets: QuirkTarget[] = (['User', 'Group'] as const).flatMap((resource) =>
    (['POST', 'PUT', 'PATCH'] as const).map((method) => ({ resource, method })),
  );
  const oddBodies: unknown[] = [
    undefined,
    null,
    0,
    42.5,
    true,
    '',
    '{"Operations":[]}',
    [],
    [{ op: 'Replace', path: 'active', value: 'False' }],
    {},
    { Operations: null },
    { Operations: 'replace' },
    { Operations: [null, 1, 'x', [], { op: null }, { op: 'replace', value: null }, { op: 'add', value: [] }, { op: 'Replace', path: 7, value: 'False' }] },
    { active: null, [ENTERPRISE_USER]: 'not an object', [`${ENTERPRISE_USER}:manager`]: 12 },
    Object.create(null),
  ];

  it.each(targets.map((target) => [`${target.resource} ${target.method}`, target] as const))(
    'passes every odd body through unchanged for %s',
    (_label, target) => {
      for (const body of oddBodies) {
        expect(normalizeRequestBody(deepFreeze(body), target)).toBe(body);
      }
    },
  );
});

type RecordedRequest = { method: QuirkTarget['method']; path: string; headers: { 'content-type': string }; body: unknown };

const FIXTURES_DIR = path.join(__dirname, '..', '..', 'test', 'fixtures');
const RECORDED = [
  'entra/create-group.json',
  'entra/create-user-enterprise.json',
  'entra/group-add-members.json',
  'entra/group-remove-member-legacy.json',
  'entra/group-remove-member.json',
  'entra/group-rename-patch.json',
  'entra/patch-active-false-string.json',
  'entra/patch-addresses-work-street.json',
  'entra/patch-emails-work-value.json',
  'entra/patch-manager-bare-string.json',
  'entra/patch-manager-object.json',
  'entra/patch-pathless-dotted.json',
  'okta/create-group-with-members.json',
  'okta/create-user.json',
  'okta/deactivate-user-patch.json',
  'okta/deactivate-user-put.json',
  'okta/group-members-add-remove.json',
  'okta/group-members-replace-empty.json',
  'okta/group-members-replace.json',
  'okta/group-rename-patch.json',
  'okta/reactivate-user-patch.json',
];

function readRecorded(file: string): RecordedRequest {
  const text = fs.readFileSync(path.join(FIXTURES_DIR, file), 'utf8').replace(/\{\{(\w+)\}\}/g, (placeholder, name: string) => {
    const value = PLACEHOLDERS[name];
    if (value === undefined) throw new Error(`${file}: unknown placeholder ${placeholder}`);
    return value;
  });
  const request: unknown = JSON.parse(text);
  expect(request).toEqual({
    method: expect.stringMatching(/^(POST|PUT|PATCH)$/),
    path: expect.stringMatching(/^\/(Users|Groups)(\/[^/?]+)?(\?aadOptscim062020)?$/),
    headers: { 'content-type': expect.stringMatching(/^application\/scim\+json(; charset=utf-8)?$/) },
    body: expect.any(Object),
  });
  return request as RecordedRequest;
}

function targetOf(request: RecordedRequest): QuirkTarget {
  return { resource: request.path.startsWith('/Users') ? 'User' : 'Group', method: request.method };
}

describe('recorded IdP requests', () => {
  it('are exactly the recorded set', () => {
    const onDisk = ['entra', 'okta'].flatMap((idp) => fs.readdirSync(path.join(FIXTURES_DIR, idp)).map((name) => `${idp}/${name}`));
    expect(onDisk.sort()).toEqual(RECORDED);
  });

  it.each(RECORDED)('%s is accepted by scimmy once normalised', async (file) => {
    const request = readRecorded(file);
    const target = targetOf(request);
    const outcome = await submit(target, normalizeRequestBody(request.body, target));
    expect(outcome.error).toBeUndefined();
    expect(outcome.verdict).toBe('accepted');
  });

  /** What the main recorded requests do to the stored resources. */
  const effects: Array<[string, unknown]> = [
    ['entra/patch-active-false-string.json', { ...STORED_USER, active: false }],
    ['okta/deactivate-user-patch.json', { ...STORED_USER, active: false }],
    ['entra/patch-manager-bare-string.json', { ...STORED_USER, [ENTERPRISE_USER]: { ...STORED_USER[ENTERPRISE_USER], manager: { value: NEW_MANAGER_ID } } }],
    ['entra/group-remove-member.json', { ...STORED_GROUP, members: [{ value: USER_ID }] }],
    ['entra/group-remove-member-legacy.json', { ...STORED_GROUP, members: [{ value: USER_ID }] }],
    ['okta/group-members-add-remove.json', { ...STORED_GROUP, members: [{ value: USER_ID }, { value: NEW_MEMBER_ID, display: 'jane.doe@example.com' }] }],
    ['okta/group-members-replace-empty.json', { ...STORED_GROUP, members: [] }],
    ['okta/group-rename-patch.json', { ...STORED_GROUP, displayName: 'Tour Guides EMEA' }],
  ];

  it.each(effects)('%s has the intended effect', async (file, resource) => {
    const request = readRecorded(file);
    const target = targetOf(request);
    expect(await submit(target, normalizeRequestBody(request.body, target))).toEqual({ verdict: 'accepted', resource });
  });
});
