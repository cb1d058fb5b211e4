import { EntraConnection, GraphCallFailed, graphBase, graphCall } from './entraGraph';
import { IdpCalls } from './idpCalls';
import { CallLog, logCall } from './idpCallRecord';
import { IdpConnection } from './idpConnection';
import { IdpRequest, answerError, callIdp, jsonBody } from './idpHttp';

/** The person whose assignment is removed, as the IdP knows them (their SCIM record). */
export type AssignedPerson = { externalId: string | null; userName: string };

/** What one attempt achieved. */
export type RemovalResult = { outcome: 'removed' | 'already_removed' } | { outcome: 'failed'; error: string };

/** How an attempt may change the IdP: `markSent` commits that a removal is about to be sent. */
export type RemovalContext = {
  calls: IdpCalls;
  log: CallLog;
  /** Whether an earlier attempt of this episode sent a removal (then "nothing to remove" means it worked). */
  sentBefore: boolean;
  markSent(): Promise<void>;
};

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Removes the person's assignment to the directory's app in its IdP; never throws for an IdP failure. */
export async function removeAssignment(ctx: RemovalContext, conn: IdpConnection, person: AssignedPerson): Promise<RemovalResult> {
  try {
    return conn.kind === 'okta' ? await removeOktaAssignment(ctx, conn, person) : await removeEntraAssignment(ctx, conn, person);
  } catch (err) {
    if (err instanceof GraphCallFailed) return { outcome: 'failed', error: err.message };
    throw err;
  }
}

/**
 * Okta: `DELETE /api/v1/apps/{appId}/users/{userId}` with `Authorization: SSWS <token>`
 * (https://developer.okta.com/docs/api/openapi/okta-management/management/tag/ApplicationUsers/).
 * The Okta user id is the SCIM externalId Okta sends. A 404 after an earlier send means
 * that send removed it.
 */
async function removeOktaAssignment(ctx: RemovalContext, conn: Extract<IdpConnection, { kind: 'okta' }>, person: AssignedPerson): Promise<RemovalResult> {
  if (!person.externalId) return { outcome: 'failed', error: 'The person has no externalId, which Okta sends as its user id' };
  const req: IdpRequest = {
    method: 'DELETE',
    url: `${conn.settings.org_url}/api/v1/apps/${encodeURIComponent(conn.settings.app_id)}/users/${encodeURIComponent(person.externalId)}`,
    headers: { Authorization: `SSWS ${conn.apiToken}` },
  };
  await ctx.markSent();
  const answer = await callIdp(ctx.calls, req);
  logCall(ctx.log, req, answer);
  if (answer.status !== null && answer.status >= 200 && answer.status < 300) return { outcome: 'removed' };
  if (answer.status === 404 && ctx.sentBefore) return { outcome: 'already_removed' };
  return { outcome: 'failed', error: answerError(answer) };
}

/**
 * Entra: the user's object id (the externalId when it is one, else
 * `GET /users/{userPrincipalName}`), their assignments to the enterprise app
 * (`GET /servicePrincipals/{id}/appRoleAssignedTo`, filtered on the principal), then
 * `DELETE …/appRoleAssignedTo/{assignmentId}` for each
 * (https://learn.microsoft.com/graph/api/serviceprincipal-delete-approleassignedto).
 * No assignment left after an earlier send means that send removed it.
 */
async function removeEntraAssignment(ctx: RemovalContext, conn: EntraConnection, person: AssignedPerson): Promise<RemovalResult> {
  const base = graphBase(conn);
  const call = (req: IdpRequest) => graphCall(ctx.calls, conn, req, ctx.log);
  let objectId = person.externalId && GUID.test(person.externalId) ? person.externalId.toLowerCase() : undefined;
  if (!objectId) {
    const found = await call({ method: 'GET', url: `${base}/users/${encodeURIComponent(person.userName)}?$select=id` });
    const id = (jsonBody(found) as { id?: unknown } | undefined)?.id;
    if (found.status !== 200 || typeof id !== 'string') return { outcome: 'failed', error: `Looking up ${person.userName}: ${answerError(found)}` };
    objectId = id.toLowerCase();
  }
  const sp = encodeURIComponent(conn.settings.service_principal_id);
  const listed = await call({
    method: 'GET',
    url: `${base}/servicePrincipals/${sp}/appRoleAssignedTo?$filter=${encodeURIComponent(`principalId eq ${objectId}`)}`,
  });
  const value = (jsonBody(listed) as { value?: unknown } | undefined)?.value;
  if (listed.status !== 200 || !Array.isArray(value)) return { outcome: 'failed', error: `Listing app role assignments: ${answerError(listed)}` };
  const assignments = value.filter(
    (a): a is { id: string } => typeof a?.id === 'string' && typeof a?.principalId === 'string' && a.principalId.toLowerCase() === objectId,
  );
  if (assignments.length === 0) {
    return ctx.sentBefore
      ? { outcome: 'already_removed' }
      : { outcome: 'failed', error: 'The user has no assignment of their own to the app (an assignment through a group is removed in Entra, not per person)' };
  }
  await ctx.markSent();
  for (const a of assignments) {
    const removed = await call({ method: 'DELETE', url: `${base}/servicePrincipals/${sp}/appRoleAssignedTo/${encodeURIComponent(a.id)}` });
    // 404: gone already (an earlier send, or someone in Entra); the end state is what we want.
    if (removed.status !== 204 && removed.status !== 200 && removed.status !== 404) {
      return { outcome: 'failed', error: `Removing assignment ${a.id}: ${answerError(removed)}` };
    }
  }
  return { outcome: 'removed' };
}
