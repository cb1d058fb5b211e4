import SCIMMY from 'scimmy';
import { ResourceKind, schemaFor } from './resourceMapping';

/** RFC 7644 §3.5.2: the one schema a PATCH body carries. */
export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/**
 * RFC 7643 §3: `schemas` is REQUIRED in every resource, and lists the resource type's core
 * schema. scimmy only checks the list when there is one, so a POST or PUT without it is
 * refused here with invalidSyntax; a foreign core schema is scimmy's to refuse.
 */
export function requireResourceSchemas(kind: ResourceKind, body: Record<string, unknown>): void {
  const schemas = body.schemas;
  if (Array.isArray(schemas) && schemas.length > 0 && schemas.every((s) => typeof s === 'string')) return;
  const core = schemaFor(kind).definition.id;
  throw new SCIMMY.Types.Error(400, 'invalidSyntax', `A ${kind} must list its schemas, e.g. "schemas": ["${core}"] (RFC 7643 §3)`);
}

/** RFC 7644 §3.5.2: a PATCH body is a PatchOp message; the detail says exactly what to send. */
export function requirePatchOpSchema(body: Record<string, unknown>): void {
  const schemas = body.schemas;
  if (Array.isArray(schemas) && schemas.length === 1 && schemas[0] === PATCH_OP_SCHEMA) return;
  throw new SCIMMY.Types.Error(400, 'invalidSyntax', `A PATCH body must have "schemas": ["${PATCH_OP_SCHEMA}"] (RFC 7644 §3.5.2)`);
}

/**
 * The attributes our tables require to be non-empty: a User's `userName` (RFC 7643 §4.1.1,
 * its unique identifier) and a Group's `displayName` (§4.2). scimmy accepts "" for them.
 */
export function requireIdentifiers(kind: ResourceKind, validated: Record<string, unknown>): void {
  const attribute = kind === 'User' ? 'userName' : 'displayName';
  const value = validated[attribute];
  if (typeof value === 'string' && value.length > 0) return;
  throw new SCIMMY.Types.Error(400, 'invalidValue', `${attribute} is required and may not be empty (RFC 7643 §${kind === 'User' ? '4.1.1' : '4.2'})`);
}

/**
 * RFC 7643 §4.2: each member names its user by id in `value`. scimmy lets `null`, numbers
 * or strings through as members (`"members": [null]`), which name no one.
 */
export function requireMemberIds(kind: ResourceKind, validated: Record<string, unknown>): void {
  const members = validated.members;
  if (kind !== 'Group' || !Array.isArray(members)) return;
  const ok = members.every((m) => typeof m === 'object' && m !== null && typeof (m as { value?: unknown }).value === 'string');
  if (!ok) throw new SCIMMY.Types.Error(400, 'invalidValue', 'Each member must give its user\'s id in "value" (RFC 7643 §4.2)');
}
