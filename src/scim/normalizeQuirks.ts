/**
 * Request-body quirks of real identity providers, rewritten into the form scimmy accepts.
 *
 * scimmy follows RFC 7643/7644 strictly; Okta and Microsoft Entra ID do not always. Every
 * SCIM request body passes through `normalizeRequestBody` before scimmy sees it, so the
 * handlers never special-case an IdP. A rewrite is made only where scimmy would otherwise
 * reject (or crash on) what the IdP sends; each is proved in normalizeQuirks.test.ts.
 *
 * Left alone on purpose, because scimmy already accepts them as sent:
 * - capitalised op names (`Add`, `Replace`, `Remove`) from Entra: scimmy compares
 *   `op.toLowerCase()` (RFC 7644 §3.5.2 spells them lower-case);
 * - `members[value eq "id"]` removes, member adds with a value array (with or without
 *   `"$ref": null`), and legacy Entra removes that list the members in `value`;
 * - Okta's path-less `{"op":"replace","value":{"active":false}}`, its rename
 *   `{"op":"replace","value":{"id","displayName"}}` (scimmy only refuses an `id` that differs
 *   from the stored one, RFC 7643 §3.1 makes `id` readOnly), and member-list replaces, empty or not;
 * - `meta`, `id`, `groups: []`, `roles: []` and `password` in POST/PUT bodies: scimmy ignores
 *   read-only attributes on the way in and accepts `password` (the handler drops it);
 * - `{"value": id}` for the enterprise manager.
 * Anything else odd (unknown ops, missing Operations, non-object bodies) is passed through
 * unchanged for scimmy to reject with its own 400; this function never throws.
 */

/** The resource type and HTTP method a body was sent with. */
export type QuirkTarget = { resource: 'User' | 'Group'; method: 'POST' | 'PUT' | 'PATCH' };

type JsonObject = Record<string, unknown>;

/** RFC 7643 §4.3: the enterprise User extension, where `manager` lives. */
const ENTERPRISE_USER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const ENTERPRISE_USER_KEY = ENTERPRISE_USER.toLowerCase();
const MANAGER_PATH_KEY = `${ENTERPRISE_USER_KEY}:manager`;

/** Rewrites an IdP request body into the form scimmy accepts; pure, never mutates or throws. */
export function normalizeRequestBody(body: unknown, target: QuirkTarget): unknown {
  if (!isObject(body)) return body;
  if (target.method === 'PATCH') return normalizePatchOp(body, target.resource);
  return target.resource === 'User' ? normalizeUserAttributes(body) : body;
}

function normalizePatchOp(body: JsonObject, resource: QuirkTarget['resource']): JsonObject {
  const operations = body.Operations;
  if (!Array.isArray(operations)) return body;
  const normalized = operations.flatMap((operation: unknown) => normalizeOperation(operation, resource));
  const unchanged = normalized.length === operations.length && normalized.every((op, i) => op === operations[i]);
  return unchanged ? body : { ...body, Operations: normalized };
}

function normalizeOperation(operation: unknown, resource: QuirkTarget['resource']): unknown[] {
  if (!isObject(operation) || typeof operation.op !== 'string') return [operation];
  const verb = operation.op.toLowerCase();
  // Only add and replace carry a value to repair; remove is left exactly as sent.
  if (verb !== 'add' && verb !== 'replace') return [operation];
  const split = operation.path === undefined ? splitQualifiedKeys(operation) : [operation];
  return resource === 'User' ? split.map(normalizeUserOperationValue) : split;
}

/**
 * Entra with `?aadOptscim062020` sends path-less add/replace whose value keys are attribute
 * paths (`name.givenName`, `emails[type eq "work"].value`, `urn:…:User:department`). scimmy
 * takes each key as a path, but a filtered key matching nothing inside a path-less replace
 * makes it throw a TypeError (a 500) instead of RFC 7644 §3.5.2.3's 400 noTarget. So each
 * such key becomes its own operation with that path, which scimmy applies with the same
 * result when it matches; plain keys stay together in one path-less operation, first.
 */
function splitQualifiedKeys(operation: JsonObject): JsonObject[] {
  const value = operation.value;
  if (!isObject(value)) return [operation];
  const keys = Object.keys(value);
  const qualified = keys.filter(isAttributePathKey);
  if (qualified.length === 0) return [operation];
  const plain = keys.filter((key) => !isAttributePathKey(key));
  const split: JsonObject[] = [];
  if (plain.length > 0) split.push({ ...operation, value: pick(value, plain) });
  for (const key of qualified) split.push({ ...operation, path: key, value: value[key] });
  return split;
}

/**
 * A key naming a sub-attribute, a filtered value or an extension attribute, as opposed to a
 * top-level attribute name or a whole schema extension (`urn:…:2.0:User`, whose "2.0" is not a
 * path separator).
 */
function isAttributePathKey(key: string): boolean {
  if (/^urn:/i.test(key)) return /^urn:.+:\d+\.\d+:[^:]+:.+$/i.test(key);
  return key.includes('.') || key.includes('[');
}

function normalizeUserOperationValue(operation: JsonObject): JsonObject {
  // A non-string path is scimmy's to reject (invalidPath); nothing here to repair.
  if (operation.path !== undefined && typeof operation.path !== 'string') return operation;
  const value = operation.value;
  const path = typeof operation.path === 'string' ? operation.path.toLowerCase() : undefined;
  let repaired: unknown = value;
  if (path === undefined) repaired = isObject(value) ? normalizeUserAttributes(value) : value;
  else if (path === 'active') repaired = booleanFromString(value);
  else if (path === MANAGER_PATH_KEY) repaired = managerFromId(value);
  else if (path === ENTERPRISE_USER_KEY) repaired = normalizeEnterpriseUser(value);
  return repaired === value ? operation : { ...operation, value: repaired };
}

/**
 * The User attributes IdPs get wrong, in a POST/PUT body or a path-less PATCH value:
 * `active` as "True"/"False" (Entra) and the manager as a bare id, either inside the
 * enterprise extension object or under its URN-qualified key.
 */
function normalizeUserAttributes(attributes: JsonObject): JsonObject {
  let result = attributes;
  for (const [key, value] of Object.entries(attributes)) {
    const name = key.toLowerCase();
    let repaired: unknown = value;
    if (name === 'active') repaired = booleanFromString(value);
    else if (name === ENTERPRISE_USER_KEY) repaired = normalizeEnterpriseUser(value);
    else if (name === MANAGER_PATH_KEY) repaired = managerFromId(value);
    if (repaired !== value) result = { ...result, [key]: repaired };
  }
  return result;
}

function normalizeEnterpriseUser(extension: unknown): unknown {
  if (!isObject(extension)) return extension;
  let result = extension;
  for (const [key, value] of Object.entries(extension)) {
    const repaired = key.toLowerCase() === 'manager' ? managerFromId(value) : value;
    if (repaired !== value) result = { ...result, [key]: repaired };
  }
  return result;
}

/**
 * Entra sends `active` as the strings "True"/"False"; RFC 7643 §4.1.1 makes it a boolean.
 * Any other string is left for scimmy to reject.
 */
function booleanFromString(value: unknown): unknown {
  if (typeof value !== 'string' || !/^(true|false)$/i.test(value)) return value;
  return value.toLowerCase() === 'true';
}

/**
 * Entra sends the manager as the bare id of the manager's User; RFC 7643 §4.3 makes
 * `manager` a complex attribute whose `value` is that id.
 */
function managerFromId(value: unknown): unknown {
  return typeof value === 'string' ? { value } : value;
}

function pick(source: JsonObject, keys: string[]): JsonObject {
  return Object.fromEntries(keys.map((key) => [key, source[key]]));
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
