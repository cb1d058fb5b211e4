import SCIMMY from 'scimmy';
import { Projection, parseAttributeList } from './projection';
import { ResourceKind } from './resourceMapping';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './scimSetup';

/** A parsed list or search request (RFC 7644 §3.4.2 query, §3.4.3 POST .search body). */
export type ListRequest = { filter?: { expression: string }; startIndex: number; count: number; projection: Projection };

/** Parses GET list query parameters; unknown parameters (e.g. Entra's aadOptscim062020) are ignored. */
export function parseListQuery(kind: ResourceKind, query: Record<string, unknown>): ListRequest {
  return parse(kind, {
    filter: query.filter,
    startIndex: query.startIndex,
    count: query.count,
    attributes: query.attributes,
    excludedAttributes: query.excludedAttributes,
  });
}

/** Parses a POST /.search body (RFC 7644 §3.4.3), where attribute lists are arrays. */
export function parseSearchBody(kind: ResourceKind, body: unknown): ListRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new SCIMMY.Types.Error(400, 'invalidSyntax', 'SearchRequest body must be a JSON object');
  }
  const b = body as Record<string, unknown>;
  const list = (v: unknown) => (Array.isArray(v) && v.every((name) => typeof name === 'string') ? v.join(',') : v);
  return parse(kind, {
    filter: b.filter,
    startIndex: b.startIndex,
    count: b.count,
    attributes: list(b.attributes),
    excludedAttributes: list(b.excludedAttributes),
  });
}

/** Parses `attributes` / `excludedAttributes` for single-resource reads and write responses. */
export function parseProjection(kind: ResourceKind, query: Record<string, unknown>): Projection {
  return parse(kind, { attributes: query.attributes, excludedAttributes: query.excludedAttributes }).projection;
}

// The kind is part of the signature for callers; the grammar checked here is the same for both.
function parse(_kind: ResourceKind, q: Record<string, unknown>): ListRequest {
  const config: { filter?: string; attributes?: string; excludedAttributes?: string } = {};
  for (const key of ['filter', 'attributes', 'excludedAttributes'] as const) {
    if (q[key] === undefined) continue;
    if (typeof q[key] !== 'string') throw new SCIMMY.Types.Error(400, 'invalidValue', `${key} must be a single string`);
    config[key] = q[key] as string;
  }
  const include = config.attributes === undefined ? undefined : parseAttributeList('attributes', config.attributes);
  const excluded = config.excludedAttributes === undefined ? undefined : parseAttributeList('excludedAttributes', config.excludedAttributes);
  return {
    // Parsed (and a malformed one refused with invalidFilter) by filterToSql, before anything is read.
    filter: config.filter === undefined ? undefined : { expression: config.filter },
    // RFC 7644 §3.4.2.4: startIndex < 1 is treated as 1; a negative count as 0; we cap count at our maximum.
    startIndex: Math.max(integer('startIndex', q.startIndex) ?? 1, 1),
    count: Math.min(Math.max(integer('count', q.count) ?? DEFAULT_PAGE_SIZE, 0), MAX_PAGE_SIZE),
    // RFC 7644 §3.4.2.5 gives no meaning to both at once; attributes wins, as before.
    projection: { include, exclude: include ? undefined : excluded },
  };
}

function integer(name: string, value: unknown): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n)) throw new SCIMMY.Types.Error(400, 'invalidValue', `${name} must be an integer`);
  return n;
}
