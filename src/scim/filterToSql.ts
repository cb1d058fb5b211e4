import SCIMMY from 'scimmy';
import { MultiValuedAttribute, ResourceType, ScalarAttribute, resolveAttribute } from './filterAttributes';
import { FilterNode as Node, parseFilter } from './filterParser';

/**
 * SCIM filters (RFC 7644 §3.4.2.2) as a parameterised SQL condition over scim_users or
 * scim_groups. Every value is a bound parameter; identifiers come only from the allow-list
 * in filterAttributes.ts. Anything we cannot translate is a 400 invalidFilter: there is no
 * in-memory fallback.
 *
 * We parse the filter's text ourselves (filterParser.ts) rather than use scimmy's object form,
 * because that form cannot carry the meaning of every filter: `not (a or b)` becomes
 * `not a or not b`, `x pr and not (emails[...])` loses its `not`, `emails[type eq "a"] and
 * emails[type eq "b"]` demands one element with both types, `active eq True` becomes false,
 * and string escapes are not decoded; and scimmy's parser refuses valid filters.
 */

/** A condition to put after WHERE (inside parentheses), and its parameters in order. */
export type FilterSql = { sql: string; params: unknown[] };

/** Where the condition goes in the caller's query: `SELECT ... FROM scim_users <alias> WHERE ... AND (<sql>)`. */
export type FilterSqlOptions = {
  /** Alias of the scim_users / scim_groups row in the caller's query. */
  alias: string;
  /** Parameters the caller already binds; the first placeholder emitted is $(paramOffset + 1). */
  paramOffset: number;
};

const ORDERING = new Set<string>(['gt', 'ge', 'lt', 'le']);
const SQL_ORDERING: Record<string, string> = { gt: '>', ge: '>=', lt: '<', le: '<=' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
// xsd:dateTime as RFC 7643 §2.3.5 requires; a missing offset is read as UTC.
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.\d{1,6})?)?(Z|[+-](?:[01]\d|2[0-3]):?[0-5]\d)?)?$/;

const invalid = (detail: string) => new SCIMMY.Types.Error(400, 'invalidFilter', detail);

/**
 * Translates a SCIM filter (scimmy's Filter or just its text) into a SQL condition over the row aliased `opts.alias`
 * of a User or Group table; throws SCIMMY.Types.Error(400, 'invalidFilter') when it cannot.
 */
export function filterToSql(filter: { expression: string }, resourceType: ResourceType, opts: FilterSqlOptions): FilterSql {
  if (!IDENTIFIER.test(opts.alias)) throw new TypeError(`filterToSql: invalid alias '${opts.alias}'`);
  const ast = parseFilter(filter.expression);
  const params: unknown[] = [];
  let elements = 0;
  const bind = (value: unknown) => `$${opts.paramOffset + params.push(value)}`;

  function node(n: Node, scope?: MultiValuedAttribute, element?: string): string {
    switch (n.kind) {
      case 'and':
      case 'or':
        return `(${node(n.left, scope, element)} ${n.kind.toUpperCase()} ${node(n.right, scope, element)})`;
      case 'not':
        // Comparisons on absent values are NULL; NOT must turn them into matches (RFC 7644 §3.4.2.2 "not" is the complement).
        return `(${node(n.expr, scope, element)} IS NOT TRUE)`;
      case 'valuePath': {
        if (scope) throw invalid(`Value filters cannot be nested: '${n.path}[...]' inside '${scope.name}[...]'`);
        const multi = resolveAttribute(resourceType, n.path);
        if (multi?.kind !== 'multi') throw invalid(`'${n.path}' is not a filterable multi-valued attribute, so '${n.path}[...]' is not supported`);
        return exists(multi, (e) => node(n.filter, multi, e));
      }
      case 'compare': {
        if (scope) {
          const sub = scope.subAttributes[n.path.toLowerCase()];
          if (!sub) throw invalid(`Filtering on '${scope.name}.${n.path}' is not supported`);
          return compare(sub, element!, n);
        }
        const attr = resolveAttribute(resourceType, n.path);
        if (!attr) throw invalid(`Filtering on '${n.path}' is not supported`);
        if (attr.kind === 'scalar') return compare(attr, opts.alias, n);
        const [multi, sub] = attr.kind === 'multi' ? [attr, attr.subAttributes[attr.defaultSubAttribute]] : [attr.multi, attr.sub];
        return exists(multi, (e) => compare(sub, e, n));
      }
    }
  }

  function exists(multi: MultiValuedAttribute, condition: (element: string) => string): string {
    const e = `${opts.alias}_e${++elements}`;
    const { from, where } = multi.elements(opts.alias, e);
    return `EXISTS (SELECT 1 FROM ${from} WHERE ${where ? `${where} AND ` : ''}${condition(e)})`;
  }

  function compare(attr: ScalarAttribute, alias: string, n: Extract<Node, { kind: 'compare' }>): string {
    const expr = attr.sql(alias);
    if (n.op === 'pr') {
      // RFC 7644 §3.4.2.2: present means non-empty and non-null.
      return attr.type === 'string' && !attr.uuid ? `(${expr} IS NOT NULL AND ${expr} <> '')` : `(${expr} IS NOT NULL)`;
    }
    if (n.value === undefined) throw invalid(`Missing comparison value for '${n.op}' on '${n.path}'`);
    if (n.value === null) throw invalid(`Comparing '${n.path}' with null is not supported; use 'pr' or 'not (${n.path} pr)'`);
    const positive = n.op === 'ne' ? { ...n, op: 'eq' as const } : n;
    const sql =
      attr.type === 'boolean' ? booleanCompare(attr, expr, positive) :
      attr.type === 'dateTime' ? dateCompare(attr, expr, positive) :
      stringCompare(attr, expr, positive);
    // ne is the complement of eq, so an absent value is "not equal" (as scimmy's own matcher has it).
    return n.op === 'ne' ? `(${sql} IS NOT TRUE)` : sql;
  }

  function booleanCompare(attr: ScalarAttribute, expr: string, n: Extract<Node, { kind: 'compare' }>): string {
    if (n.op !== 'eq') throw invalid(`Operator '${n.op}' cannot be applied to boolean attribute '${attr.name}'`);
    // Entra ID sends "True"/"False" as strings.
    const v = typeof n.value === 'string' ? n.value.toLowerCase() : n.value;
    if (v !== true && v !== false && v !== 'true' && v !== 'false')
      throw invalid(`'${attr.name}' compares booleans (true or false), got ${JSON.stringify(n.value)}`);
    return `(${expr} = ${bind(v === true || v === 'true')})`;
  }

  function dateCompare(attr: ScalarAttribute, expr: string, n: Extract<Node, { kind: 'compare' }>): string {
    if (n.op !== 'eq' && !ORDERING.has(n.op)) throw invalid(`Operator '${n.op}' cannot be applied to dateTime attribute '${attr.name}'`);
    const value = typeof n.value === 'string' ? dateTimeParam(n.value) : undefined;
    if (!value) throw invalid(`'${attr.name}' compares dateTime values (RFC 3339, e.g. "2024-01-31T12:00:00Z"), got ${JSON.stringify(n.value)}`);
    return `(${expr} ${n.op === 'eq' ? '=' : SQL_ORDERING[n.op]} ${bind(value)}::timestamptz)`;
  }

  function stringCompare(attr: ScalarAttribute, expr: string, n: Extract<Node, { kind: 'compare' }>): string {
    if (typeof n.value !== 'string') throw invalid(`'${attr.name}' compares strings; quote the value (got ${JSON.stringify(n.value)})`);
    // Keep eq on uuid columns indexable; ids are always stored canonical, lower-case.
    if (attr.uuid && n.op === 'eq' && UUID.test(n.value)) return `(${expr} = ${bind(n.value)}::uuid)`;
    const column = attr.uuid ? `${expr}::text` : expr;
    // RFC 7643 §2.1 caseExact false: lower() both sides; for userName and displayName this is the indexed expression.
    const lhs = attr.caseExact ? column : `lower(${column})`;
    const rhs = (param: string) => (attr.caseExact ? param : `lower(${param})`);
    switch (n.op) {
      case 'eq':
        return `(${lhs} = ${rhs(bind(n.value))})`;
      case 'co':
      case 'sw':
      case 'ew': {
        const escaped = n.value.replace(/[\\%_]/g, (c) => `\\${c}`);
        const pattern = `${n.op === 'sw' ? '' : '%'}${escaped}${n.op === 'ew' ? '' : '%'}`;
        return `(${lhs} LIKE ${rhs(bind(pattern))} ESCAPE E'\\\\')`;
      }
      default:
        // RFC 7644 §3.4.2.2: strings order lexicographically; the C collation makes that code-point order, whatever the database locale.
        return `(${lhs} COLLATE "C" ${SQL_ORDERING[n.op]} ${rhs(bind(n.value))})`;
    }
  }

  return { sql: node(ast), params };
}

/** A validated dateTime literal as PostgreSQL should read it (UTC when no offset is given), or undefined. */
function dateTimeParam(value: string): string | undefined {
  const m = DATE_TIME.exec(value);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || year < 1) return undefined;
  return m[4] !== undefined && m[7] === undefined ? `${value}Z` : m[4] === undefined ? `${value}T00:00:00Z` : value;
}
