import { IdpCalls } from './idpCalls';
import { CallLog, logCall } from './idpCallRecord';
import { IdpConnection } from './idpConnection';
import { IdpAnswer, IdpRequest, answerError, callIdp, jsonBody } from './idpHttp';

/** An Entra connection, ready for calls. */
export type EntraConnection = Extract<IdpConnection, { kind: 'entra' }>;

// Graph throttles with 429 (or 503) and a Retry-After in seconds
// (https://learn.microsoft.com/graph/throttling); we wait as told, within bounds. A 503
// without Retry-After is a failure like any other.
const MAX_THROTTLED_RETRIES = 5;
const DEFAULT_RETRY_AFTER_S = 5;
const MAX_RETRY_AFTER_S = 120;
// A token is used until this long before it expires.
const TOKEN_MARGIN_S = 60;

/** A failed call, with what to say about it. */
export class GraphCallFailed extends Error {
  constructor(readonly answer: IdpAnswer, what: string) {
    super(`${what}: ${answerError(answer)}`);
    this.name = 'GraphCallFailed';
  }
}

/**
 * A client-credentials token for Microsoft Graph (RFC 6749 §4.4; Microsoft identity
 * platform's `/{tenant}/oauth2/v2.0/token` with scope `{graph}/.default`), from the
 * process's cache until shortly before it expires.
 */
export async function entraToken(calls: IdpCalls, conn: EntraConnection, log: CallLog, fresh = false): Promise<string> {
  const key = `${conn.directoryId}@${conn.version}`;
  const cached = calls.tokens.get(key);
  if (!fresh && cached && cached.expiresAt > calls.now().getTime()) return cached.accessToken;
  const { login_url, tenant_id, client_id, graph_url } = conn.settings;
  const req: IdpRequest = {
    method: 'POST',
    url: `${login_url}/${encodeURIComponent(tenant_id)}/oauth2/v2.0/token`,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      client_id,
      client_secret: conn.clientSecret,
      scope: `${new URL(graph_url).origin}/.default`,
      grant_type: 'client_credentials',
    }).toString(),
  };
  const answer = await callIdp(calls, req);
  logCall(log, req, answer);
  const body = jsonBody(answer) as { access_token?: unknown; expires_in?: unknown } | undefined;
  if (answer.status !== 200 || typeof body?.access_token !== 'string') throw new GraphCallFailed(answer, 'Microsoft identity platform token request failed');
  const lifetime = Number(body.expires_in);
  const expiresIn = Number.isFinite(lifetime) ? Math.max(0, lifetime - TOKEN_MARGIN_S) : 0;
  calls.tokens.set(key, { accessToken: body.access_token, expiresAt: calls.now().getTime() + expiresIn * 1000 });
  return body.access_token;
}

/**
 * One Graph call with the connection's token: throttling (429, or 503 with Retry-After)
 * waits as told and tries again, a 401 gets one fresh token. Returns the last answer.
 */
export async function graphCall(calls: IdpCalls, conn: EntraConnection, req: IdpRequest, log: CallLog): Promise<IdpAnswer> {
  let refreshed = false;
  for (let throttled = 0; ; ) {
    const token = await entraToken(calls, conn, log, refreshed);
    const answer = await callIdp(calls, { ...req, headers: { ...req.headers, Authorization: `Bearer ${token}` } });
    logCall(log, req, answer);
    if (answer.status === 401 && !refreshed) {
      refreshed = true;
      continue;
    }
    const throttledAnswer = answer.status === 429 || (answer.status === 503 && answer.retryAfter !== undefined);
    if (throttledAnswer && throttled < MAX_THROTTLED_RETRIES) {
      throttled++;
      await calls.sleep(retryAfterMs(answer.retryAfter, calls.now()));
      continue;
    }
    return answer;
  }
}

/** Retry-After as seconds or an HTTP date (RFC 9110 §10.2.3), bounded; a default when absent. */
export function retryAfterMs(value: string | undefined, now: Date): number {
  let seconds = DEFAULT_RETRY_AFTER_S;
  if (value !== undefined && /^\d+$/.test(value.trim())) seconds = Number(value.trim());
  else if (value !== undefined && !Number.isNaN(Date.parse(value))) seconds = Math.max(0, (Date.parse(value) - now.getTime()) / 1000);
  return Math.min(seconds, MAX_RETRY_AFTER_S) * 1000;
}

/** The base of Graph's v1.0 API for a connection. */
export function graphBase(conn: EntraConnection): string {
  return `${conn.settings.graph_url}/v1.0`;
}
