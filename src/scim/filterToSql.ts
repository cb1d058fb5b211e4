import SCIMMY from 'scimmy';
import { MultiValuedAttribute, ResourceType, ScalarAttribute, resolveAttribute } from './filterAttributes';

/**
 * SCIM filters (RFC 7644 §3.4.2.2) as a parameterised SQL condition over scim_users or
 * scim_groups. Every value is a bound parameter; identifiers come only from the allow-list
 * in filterAttributes.ts. Anything we cannot translate is a 400 invalidFilter: there is no
 * in-memory fallback.
 *
 * We translate the filter's `expression` (the text scimmy already accepted) with the RFC
 * grammar rather than scimmy's object form, because that form cannot carry the meaning of
 * every filter: `not (a or b)` becomes `not a or not b`, `x pr and not (emails[...])` loses
 * its `not`, `emails[type eq "a"] and emails[type eq "b"]` demands one element with both
 * types, `active eq True` becomes false, and string escapes are not decoded.
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

type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le' | 'pr';
type Value = string | number | boolean | null;
type Node =
  | { kind: 'and' | 'or'; left: Node; right: Node }
  | { kind: 'not'; expr: Node }
  | { kind: 'compare'; path: string; op: CompareOp; value?: Value }
  | { kind: 'valuePath'; path: string; filter: Node };

const OPERATORS = new Set<string>(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le', 'pr']);
const ORDERING = new Set<string>(['gt', 'ge', 'lt', 'le']);
const SQL_ORDERING: Record<string, string> = { gt: '>', ge: '>=', lt: '<', le: '<=' };
const MAX_COMPARISONS = 200;
const MAX_DEPTH = 32;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
// xsd:dateTime as RFC 7643 §2.3.5 requires; a missing offset is read as UTC.
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.\d{1,6})?)?(Z|[+-](?:[01]\d|2[0-3]):?[0-5]\d)?)?$/;

const invalid = (detail: string) => new SCIMMY.Types.Error(400, 'invalidFilter', detail);

/**
 * Translates a parsed SCIM filter into a SQL condition over the row aliased `opts.alias`
 * of a User or Group table; throws SCIMMY.Types.Error(400, 'invalidFilter') when it cannot.
 */
export function filterToSql(filter: SCIMMY.Types.Filter, resourceType: ResourceType, opts: FilterSqlOptions): FilterSql {
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

type Token = { kind: 'punct' | 'string' | 'number' | 'word'; text: string; pos: number; value?: Value };

// Words follow scimmy's lexer so that unquoted values it accepts (`userName eq bob`) reach us intact.
const TOKEN = /\s*(?:([()[\]])|("(?:[^"\\]|\\.)*")|(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)(?![-$\w.:/%])|([-$\w][-$\w.:/%]*))/y;

function tokenise(input: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < input.length) {
    const start = TOKEN.lastIndex;
    const m = TOKEN.exec(input);
    if (!m) {
      if (input.slice(start).trim() === '') break;
      throw invalid(`Unexpected '${input.slice(start).trim().slice(0, 20)}' at position ${start} in filter`);
    }
    const pos = m.index + m[0].length - (m[1] ?? m[2] ?? m[3] ?? m[4]).length;
    if (m[1]) tokens.push({ kind: 'punct', text: m[1], pos });
    else if (m[2]) tokens.push({ kind: 'string', text: m[2], pos, value: jsonString(m[2]) });
    else if (m[3]) tokens.push({ kind: 'number', text: m[3], pos, value: Number(m[3]) });
    else tokens.push({ kind: 'word', text: m[4], pos });
  }
  return tokens;
}

function jsonString(text: string): string {
  try {
    return JSON.parse(text) as string;
  } catch {
    throw invalid(`Invalid string literal ${text} in filter (RFC 7159 escapes only)`);
  }
}

/**
 * RFC 7644 §3.4.2.2 grammar, keywords case-insensitive (RFC 5234 §2.3), with precedence
 * not > and > or. Leniencies kept from scimmy: `not` without parentheses, bare-word values.
 */
function parseFilter(input: string): Node {
  const tokens = tokenise(input);
  let i = 0;
  let comparisons = 0;
  const peek = () => tokens[i];
  const isWord = (t: Token | undefined, ...words: string[]) => t?.kind === 'word' && words.includes(t.text.toLowerCase());
  const isPunct = (t: Token | undefined, p: string) => t?.kind === 'punct' && t.text === p;
  const describe = (t: Token | undefined) => (t ? `'${t.text}' at position ${t.pos}` : 'end of filter');
  const expect = (p: string, opened: Token) => {
    if (!isPunct(peek(), p)) throw invalid(`Missing '${p}' for '${opened.text}' at position ${opened.pos}, found ${describe(peek())}`);
    i++;
  };

  function or(depth: number): Node {
    let left = and(depth);
    while (isWord(peek(), 'or')) {
      i++;
      left = { kind: 'or', left, right: and(depth) };
    }
    return left;
  }

  function and(depth: number): Node {
    let left = unary(depth);
    while (isWord(peek(), 'and')) {
      i++;
      left = { kind: 'and', left, right: unary(depth) };
    }
    return left;
  }

  function unary(depth: number): Node {
    if (depth > MAX_DEPTH) throw invalid(`Filter nests deeper than ${MAX_DEPTH} levels`);
    if (isWord(peek(), 'not')) {
      i++;
      return { kind: 'not', expr: unary(depth + 1) };
    }
    const t = peek();
    if (isPunct(t, '(')) {
      i++;
      const inner = or(depth + 1);
      expect(')', t);
      return inner;
    }
    if (t?.kind !== 'word' || isWord(t, 'and', 'or')) throw invalid(`Expected an attribute at ${describe(t)}`);
    i++;
    if (isPunct(peek(), '[')) {
      const open = tokens[i++];
      const filter = or(depth + 1);
      expect(']', open);
      return { kind: 'valuePath', path: t.text, filter };
    }
    const opToken = peek();
    const op = opToken?.kind === 'word' ? opToken.text.toLowerCase() : '';
    if (!OPERATORS.has(op)) throw invalid(`Expected a comparison operator after '${t.text}', found ${describe(opToken)}`);
    i++;
    if (++comparisons > MAX_COMPARISONS) throw invalid(`Filter has more than ${MAX_COMPARISONS} comparisons`);
    if (op === 'pr') return { kind: 'compare', path: t.text, op: 'pr' };
    return { kind: 'compare', path: t.text, op: op as CompareOp, value: value() };
  }

  // Returns undefined when no value follows; the translator reports that with the attribute's name.
  function value(): Value | undefined {
    const t = peek();
    if (!t || t.kind === 'punct' || isWord(t, 'and', 'or', 'not')) return undefined;
    i++;
    if (t.kind !== 'word') return t.value!;
    const word = t.text.toLowerCase();
    return word === 'true' ? true : word === 'false' ? false : word === 'null' ? null : t.text;
  }

  const ast = or(0);
  if (i < tokens.length) throw invalid(`Unexpected ${describe(tokens[i])} in filter`);
  return ast;
}
