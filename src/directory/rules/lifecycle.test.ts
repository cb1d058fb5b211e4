import { previousAttributes } from './changes';
import { deriveState, parseActive } from './deriveState';
import { directoryUserFields } from './directoryUserFields';
import { eraseProfile } from './eraseProfile';
import { decide } from './inactivePolicy';
import { readScimPath } from './scimPath';
import { STATUS_PRESETS } from './statusMapping';

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

describe('parseActive', () => {
  test.each([
    [true, true],
    [false, false],
    ['True', true],
    ['FALSE', false],
    [' false ', false],
    ['yes', undefined],
    [1, undefined],
    [undefined, undefined],
    [null, undefined],
  ])('%p → %p', (input, expected) => {
    expect(parseActive(input)).toBe(expected);
  });
});

describe('deriveState', () => {
  const hr = STATUS_PRESETS.generic;
  test('absent active on create means active', () => {
    expect(deriveState({ userName: 'a' }, [])).toEqual({
      state: 'active',
      reasons: ['no state signal; created active'],
      unknown: [],
      conflict: false,
    });
  });
  test('no signal keeps the current state', () => {
    expect(deriveState({ userName: 'a' }, [], 'inactive').state).toBe('inactive');
  });
  test('active "False" (Entra) is inactive', () => {
    expect(deriveState({ active: 'False' }, []).state).toBe('inactive');
  });
  test('an HR status of Terminated wins over active=true, and says so', () => {
    const v = deriveState({ active: true, [ENT]: { employeeStatus: 'Terminated' } }, hr, 'active');
    expect(v).toEqual({
      state: 'inactive',
      reasons: ['active=true', `${ENT}:employeeStatus "Terminated" → inactive`],
      unknown: [],
      conflict: true,
    });
  });
  test('an unknown status value keeps the current state and is reported', () => {
    const v = deriveState({ active: true, [ENT]: { employeeStatus: 'Sabbatical-ish' } }, hr, 'inactive');
    expect(v.state).toBe('inactive');
    expect(v.unknown).toEqual([{ attribute: `${ENT}:employeeStatus`, value: 'Sabbatical-ish' }]);
  });
  test('an unknown status on create falls back to active', () => {
    expect(deriveState({ [ENT]: { employeeStatus: '??' } }, hr).state).toBe('active');
  });
  test('Okta PROVISIONED and STAGED are active; SUSPENDED inactive (case-insensitive)', () => {
    const okta = STATUS_PRESETS.okta;
    const attr = okta[0].attribute;
    const [urn, name] = [attr.slice(0, attr.lastIndexOf(':')), attr.slice(attr.lastIndexOf(':') + 1)];
    expect(deriveState({ [urn]: { [name]: 'PROVISIONED' } }, okta).state).toBe('active');
    expect(deriveState({ [urn]: { [name]: 'staged' } }, okta).state).toBe('active');
    expect(deriveState({ [urn]: { [name]: 'Suspended' } }, okta, 'active').state).toBe('inactive');
  });
  test('JumpCloud treats every value other than active/staged as inactive', () => {
    const jc = STATUS_PRESETS.jumpcloud;
    const attr = jc[0].attribute;
    const [urn, name] = [attr.slice(0, attr.lastIndexOf(':')), attr.slice(attr.lastIndexOf(':') + 1)];
    expect(deriveState({ [urn]: { [name]: 'pending_deletion' } }, jc, 'active').state).toBe('inactive');
  });
});

describe('decide (the inactive-policy table)', () => {
  test.each([
    ['secure', false, 'active', { action: 'create', state: 'active', erase: false }],
    ['secure', false, 'inactive', { action: 'none', erase: true }],
    ['secure', true, 'active', { action: 'update', state: 'active', erase: false }],
    ['secure', true, 'inactive', { action: 'delete', erase: true }],
    ['secure', true, 'deprovisioned', { action: 'delete', erase: true }],
    ['secure', false, 'deprovisioned', { action: 'none', erase: false }],
    ['retain', false, 'active', { action: 'create', state: 'active', erase: false }],
    ['retain', false, 'inactive', { action: 'create', state: 'inactive', erase: false }],
    ['retain', true, 'active', { action: 'update', state: 'active', erase: false }],
    ['retain', true, 'inactive', { action: 'update', state: 'inactive', erase: false }],
    ['retain', true, 'deprovisioned', { action: 'delete', erase: false }],
    ['retain', false, 'deprovisioned', { action: 'none', erase: false }],
  ] as const)('%s, has user %s, %s', (policy, has, target, expected) => {
    expect(decide(policy, has, target)).toEqual(expected);
  });
});

describe('previousAttributes', () => {
  test('lists only changed fields with old values; nested objects key by key', () => {
    expect(
      previousAttributes(
        { state: 'active', first_name: 'A', raw_attributes: { title: 'x', locale: 'en' } },
        { state: 'inactive', first_name: 'A', raw_attributes: { locale: 'en', title: 'y' } },
      ),
    ).toEqual({ state: 'active', raw_attributes: { title: 'x' } });
  });
  test('no visible change gives undefined, whatever the key order', () => {
    expect(previousAttributes({ a: { x: 1, y: 2 } }, { a: { y: 2, x: 1 } })).toBeUndefined();
  });
  test('a field that appears reports null as its old value', () => {
    expect(previousAttributes({}, { job_title: 'CEO' })).toEqual({ job_title: null });
  });
});

describe('projection and erasure', () => {
  const resource = {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENT, 'urn:acme:1.0'],
    userName: 'a@x.test',
    externalId: 'e1',
    name: { givenName: 'Ada', familyName: 'Lovelace' },
    title: 'Countess',
    emails: [{ value: 'a@x.test', type: 'work', primary: true }, { value: 'bad' }, { type: 'home' }],
    [ENT]: { department: 'Math', manager: { value: 'm-1' } },
    'urn:acme:1.0': { badge: 7 },
    active: true,
  };
  test('directoryUserFields flattens the enterprise and custom extensions', () => {
    expect(directoryUserFields(resource)).toEqual({
      external_id: 'e1',
      username: 'a@x.test',
      emails: [
        { value: 'a@x.test', type: 'work', primary: true },
        { value: 'bad', type: null, primary: false },
      ],
      first_name: 'Ada',
      last_name: 'Lovelace',
      job_title: 'Countess',
      custom_attributes: { department: 'Math', manager_id: 'm-1', badge: 7 },
      raw_attributes: resource,
    });
  });
  test('eraseProfile keeps only identifiers and active=false', () => {
    expect(eraseProfile(resource)).toEqual({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'a@x.test',
      externalId: 'e1',
      active: false,
    });
  });
  test('eraseProfile keeps the IdP\'s own `active` and the status attributes the rules read', () => {
    const withStatus = { ...resource, [ENT]: { ...resource[ENT], employeeStatus: 'Terminated' }, employeeStatus: 'x' };
    expect(eraseProfile(withStatus, { active: true, keep: [`${ENT.toUpperCase()}:EMPLOYEESTATUS`, 'employeeStatus', 'name.givenName', 'nope'] })).toEqual({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENT],
      userName: 'a@x.test',
      externalId: 'e1',
      active: true,
      [ENT]: { employeeStatus: 'Terminated' },
      employeeStatus: 'x',
    });
    expect(eraseProfile(resource, { active: null })).toEqual({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'a@x.test', externalId: 'e1' });
  });
  test('readScimPath is case-insensitive and handles URN paths and multi-valued primaries', () => {
    expect(readScimPath(resource, 'NAME.GIVENNAME')).toBe('Ada');
    expect(readScimPath(resource, `${ENT}:department`)).toBe('Math');
    expect(readScimPath(resource, 'emails.value')).toBe('a@x.test');
    expect(readScimPath(resource, 'urn:nope:1.0:x')).toBeUndefined();
  });
});
