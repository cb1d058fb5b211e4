import { ResourceKind } from './resourceMapping';
import { ENTERPRISE_URN, declaredEnterpriseKeys, knownTopLevelKeys } from './scimSetup';

/** One PATCH operation as sent (RFC 7644 §3.5.2), after quirk normalisation. */
export type PatchOperation = { op: string; path?: string; value?: unknown };

/** A change to attributes scimmy's schema does not know (custom extensions, vendor attributes). */
export type ExtraChange = { op: 'set' | 'remove'; key: string; sub?: string; value?: unknown };

const VALUE_FILTER_PATH = /^([A-Za-z][\w$-]*)\[\s*type\s+eq\s+"([^"]*)"\s*\]\.([A-Za-z][\w$-]*)$/i;

/**
 * Splits operations into those scimmy applies and those on attributes it does not
 * know, which we keep as pushed. Also rewrites an add/replace whose value-filter path
 * names an element that does not exist yet (Entra's `addresses[type eq "work"].streetAddress`)
 * into an add of that element, as Entra expects the element to be created.
 */
export function preparePatch(
  kind: ResourceKind,
  operations: PatchOperation[],
  current: Record<string, unknown>,
): { operations: PatchOperation[]; extras: ExtraChange[] } {
  const known = knownTopLevelKeys(kind);
  const ops: PatchOperation[] = [];
  const extras: ExtraChange[] = [];
  // Elements this PATCH creates, by `attribute|type`, so later ops on the same element fill it in.
  const created = new Map<string, Record<string, unknown>>();
  for (const operation of operations) {
    const op = String(operation.op ?? '').toLowerCase();
    if (operation.path === undefined) {
      if (isPlainObject(operation.value) && op !== 'remove') {
        const kept: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(operation.value)) {
          if (known.has(key.toLowerCase())) kept[key] = value;
          else extras.push({ op: 'set', key, value });
        }
        if (Object.keys(kept).length > 0) ops.push({ ...operation, value: kept });
      } else {
        ops.push(operation);
      }
      continue;
    }
    const path = String(operation.path);
    const unknown = unknownTarget(path, known);
    if (unknown) {
      extras.push(op === 'remove' ? { op: 'remove', ...unknown } : { op: 'set', ...unknown, value: operation.value });
      continue;
    }
    const element = missingElement(op, path, operation, current);
    if (!element) {
      ops.push(operation);
      continue;
    }
    const pending = created.get(element.key);
    if (pending) Object.assign(pending, element.fields);
    else {
      const value = { ...element.fields };
      created.set(element.key, value);
      ops.push({ op: 'add', path: element.attribute, value: [value] });
    }
  }
  return { operations: ops, extras };
}

/** Applies extra-attribute changes to a stored resource (a new object; the input is not mutated). */
export function applyExtras(stored: Record<string, unknown>, changes: ExtraChange[]): Record<string, unknown> {
  const next: Record<string, unknown> = { ...stored };
  for (const c of changes) {
    const existing = Object.keys(next).find((k) => k.toLowerCase() === c.key.toLowerCase()) ?? c.key;
    if (c.sub === undefined) {
      if (c.op === 'remove') delete next[existing];
      else next[existing] = c.value;
      continue;
    }
    const container = isPlainObject(next[existing]) ? { ...(next[existing] as Record<string, unknown>) } : {};
    if (c.op === 'remove') delete container[c.sub];
    else container[c.sub] = c.value;
    next[existing] = container;
  }
  return next;
}

// `urn:vendor:ext:1.0:User:attr` → key `urn:vendor:ext:1.0:User`, sub `attr`; `foo` → key `foo`.
function unknownTarget(path: string, known: Set<string>): { key: string; sub?: string } | undefined {
  if (path.toLowerCase().startsWith('urn:')) {
    const lower = path.toLowerCase();
    // An enterprise sub-attribute scimmy does not declare is kept as pushed, like an unknown schema's.
    const enterprisePrefix = `${ENTERPRISE_URN.toLowerCase()}:`;
    if (lower.startsWith(enterprisePrefix)) {
      const sub = path.slice(enterprisePrefix.length);
      const top = sub.split(/[.[]/)[0];
      if (top && !declaredEnterpriseKeys().has(top.toLowerCase()) && !/[.[]/.test(sub)) return { key: ENTERPRISE_URN, sub };
      return undefined;
    }
    if ([...known].some((k) => k.startsWith('urn:') && (lower === k || lower.startsWith(`${k}:`)))) return undefined;
    if (lower.startsWith('urn:ietf:params:scim:schemas:core:')) return undefined;
    const cut = path.lastIndexOf(':');
    return { key: path.slice(0, cut), sub: path.slice(cut + 1) };
  }
  const top = path.split(/[.[]/)[0];
  return known.has(top.toLowerCase()) ? undefined : { key: top };
}

function missingElement(
  op: string,
  path: string,
  operation: PatchOperation,
  current: Record<string, unknown>,
): { key: string; attribute: string; fields: Record<string, unknown> } | undefined {
  const m = VALUE_FILTER_PATH.exec(path);
  if (!m || (op !== 'add' && op !== 'replace')) return undefined;
  const [, attribute, type, sub] = m;
  const key = Object.keys(current).find((k) => k.toLowerCase() === attribute.toLowerCase());
  const list = key ? current[key] : undefined;
  const exists =
    Array.isArray(list) && list.some((e) => isPlainObject(e) && String(e.type).toLowerCase() === type.toLowerCase());
  if (exists) return undefined;
  return { key: `${attribute.toLowerCase()}|${type.toLowerCase()}`, attribute, fields: { type, [sub]: operation.value } };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
