import { NextFunction, Request, Response } from 'express';
import SCIMMY from 'scimmy';

/**
 * Refuses, before any handler runs, request input that no handler can store or walk safely:
 * text PostgreSQL refuses (NUL in text and jsonb) or that is not text at all (an unpaired
 * UTF-16 surrogate, which jsonb rejects and UTF-8 cannot encode), and JSON nested far deeper
 * than any SCIM message (RFC 7643 resources nest a few levels), which would exhaust the stack
 * of the code that walks it; and `__proto__` as a key, which plain objects would take for
 * their prototype. Each is a 400 (RFC 7644 §3.12) and nothing is written.
 */

/** Deeper than any SCIM resource or message (a PATCH value in an extension is about 6 levels). */
export const MAX_JSON_DEPTH = 32;

// Without the `u` flag, a regular expression sees UTF-16 code units, so this finds a high
// surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a string cannot be stored as PostgreSQL text, or undefined when it can. */
export function unstorableText(text: string): string | undefined {
  if (text.includes('\u0000')) return 'contains NUL (\\u0000), which cannot be stored';
  if (LONE_SURROGATE.test(text)) return 'contains an unpaired UTF-16 surrogate, which is not text';
  return undefined;
}

type Problem = { kind: 'depth' | 'text'; detail: string };

/** The first problem in a parsed JSON value (too deep, or a key or string that cannot be stored). */
export function jsonInputProblem(root: unknown, label: string): Problem | undefined {
  // Iterative, so that the check itself cannot overflow the stack.
  const stack: { value: unknown; depth: number; at: string }[] = [{ value: root, depth: 0, at: '' }];
  const where = (at: string) => (at ? `the value of ${at} in the ${label}` : `the ${label}`);
  while (stack.length > 0) {
    const { value, depth, at } = stack.pop()!;
    if (typeof value === 'string') {
      const problem = unstorableText(value);
      if (problem) return { kind: 'text', detail: capitalise(`${where(at)} ${problem}`) };
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_JSON_DEPTH) return { kind: 'depth', detail: capitalise(`the ${label} nests deeper than ${MAX_JSON_DEPTH} levels`) };
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
    for (const [key, child] of entries) {
      const keyProblem = key === '__proto__' ? 'is __proto__, which is not an attribute name (RFC 7643 §2.1)' : unstorableText(key);
      if (keyProblem) return { kind: 'text', detail: `An attribute name in ${where(at)} ${keyProblem}` };
      const step = Array.isArray(value) ? `[${key}]` : `${at ? '.' : ''}${printable(key)}`;
      stack.push({ value: child, depth: depth + 1, at: `${at}${step}` });
    }
  }
  return undefined;
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

// Names echoed in error details are the IdP's own attribute names; anything odd is elided.
function printable(key: string): string {
  return /^[\w$:.-]{1,64}$/.test(key) ? key : '…';
}

/**
 * Express middleware for the SCIM router, after body parsing: the query (`filter` problems
 * are invalidFilter, others invalidValue) and the body (too deep: invalidSyntax; text:
 * invalidValue).
 */
export function refuseUnstorableInput(req: Request, _res: Response, next: NextFunction): void {
  for (const [name, value] of Object.entries(req.query)) {
    const problem = jsonInputProblem(value, `query parameter '${printable(name)}'`) ?? textOfName(name);
    if (problem) return next(new SCIMMY.Types.Error(400, name === 'filter' ? 'invalidFilter' : 'invalidValue', problem.detail));
  }
  const problem = jsonInputProblem(req.body, 'request body');
  if (problem) return next(new SCIMMY.Types.Error(400, problem.kind === 'depth' ? 'invalidSyntax' : 'invalidValue', problem.detail));
  next();
}

function textOfName(name: string): Problem | undefined {
  const problem = unstorableText(name);
  return problem ? { kind: 'text', detail: `A query parameter name ${problem}` } : undefined;
}
