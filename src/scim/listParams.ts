import SCIMMY from 'scimmy';
import { ResourceKind } from './resourceMapping';
import { Projection } from './scimPresenter';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './scimSetup';

type Filter = InstanceType<typeof SCIMMY.Types.Filter>;

/** A parsed list or search request (RFC 7644 §3.4.2 query, §3.4.3 POST .search body). */
export type ListRequest = { filter?: Filter; startIndex: number; count: number; projection: Projection };

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
  const list = (v: unknown) => (Array.isArray(v) ? v.map(String).join(',') : v);
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

function parse(kind: ResourceKind, q: Record<string, unknown>): ListRequest {
  const config: { filter?: string; attributes?: string; excludedAttributes?: string } = {};
  for (const key of ['filter', 'attributes', 'excludedAttributes'] as const) {
    if (q[key] === undefined) continue;
    if (typeof q[key] !== 'string') throw new SCIMMY.Types.Error(400, 'invalidValue', `${key} must be a single string`);
    config[key] = q[key] as string;
  }
  // scimmy parses the filter and projection expressions (and rejects malformed ones with invalidFilter).
  const Resource = kind === 'User' ? SCIMMY.Resources.User : SCIMMY.Resources.Group;
  const parsed = new Resource(undefined, config);
  const names = (v: unknown) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : undefined);
  return {
    filter: parsed.filter,
    // RFC 7644 §3.4.2.4: startIndex < 1 is treated as 1; a negative count as 0; we cap count at our maximum.
    startIndex: Math.max(integer('startIndex', q.startIndex) ?? 1, 1),
    count: Math.min(Math.max(integer('count', q.count) ?? DEFAULT_PAGE_SIZE, 0), MAX_PAGE_SIZE),
    projection: {
      filter: parsed.attributes,
      include: names(config.attributes),
      exclude: config.attributes === undefined ? names(config.excludedAttributes) : undefined,
    },
  };
}

function integer(name: string, value: unknown): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n)) throw new SCIMMY.Types.Error(400, 'invalidValue', `${name} must be an integer`);
  return n;
}
