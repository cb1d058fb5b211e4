import SCIMMY from 'scimmy';
import { parseFilter } from './filterParser';
import { ResourceKind, schemaFor } from './resourceMapping';
import { ENTERPRISE_URN } from './scimSetup';

/**
 * PATCH paths (RFC 7644 §3.5.2): checked against the grammar and spelt the way the schema
 * declares its attributes, before scimmy sees them. scimmy drops empty segments
 * (`name..givenName` became `name.givenName`) and matches names case-sensitively when it
 * writes (`Active` was invalidPath, `Name.GivenName` noTarget), where RFC 7643 §2.1 makes
 * attribute names case-insensitive.
 */

type Declared = { name: string; subAttributes?: Declared[] };

// RFC 7643 §2.1: ATTRNAME = ALPHA *(nameChar), nameChar = "-" / "_" / DIGIT / ALPHA; `$ref` for references.
const NAME = '(?:[A-Za-z][\\w-]*|\\$[Rr][Ee][Ff])';
// PATH = attrPath / valuePath [subAttr]; attrPath = ATTRNAME *1subAttr; valuePath = ATTRNAME "[" valFilter "]".
const CORE_PATH = new RegExp(`^(${NAME})(?:\\.(${NAME})|\\[([^\\[\\]]*)\\](?:\\.(${NAME}))?)?$`);
// An extension's URN, then an attribute path in it: `urn:…:2.0:User:manager.value`.
const URN_PATH = new RegExp(`^urn:(?:[A-Za-z0-9][\\w.-]*:)*[A-Za-z0-9][\\w.-]*$`, 'i');

const invalidPath = (path: string, why: string) =>
  new SCIMMY.Types.Error(400, 'invalidPath', `Invalid path '${path.slice(0, 200)}': ${why} (RFC 7644 §3.5.2)`);

/**
 * Checks a PATCH path against RFC 7644 §3.5.2 and returns it with declared attribute names
 * in their declared spelling (`Name.GivenName` → `name.givenName`); undeclared names are
 * kept as sent. Throws 400 invalidPath for a path the grammar does not allow.
 */
export function canonicalPatchPath(kind: ResourceKind, path: string): string {
  if (/^urn:/i.test(path)) return canonicalUrnPath(kind, path);
  return canonicalAttributePath(path, attributesOf(schemaFor(kind).definition));
}

function canonicalUrnPath(kind: ResourceKind, path: string): string {
  const lower = path.toLowerCase();
  const schemas = [schemaFor(kind).definition, ...(kind === 'User' ? [SCIMMY.Schemas.EnterpriseUser.definition] : [])];
  for (const schema of schemas) {
    const id = String(schema.id);
    if (lower === id.toLowerCase()) return id;
    if (!lower.startsWith(`${id.toLowerCase()}:`)) continue;
    const rest = canonicalAttributePath(path.slice(id.length + 1), attributesOf(schema));
    // RFC 7644 §3.10: a core attribute may carry its schema's URN; scimmy wants it without.
    return id === ENTERPRISE_URN ? `${id}:${rest}` : rest;
  }
  // A schema we do not declare (a custom extension): kept as pushed, so only its shape is checked.
  const cut = path.lastIndexOf(':');
  if (cut <= 4 || !URN_PATH.test(path.slice(0, cut))) throw invalidPath(path, 'not a schema URN followed by an attribute');
  canonicalAttributePath(path.slice(cut + 1), []);
  return path;
}

function canonicalAttributePath(path: string, declared: Declared[]): string {
  const m = CORE_PATH.exec(path);
  if (!m) throw invalidPath(path, 'expected attribute, attribute.subAttribute or attribute[filter].subAttribute');
  const [, name, sub, filter, filteredSub] = m;
  const attribute = find(declared, name);
  const spelt = attribute?.name ?? name;
  const subName = (s: string) => find(attribute?.subAttributes ?? [], s)?.name ?? s;
  if (sub !== undefined) return `${spelt}.${subName(sub)}`;
  if (filter === undefined) return spelt;
  if (filter.trim() === '') throw invalidPath(path, 'the value filter is empty');
  try {
    parseFilter(filter);
  } catch (err) {
    throw invalidPath(path, err instanceof Error ? err.message : 'the value filter is malformed');
  }
  return `${spelt}[${filter}]${filteredSub === undefined ? '' : `.${subName(filteredSub)}`}`;
}

/** A declared top-level attribute name of a resource kind in its declared spelling, if there is one. */
export function declaredName(kind: ResourceKind, name: string): string | undefined {
  return find(attributesOf(schemaFor(kind).definition), name)?.name;
}

function find(declared: Declared[], name: string): Declared | undefined {
  const lower = name.toLowerCase();
  return declared.find((a) => a.name.toLowerCase() === lower);
}

// Attributes only: a schema's extensions (e.g. EnterpriseUser in User) are addressed by URN.
function attributesOf(definition: { attributes: unknown[] }): Declared[] {
  return definition.attributes.filter((a): a is Declared => a instanceof SCIMMY.Types.Attribute);
}
