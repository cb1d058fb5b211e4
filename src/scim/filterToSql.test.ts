import { randomUUID } from 'node:crypto';
import SCIMMY from 'scimmy';
import { DataSource } from 'typeorm';
import { makeDirectory } from '../../test/support/factories';
import { createTestApp, TestApp } from '../../test/support/testApp';
import { ResourceType } from './filterAttributes';
import { filterToSql } from './filterToSql';
import fixtures from './filterToSql.fixtures.json';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const ids: Record<string, string> = {};
for (const key of ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'gina', 'hank', 'engineering', 'managers', 'empty'])
  ids[key] = randomUUID();

type UserSeed = {
  userName: string;
  externalId?: string;
  active: boolean;
  displayName?: string;
  created: string;
  updated: string;
  resource: Record<string, unknown>;
};

// Eight users chosen so that each fixture row separates a correct translation from a plausible wrong one.
const users: Record<string, UserSeed> = {
  alice: {
    userName: 'Alice@Example.com', externalId: 'ext-Alice', active: true, displayName: 'Alice Anders',
    created: '2024-01-01T00:00:00Z', updated: '2024-01-15T00:00:00Z',
    resource: {
      name: { givenName: 'Alice', familyName: 'Anders', formatted: 'Alice Anders', middleName: 'M' },
      title: 'Engineer', userType: 'Employee', nickName: 'Al', locale: 'en-US', preferredLanguage: 'en', timezone: 'Europe/Paris',
      emails: [{ value: 'alice@example.com', type: 'work', primary: true }, { value: 'alice@home.org', type: 'home' }],
      [ENTERPRISE]: {
        employeeNumber: '1001', costCenter: 'CC-1', organization: 'Acme', division: 'R&D', department: 'Platform',
        manager: { value: ids.bob },
      },
    },
  },
  bob: {
    userName: 'bob@example.com', externalId: 'EXT-bob', active: true, displayName: 'Bob Brown',
    created: '2024-02-01T00:00:00Z', updated: '2024-03-01T00:00:00Z',
    resource: {
      name: { givenName: 'Bob', familyName: 'Brown' }, title: 'Manager', userType: 'Employee',
      emails: [{ value: 'bob@example.com', type: 'work', primary: true }],
      [ENTERPRISE]: { employeeNumber: '1002', department: 'Platform', organization: 'Acme' },
    },
  },
  carol: {
    userName: 'carol@example.org', active: false, displayName: 'Carol Chen',
    created: '2024-03-01T00:00:00Z', updated: '2024-06-01T12:00:00Z',
    resource: {
      name: { givenName: 'carol' }, title: 'engineer', userType: 'Contractor',
      // Entra ID style string booleans.
      emails: [
        { value: 'carol@example.org', type: 'home', primary: 'False' },
        { value: 'carol@work.example.com', type: 'work', primary: 'True' },
      ],
      [ENTERPRISE]: { employeeNumber: '1003', department: 'Sales' },
    },
  },
  dave: {
    userName: 'dave_100%@example.com', active: true, created: '2024-04-01T00:00:00Z', updated: '2024-06-01T12:00:01Z',
    resource: { title: 'Engineer', emails: [{ value: 'dave_100%@example.com', type: 'work' }] },
  },
  erin: { userName: 'erin.x100yz@example.com', active: true, created: '2024-05-01T00:00:00Z', updated: '2025-01-01T00:00:00Z', resource: {} },
  frank: {
    userName: 'frank\\ops@example.com', active: false, created: '2024-06-01T00:00:00Z', updated: '2025-02-01T00:00:00Z',
    resource: { title: '', emails: 'not-an-array' },
  },
  gina: {
    userName: 'gina.kowalski@example.com', active: true, displayName: 'Gina Kowalski',
    created: '2024-07-01T00:00:00Z', updated: '2025-03-01T00:00:00Z',
    resource: {
      emails: [{ value: 'GINA@Example.COM', type: 'Work' }],
      [ENTERPRISE]: { employeeNumber: '2001', organization: 'Globex', costCenter: 'CC-2', division: 'Ops' },
    },
  },
  hank: {
    userName: 'hank@example.net', externalId: 'ext-alice', active: true, displayName: 'hank',
    created: '2024-08-01T00:00:00Z', updated: '2025-04-01T00:00:00Z', resource: { title: 'Zookeeper', emails: [] },
  },
};

const groups: Record<string, { displayName: string; externalId?: string; created: string; updated: string; members: string[] }> = {
  engineering: { displayName: 'Engineering', externalId: 'grp-Eng', created: '2024-01-01T00:00:00Z', updated: '2024-05-01T00:00:00Z', members: ['alice', 'carol'] },
  managers: { displayName: 'Managers', externalId: 'grp-mgr', created: '2024-02-01T00:00:00Z', updated: '2024-07-01T00:00:00Z', members: ['bob'] },
  empty: { displayName: 'Empty Group', created: '2024-03-01T00:00:00Z', updated: '2024-09-01T00:00:00Z', members: [] },
};

let t: TestApp;
let db: DataSource;
let directoryId: string;

beforeAll(async () => {
  t = await createTestApp();
  db = t.dataSource;
  directoryId = (await makeDirectory(t.app)).id;
  for (const [key, u] of Object.entries(users)) {
    await db.query(
      `INSERT INTO scim_users (id, directory_id, user_name, external_id, active, display_name, resource, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [ids[key], directoryId, u.userName, u.externalId ?? null, u.active, u.displayName ?? null,
        JSON.stringify({ userName: u.userName, ...u.resource }), u.created, u.updated],
    );
  }
  for (const [key, g] of Object.entries(groups)) {
    await db.query(
      `INSERT INTO scim_groups (id, directory_id, display_name, external_id, resource, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [ids[key], directoryId, g.displayName, g.externalId ?? null, JSON.stringify({ displayName: g.displayName }), g.created, g.updated],
    );
    for (const member of g.members)
      await db.query(`INSERT INTO scim_group_members (directory_id, group_id, user_id) VALUES ($1, $2, $3)`, [directoryId, ids[key], ids[member]]);
  }
});

afterAll(() => t.close());

// Fixtures name rows by key; {{id:bob}} is bob's id, {{ID:bob}} the same id upper-cased.
const withIds = (filter: string) =>
  filter.replace(/\{\{(id|ID):(\w+)\}\}/g, (_, form: string, key: string) => (form === 'ID' ? ids[key].toUpperCase() : ids[key]));

// Only the text: filterToSql parses it itself (scimmy's parser refuses nested parentheses and `\"`).
const parse = (filter: string) => ({ expression: withIds(filter) });

async function matching(resourceType: ResourceType, filter: string): Promise<string[]> {
  const [table, alias] = resourceType === 'User' ? ['scim_users', 'u'] : ['scim_groups', 'g'];
  const where = filterToSql(parse(filter), resourceType, { alias, paramOffset: 1 });
  const rows: { id: string }[] = await db.query(
    `SELECT id FROM ${table} ${alias} WHERE ${alias}.directory_id = $1 AND (${where.sql})`,
    [directoryId, ...where.params],
  );
  const keyOf = new Map(Object.entries(ids).map(([k, id]) => [id, k]));
  return rows.map((r) => keyOf.get(r.id)!).sort();
}

describe('filterToSql on scim_users', () => {
  test.each(fixtures.users)('$filter', async ({ filter, expected }) => {
    expect(await matching('User', filter)).toEqual([...expected].sort());
  });
});

describe('filterToSql on scim_groups', () => {
  test.each(fixtures.groups)('$filter', async ({ filter, expected }) => {
    expect(await matching('Group', filter)).toEqual([...expected].sort());
  });
});

describe('filterToSql rejects what it cannot translate', () => {
  test.each(fixtures.errors)('$resourceType: $filter', ({ resourceType, filter, detail }) => {
    // Each is refused by our parser or translator with the detail given.
    const parsed = parse(filter);
    let thrown: unknown;
    try {
      filterToSql(parsed, resourceType as ResourceType, { alias: 'u', paramOffset: 0 });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(SCIMMY.Types.Error);
    const e = thrown as InstanceType<typeof SCIMMY.Types.Error>;
    expect({ status: e.status, scimType: e.scimType, message: e.message }).toEqual({ status: 400, scimType: 'invalidFilter', message: detail });
  });

  const rejects = (filter: string, detail: string) => {
    const e = (() => {
      try {
        filterToSql(parse(filter), 'User', { alias: 'u', paramOffset: 0 });
      } catch (err) {
        return err as InstanceType<typeof SCIMMY.Types.Error>;
      }
    })();
    expect(e && { status: e.status, scimType: e.scimType, message: e.message }).toEqual({ status: 400, scimType: 'invalidFilter', message: detail });
  };

  test('too deeply nested', () => rejects(`${'not '.repeat(40)}userName pr`, 'Filter nests deeper than 32 levels'));

  test('too many comparisons', () =>
    rejects(Array.from({ length: 201 }, () => 'title pr').join(' or '), 'Filter has more than 200 comparisons'));
});

describe('filterToSql output', () => {
  test('numbers parameters after paramOffset, uses the alias, and binds every value', () => {
    expect(filterToSql(parse('USERNAME eq "x\' --" and title co "50%"'), 'User', { alias: 'r', paramOffset: 3 })).toEqual({
      sql: `((lower(r.user_name) = lower($4)) AND (lower((r.resource ->> 'title')) LIKE lower($5) ESCAPE E'\\\\'))`,
      params: ["x' --", '%50\\%%'],
    });
  });

  test('Group displayName eq is the indexed expression', () => {
    expect(filterToSql(parse('displayName eq "Eng"'), 'Group', { alias: 'g', paramOffset: 1 })).toEqual({
      sql: '(lower(g.display_name) = lower($2))',
      params: ['Eng'],
    });
  });

  test('refuses an alias that is not a plain identifier', () => {
    expect(() => filterToSql(parse('userName pr'), 'User', { alias: 'u; drop', paramOffset: 0 })).toThrow(
      new TypeError("filterToSql: invalid alias 'u; drop'"),
    );
  });

  async function indexesUsed(table: string, alias: string, resourceType: ResourceType, filter: string): Promise<string[]> {
    const where = filterToSql(parse(filter), resourceType, { alias, paramOffset: 1 });
    return db.transaction(async (m) => {
      // The table is small; without this the planner would rightly prefer a sequential scan.
      await m.query('SET LOCAL enable_seqscan = off');
      const [row]: { 'QUERY PLAN': unknown }[] = await m.query(
        `EXPLAIN (FORMAT JSON) SELECT id FROM ${table} ${alias} WHERE ${alias}.directory_id = $1 AND (${where.sql})`,
        [directoryId, ...where.params],
      );
      return [...JSON.stringify(row['QUERY PLAN']).matchAll(/"Index Name":"(\w+)"/g)].map((x) => x[1]);
    });
  }

  test('userName eq uses scim_users_user_name_key', async () => {
    expect(await indexesUsed('scim_users', 'u', 'User', 'userName eq "Bob@Example.com"')).toEqual(['scim_users_user_name_key']);
  });

  test('Group displayName eq uses scim_groups_display_name_idx', async () => {
    expect(await indexesUsed('scim_groups', 'g', 'Group', 'displayName eq "engineering"')).toEqual(['scim_groups_display_name_idx']);
  });
});
