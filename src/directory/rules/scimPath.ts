/**
 * Reads a SCIM attribute path from a stored resource, case-insensitively
 * (RFC 7643 §2.1: attribute names are case-insensitive). Supports `attr`,
 * `attr.sub`, and URN-qualified `urn:…:Schema:attr[.sub]` (RFC 7644 §3.10).
 * Multi-valued attributes yield their primary (or first) element's value.
 */
export function readScimPath(resource: Record<string, unknown>, path: string): unknown {
  const { container, rest } = splitUrn(resource, path);
  let current: unknown = container;
  for (const segment of rest.split('.').filter(Boolean)) {
    current = pick(primaryOf(current), segment);
    if (current === undefined) return undefined;
  }
  return primaryOf(current);
}

/**
 * Where a top-level or URN-qualified attribute (`employeeStatus`, `urn:…:User:employeeStatus`)
 * sits in a resource, with the keys as the resource spells them; undefined when absent or
 * when the path goes deeper than one attribute.
 */
export function locateScimAttribute(
  resource: Record<string, unknown>,
  path: string,
): { schema?: string; key: string; value: unknown } | undefined {
  const { container, rest } = splitUrn(resource, path);
  if (rest === '' || rest.includes('.') || typeof container !== 'object' || container === null || Array.isArray(container)) return undefined;
  const key = Object.keys(container).find((k) => k.toLowerCase() === rest.toLowerCase());
  if (key === undefined || (container as Record<string, unknown>)[key] === undefined) return undefined;
  const schema = container === resource ? undefined : Object.keys(resource).find((k) => resource[k] === container);
  return { ...(schema ? { schema } : {}), key, value: (container as Record<string, unknown>)[key] };
}

function splitUrn(resource: Record<string, unknown>, path: string): { container: unknown; rest: string } {
  if (!path.toLowerCase().startsWith('urn:')) return { container: resource, rest: path };
  // The longest key of the resource that prefixes the path is the schema URN.
  const lower = path.toLowerCase();
  const urn = Object.keys(resource)
    .filter((k) => lower.startsWith(`${k.toLowerCase()}:`))
    .sort((a, b) => b.length - a.length)[0];
  if (!urn) return { container: undefined, rest: '' };
  return { container: resource[urn], rest: path.slice(urn.length + 1) };
}

function pick(value: unknown, key: string): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const found = Object.keys(value).find((k) => k.toLowerCase() === key.toLowerCase());
  return found === undefined ? undefined : (value as Record<string, unknown>)[found];
}

function primaryOf(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  const primary = value.find((v) => typeof v === 'object' && v !== null && (v as { primary?: unknown }).primary === true);
  return primary ?? value[0];
}
