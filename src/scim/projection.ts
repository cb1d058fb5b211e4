import SCIMMY from 'scimmy';
import { ResourceKind } from './resourceMapping';

/**
 * `attributes` and `excludedAttributes` (RFC 7644 §3.4.2.5, §3.9), applied by us to the
 * representation we would return anyway. scimmy's projection throws TypeErrors (500s) on
 * names such as `__proto__`, `,,,` or `name..givenName`, and drops attributes its schemas do
 * not declare (custom extensions, undeclared enterprise sub-attributes), which we store and
 * return; here every attribute is projected alike.
 */

/** Which attributes the client asked for: validated attribute paths, as sent. */
export type Projection = { include?: string[]; exclude?: string[] };

// RFC 7644 §3.10 attrPath: [URI ":"] ATTRNAME *1subAttr; RFC 7643 §2.1 ATTRNAME = ALPHA *(nameChar),
// and `$ref` for references. A URN's own segments (`2.0`) are not attribute names.
const ATTRNAME = '(?:[A-Za-z][\\w-]*|\\$ref)';
const ATTR_PATH = new RegExp(`^(?:urn:(?:[A-Za-z0-9][\\w.-]*:)+)?[A-Za-z][\\w-]*(?:\\.${ATTRNAME})?$`, 'i');

// RFC 7643 §3.1, §7: returned "always" — whatever the projection says.
const ALWAYS = new Set(['id', 'schemas']);

const CORE_URN: Record<ResourceKind, string> = {
  User: 'urn:ietf:params:scim:schemas:core:2.0:user',
  Group: 'urn:ietf:params:scim:schemas:core:2.0:group',
};

/** Parses one projection parameter: comma-separated attribute paths; anything else is 400 invalidValue. */
export function parseAttributeList(parameter: 'attributes' | 'excludedAttributes', value: string): string[] {
  const names = value.split(',').map((name) => name.trim());
  const bad = names.find((name) => !ATTR_PATH.test(name));
  if (bad !== undefined) {
    const shown = bad === '' ? 'an empty name' : `'${bad.slice(0, 100)}'`;
    throw new SCIMMY.Types.Error(400, 'invalidValue', `${parameter} must be a comma-separated list of attribute paths (RFC 7644 §3.10); found ${shown}`);
  }
  return names;
}

/** Whether a projection asks for (or does not exclude) a top-level attribute, e.g. a group's members. */
export function projectionWants(kind: ResourceKind, p: Projection, attribute: string): boolean {
  const top = (name: string) => corePath(kind, name).split('.')[0].toLowerCase();
  if (p.include) return p.include.some((name) => top(name) === attribute.toLowerCase());
  if (p.exclude) return !p.exclude.some((name) => corePath(kind, name).toLowerCase() === attribute.toLowerCase());
  return true;
}

/** Applies a projection to a full representation (a new object; the input is not mutated). */
export function project(kind: ResourceKind, resource: Record<string, unknown>, p: Projection): Record<string, unknown> {
  if (!p.include && !p.exclude) return resource;
  const tree = selectionTree(kind, resource, p.include ?? p.exclude ?? []);
  const result = p.include ? pick(resource, tree) : omit(resource, tree);
  const out: Record<string, unknown> = {};
  // Keep the representation's key order, with the always-returned attributes in it.
  for (const [key, value] of Object.entries(resource)) {
    if (ALWAYS.has(key)) setOwn(out, key, value);
    else if (Object.hasOwn(result, key)) setOwn(out, key, result[key]);
  }
  return out;
}

/** Attribute paths as nested selections: `true` selects the whole value. Keys are lower-cased. */
type Tree = Map<string, Tree | true>;

function selectionTree(kind: ResourceKind, resource: Record<string, unknown>, names: string[]): Tree {
  const extensions = Object.keys(resource).filter((k) => /^urn:/i.test(k)).map((k) => k.toLowerCase());
  const tree: Tree = new Map();
  for (const name of names) {
    const segments = resolve(kind, extensions, name);
    let node = tree;
    segments.forEach((segment, i) => {
      const existing = node.get(segment);
      if (existing === true) return;
      if (i === segments.length - 1) {
        node.set(segment, true);
        return;
      }
      const child: Tree = existing ?? new Map();
      node.set(segment, child);
      node = child;
    });
  }
  return tree;
}

// `urn:…:User:manager.value` → [extension, manager, value]; `urn:…:core:2.0:User:name.givenName` → [name, givenName].
function resolve(kind: ResourceKind, extensions: string[], name: string): string[] {
  const lower = name.toLowerCase();
  const extension = extensions.find((urn) => lower === urn || lower.startsWith(`${urn}:`));
  if (extension) return lower === extension ? [extension] : [extension, ...lower.slice(extension.length + 1).split('.')];
  return corePath(kind, lower).toLowerCase().split('.');
}

// RFC 7644 §3.10: a core attribute may be written with its schema URN in front.
function corePath(kind: ResourceKind, name: string): string {
  const prefix = `${CORE_URN[kind]}:`;
  return name.toLowerCase().startsWith(prefix) ? name.slice(prefix.length) : name;
}

function pick(value: Record<string, unknown>, tree: Tree): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const selection = tree.get(key.toLowerCase());
    if (selection === undefined) continue;
    const picked = selection === true ? child : pickValue(child, selection);
    if (picked !== undefined) setOwn(out, key, picked);
  }
  return out;
}

// A sub-attribute of a multi-valued attribute selects it in every element (RFC 7644 §3.10).
function pickValue(value: unknown, tree: Tree): unknown {
  if (Array.isArray(value)) {
    const elements = value.filter(isObject).map((e) => pick(e, tree)).filter((e) => Object.keys(e).length > 0);
    return elements.length > 0 ? elements : undefined;
  }
  if (!isObject(value)) return undefined;
  const picked = pick(value, tree);
  return Object.keys(picked).length > 0 ? picked : undefined;
}

function omit(value: Record<string, unknown>, tree: Tree): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const selection = tree.get(key.toLowerCase());
    if (selection === true) continue;
    setOwn(out, key, selection === undefined ? child : omitValue(child, selection));
  }
  return out;
}

function omitValue(value: unknown, tree: Tree): unknown {
  if (Array.isArray(value)) return value.map((e) => (isObject(e) ? omit(e, tree) : e));
  return isObject(value) ? omit(value, tree) : value;
}

// Attribute names come from the client; `__proto__` must stay a key, never become a prototype.
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
