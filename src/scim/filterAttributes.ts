/**
 * The attributes a SCIM filter may name (RFC 7644 §3.4.2.2), and where each one lives in
 * our tables. Anything not listed here is rejected with invalidFilter: we never filter in
 * memory, and SQL identifiers come only from this file, never from the filter text.
 *
 * Case sensitivity of values follows RFC 7643 §8.7.1/§8.7.2 (`caseExact`): id and
 * externalId are case-exact; everything else here, including enterprise manager.value, is not.
 */

export type ResourceType = 'User' | 'Group';

/** How values of an attribute compare (RFC 7643 §2.3 data types we filter on). */
export type ValueType = 'string' | 'boolean' | 'dateTime';

/** A single value: a column or JSON member of the row, or a member of one element of a multi-valued attribute. */
export type ScalarAttribute = {
  kind: 'scalar';
  /** Canonical path, used in error details. */
  name: string;
  type: ValueType;
  caseExact: boolean;
  /** SQL expression of the value; `alias` is the row (or element) alias. Boolean expressions are SQL booleans. */
  sql: (alias: string) => string;
  /** A uuid column: `eq`/`ne` with a canonical uuid compare as uuid so its index serves them; other operators use its text. */
  uuid?: boolean;
};

/** A multi-valued attribute: a comparison matches when some element matches (RFC 7644 §3.4.2.2). */
export type MultiValuedAttribute = {
  kind: 'multi';
  name: string;
  /** FROM item and correlation condition enumerating the elements of row `alias` as `element`. */
  elements: (alias: string, element: string) => { from: string; where?: string };
  /** Sub-attributes by lower-cased name. */
  subAttributes: Record<string, ScalarAttribute>;
  /** The sub-attribute a bare reference means (`emails co "x"` is `emails.value co "x"`, RFC 7644 §3.4.2.2). */
  defaultSubAttribute: string;
};

/** What a filter path resolves to. */
export type ResolvedAttribute = ScalarAttribute | { kind: 'element'; multi: MultiValuedAttribute; sub: ScalarAttribute };

// Only ever called with the constant keys below; quoting is belt and braces.
const literal = (key: string) => `'${key.replace(/'/g, "''")}'`;

/** `alias.resource -> 'a' ->> 'b'`: the text of a JSON member, NULL when absent or JSON null. */
const jsonText =
  (...keys: string[]) =>
  (alias: string) =>
    `(${alias}.resource${keys.map((k, i) => `${i === keys.length - 1 ? ' ->> ' : ' -> '}${literal(k)}`).join('')})`;

const column = (name: string) => (alias: string) => `${alias}.${name}`;

const text = (name: string, sql: (alias: string) => string, caseExact = false): ScalarAttribute => ({
  kind: 'scalar',
  name,
  type: 'string',
  caseExact,
  sql,
});

const dateTime = (name: string, col: string): ScalarAttribute => ({
  kind: 'scalar',
  name,
  type: 'dateTime',
  caseExact: true,
  sql: column(col),
});

const id: ScalarAttribute = { kind: 'scalar', name: 'id', type: 'string', caseExact: true, sql: column('id'), uuid: true };

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

// JSON arrays only: a malformed stored value yields no elements rather than a query error.
const jsonArray = (key: string) => (alias: string, element: string) => ({
  from: `jsonb_array_elements(CASE WHEN jsonb_typeof(${alias}.resource -> ${literal(key)}) = 'array' THEN ${alias}.resource -> ${literal(key)} END) AS ${element}(v)`,
});

// Entra ID sends booleans as "True"/"False" strings; stored values are read either way.
const jsonBoolean = (key: string) => (element: string) =>
  `(CASE lower(${element}.v ->> ${literal(key)}) WHEN 'true' THEN true WHEN 'false' THEN false END)`;

const emails: MultiValuedAttribute = {
  kind: 'multi',
  name: 'emails',
  elements: jsonArray('emails'),
  subAttributes: {
    value: text('emails.value', (e) => `(${e}.v ->> 'value')`),
    type: text('emails.type', (e) => `(${e}.v ->> 'type')`),
    primary: { kind: 'scalar', name: 'emails.primary', type: 'boolean', caseExact: true, sql: jsonBoolean('primary') },
  },
  defaultSubAttribute: 'value',
};

// RFC 7643 §4.2: members[].value is the member's id; memberships live in their own table.
const members: MultiValuedAttribute = {
  kind: 'multi',
  name: 'members',
  elements: (alias, element) => ({
    from: `scim_group_members ${element}`,
    where: `${element}.directory_id = ${alias}.directory_id AND ${element}.group_id = ${alias}.id`,
  }),
  subAttributes: {
    value: { kind: 'scalar', name: 'members.value', type: 'string', caseExact: true, sql: column('user_id'), uuid: true },
  },
  defaultSubAttribute: 'value',
};

type Entry = ScalarAttribute | MultiValuedAttribute;

const userAttributes: Entry[] = [
  id,
  text('userName', column('user_name')),
  text('externalId', column('external_id'), true),
  text('displayName', column('display_name')),
  { kind: 'scalar', name: 'active', type: 'boolean', caseExact: true, sql: column('active') },
  ...['givenName', 'familyName', 'formatted', 'middleName'].map((k) => text(`name.${k}`, jsonText('name', k))),
  ...['title', 'userType', 'nickName', 'locale', 'preferredLanguage', 'timezone'].map((k) => text(k, jsonText(k))),
  emails,
  dateTime('meta.created', 'created_at'),
  dateTime('meta.lastModified', 'updated_at'),
  ...['employeeNumber', 'costCenter', 'organization', 'division', 'department'].map((k) =>
    text(`${ENTERPRISE}:${k}`, jsonText(ENTERPRISE, k)),
  ),
  text(`${ENTERPRISE}:manager.value`, jsonText(ENTERPRISE, 'manager', 'value')),
];

const groupAttributes: Entry[] = [
  id,
  text('displayName', column('display_name')),
  text('externalId', column('external_id'), true),
  members,
  dateTime('meta.created', 'created_at'),
  dateTime('meta.lastModified', 'updated_at'),
];

const byLowerName = (entries: Entry[]) => new Map(entries.map((e) => [e.name.toLowerCase(), e]));
const attributes: Record<ResourceType, Map<string, Entry>> = {
  User: byLowerName(userAttributes),
  Group: byLowerName(groupAttributes),
};

// RFC 7644 §3.10: core attributes may be written with their schema URN in front.
const corePrefix: Record<ResourceType, string> = {
  User: 'urn:ietf:params:scim:schemas:core:2.0:user:',
  Group: 'urn:ietf:params:scim:schemas:core:2.0:group:',
};

/**
 * Resolves a filter attribute path (matched case-insensitively, RFC 7643 §2.1) of a
 * resource type to where it is stored, or undefined when it is not filterable.
 */
export function resolveAttribute(resourceType: ResourceType, path: string): ResolvedAttribute | MultiValuedAttribute | undefined {
  let key = path.toLowerCase();
  if (key.startsWith(corePrefix[resourceType])) key = key.slice(corePrefix[resourceType].length);
  const table = attributes[resourceType];
  const direct = table.get(key);
  if (direct) return direct;
  // A sub-attribute of a multi-valued attribute, e.g. emails.type.
  const dot = key.lastIndexOf('.');
  const parent = dot > 0 ? table.get(key.slice(0, dot)) : undefined;
  if (parent?.kind !== 'multi') return undefined;
  const sub = parent.subAttributes[key.slice(dot + 1)];
  return sub ? { kind: 'element', multi: parent, sub } : undefined;
}
