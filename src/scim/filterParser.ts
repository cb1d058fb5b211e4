import SCIMMY from 'scimmy';
import { unstorableText } from './requestInput';

/**
 * The SCIM filter grammar (RFC 7644 §3.4.2.2), parsed by us rather than by scimmy: scimmy's
 * parser rejects valid filters (nested parentheses, `\"` inside strings), accepts invalid
 * ones (unquoted strings) and throws TypeErrors (500s) on others (`and x eq "a"`, `not`).
 * Every syntax error here is a 400 invalidFilter.
 */

export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le' | 'pr';
export type FilterValue = string | number | boolean | null;
export type FilterNode =
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; expr: FilterNode }
  | { kind: 'compare'; path: string; op: CompareOp; value?: FilterValue }
  | { kind: 'valuePath'; path: string; filter: FilterNode };

const OPERATORS = new Set<string>(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le', 'pr']);
const MAX_COMPARISONS = 200;
const MAX_DEPTH = 32;

const invalid = (detail: string) => new SCIMMY.Types.Error(400, 'invalidFilter', detail);

type Token = { kind: 'punct' | 'string' | 'number' | 'word'; text: string; pos: number; value?: FilterValue };

// Words are attribute paths (with URN prefixes), operators and the literals true/false/null.
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

// RFC 7644 §3.4.2.2: string literals are JSON strings (RFC 7159 §7). PostgreSQL cannot hold
// NUL in text, and a lone surrogate is no character at all, so neither can match anything stored.
function jsonString(text: string): string {
  let value: string;
  try {
    value = JSON.parse(text) as string;
  } catch {
    throw invalid(`Invalid string literal ${text} in filter (RFC 7159 escapes only)`);
  }
  const problem = unstorableText(value);
  if (problem) throw invalid(`String literal in filter ${problem}`);
  return value;
}

/**
 * Parses a filter expression: RFC 7644 §3.4.2.2 grammar, keywords case-insensitive
 * (RFC 5234 §2.3), precedence not > and > or. Kept from scimmy: `not` without parentheses.
 */
export function parseFilter(input: string): FilterNode {
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

  function or(depth: number): FilterNode {
    let left = and(depth);
    while (isWord(peek(), 'or')) {
      i++;
      left = { kind: 'or', left, right: and(depth) };
    }
    return left;
  }

  function and(depth: number): FilterNode {
    let left = unary(depth);
    while (isWord(peek(), 'and')) {
      i++;
      left = { kind: 'and', left, right: unary(depth) };
    }
    return left;
  }

  function unary(depth: number): FilterNode {
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
  function value(): FilterValue | undefined {
    const t = peek();
    if (!t || t.kind === 'punct' || isWord(t, 'and', 'or', 'not')) return undefined;
    i++;
    if (t.kind !== 'word') return t.value!;
    const word = t.text.toLowerCase();
    if (word === 'true' || word === 'false') return word === 'true';
    if (word === 'null') return null;
    // RFC 7644 §3.4.2.2: compValue is false / null / true / number / string; strings are quoted.
    throw invalid(`Unquoted value '${t.text}' at position ${t.pos} in filter; quote strings with "…"`);
  }

  const ast = or(0);
  if (i < tokens.length) throw invalid(`Unexpected ${describe(tokens[i])} in filter`);
  return ast;
}
