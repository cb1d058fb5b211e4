/**
 * The `previous_attributes` of an update event: for each field that changed, its old
 * value. Objects (custom_attributes, raw_attributes) are compared key by key and only
 * changed keys are listed. Returns undefined when nothing visible changed (no event).
 */
export function previousAttributes(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  nested: string[] = ['custom_attributes', 'raw_attributes'],
): Record<string, unknown> | undefined {
  const previous: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (same(before[key], after[key])) continue;
    if (nested.includes(key) && isObject(before[key]) && isObject(after[key])) {
      const inner = previousAttributes(before[key], after[key], []);
      if (inner) previous[key] = inner;
      continue;
    }
    previous[key] = before[key] === undefined ? null : before[key];
  }
  return Object.keys(previous).length > 0 ? previous : undefined;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

// Key order must not make equal objects differ (jsonb does not keep key order).
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (isObject(v)) return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical(v[k])]));
  return v;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
