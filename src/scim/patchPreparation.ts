import SCIMMY from 'scimmy';
import { canonicalPatchPath, declaredName } from './patchPath';
import { ResourceKind } from './resourceMapping';
import { ENTERPRISE_URN, declaredEnterpriseKeys, knownTopLevelKeys } from './scimSetup';

/** One PATCH operation as sent (RFC 7644 §3.5.2), after quirk normalisation. */
export type PatchOperation = { op: string; path?: string; value?: unknown };

/** A change to attributes scimmy's schema does not know (custom extensions, vendor attributes). */
export type ExtraChange = { op: 'set' | 'remove'; key: string; sub?: string; value?: unknown };

const VALUE_FILTER_PATH = /^([A-Za-z][\w$-]*)\[\s*type\s+eq\s+"([^"]*)"\s*\]\.([A-Za-z][\w$-]*)$/i;

/**
 * The `type` values RFC 7643 §4.1.2 suggests for the multi-valued attributes Entra writes
 * through `attr[type eq "x"].sub` paths. A replace through such a path on a missing element
 * creates the element only for these types; any other type is RFC 7644 §3.5.2.3's noTarget.
 */
const CREATABLE_TYPES: Record<string, Set<string>> = {
  emails: new Set(['work', 'home', 'other']),
  phonenumbers: new Set(['work', 'home', 'mobile', 'fax', 'pager', 'other']),
  addresses: new Set(['work', 'home', 'other']),
  ims: new Set(['aim', 'gtalk', 'icq', 'xmpp', 'msn', 'skype', 'qq', 'yahoo']),
  photos: new Set(['photo', 'thumbnail']),
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Splits operations into those scimmy applies and those on attributes it does not
 * know, which we keep as pushed. Paths are checked and spelt as declared first
 * (patchPath.ts). Also rewrites an add, or a replace with a canonical type, whose
 * value-filter path names an element that does not exist yet (Entra's
 * `addresses[type eq "work"].streetAddress`) into an add of that element, as Entra
 * expects the element to be created; and a member removal that lists members in
 * `value` into one that names only their ids.
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
  for (let operation of operations) {
    let op = String(operation.op ?? '').toLowerCase();
    if (operation.path === undefined) {
      if (isPlainObject(operation.value) && op !== 'remove') {
        const kept: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(operation.value)) {
          // RFC 7643 §2.1: `Active` is `active`; scimmy only writes the declared spelling.
          if (known.has(key.toLowerCase())) kept[declaredKey(kind, key)] = value;
          else extras.push({ op: 'set', key, value });
        }
        if (Object.keys(kept).length > 0) ops.push({ ...operation, value: kept });
      } else {
        ops.push(operation);
      }
      continue;
    }
    const path = canonicalPatchPath(kind, String(operation.path));
    // RFC 7643 §2.5: null is the unassigned state, so replacing with null removes (scimmy would store [null]).
    if (op === 'replace' && operation.value === null) [operation, op] = [{ op: 'remove', path }, 'remove'];
    const unknown = unknownTarget(path, known);
    if (unknown) {
      extras.push(op === 'remove' ? { op: 'remove', ...unknown } : { op: 'set', ...unknown, value: operation.value });
      continue;
    }
    if (kind === 'Group' && op === 'remove' && path === 'members' && operation.value !== undefined) {
      const removal = memberRemoval(operation.value);
      if (removal) ops.push(removal);
      continue;
    }
    const element = missingElement(op, path, operation, current);
    if (!element) {
      ops.push({ ...operation, path });
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

/**
 * Entra (without `aadOptscim062020`) removes members with `{"op":"Remove","path":"members",
 * "value":[{"value":id, "display":…, "$ref":null}]}`. scimmy would match the listed items
 * whole, so a `display` or `"$ref": null` that differs from ours matched nothing and the
 * member silently stayed. Only `value` (the member's id, RFC 7643 §4.2) says which member
 * is meant; an id that is not a member removes nothing. Returns undefined when nothing is left to remove.
 */
function memberRemoval(value: unknown): PatchOperation | undefined {
  const items = Array.isArray(value) ? value : [value];
  const ids = items.map((item) => {
    if (!isPlainObject(item) || typeof item.value !== 'string') {
      throw new SCIMMY.Types.Error(400, 'invalidValue', 'Each member to remove must give the member\'s id in "value" (RFC 7643 §4.2)');
    }
    return item.value.trim().toLowerCase();
  });
  // Member ids are UUIDs we assigned; anything else cannot be a member.
  const members = [...new Set(ids.filter((id) => UUID.test(id)))];
  return members.length === 0 ? undefined : { op: 'remove', path: 'members', value: members.map((id) => ({ value: id })) };
}

function declaredKey(kind: ResourceKind, key: string): string {
  return key.toLowerCase() === ENTERPRISE_URN.toLowerCase() ? ENTERPRISE_URN : (declaredName(kind, key) ?? key);
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
  if (op === 'replace' && !CREATABLE_TYPES[attribute.toLowerCase()]?.has(type.toLowerCase())) return undefined;
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
