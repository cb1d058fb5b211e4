import http from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import { AddressInfo } from 'node:net';

/** A user as the fake directory holds them. */
export type FakeGraphUser = { id: string; userPrincipalName: string; lastSignInDateTime?: string | null };

/** One request as the fake saw it. */
export type FakeGraphRequest = { method: string; path: string; status: number };

/** The app registration the fake's token endpoint accepts. */
export type FakeGraphApp = { tenantId: string; clientId: string; clientSecret: string };

/**
 * A fake of Microsoft Graph and of the Microsoft identity platform's token endpoint on
 * loopback, over real HTTP, as one server (a connection gives it as both `graph_url`
 * and `login_url`): client-credentials tokens (`POST /{tenant}/oauth2/v2.0/token`),
 * the user list with `signInActivity` in pages linked by `@odata.nextLink`, a user by
 * userPrincipalName, and a service principal's `appRoleAssignedTo` (list filtered on
 * `principalId`, delete). Graph calls need a token it issued. `throttleNext` answers the
 * next calls 429 with Retry-After; `failNext` makes the next calls of a method fail.
 */
export async function startFakeGraph(app: FakeGraphApp, opts: { pageSize?: number } = {}) {
  const pageSize = opts.pageSize ?? 100;
  const users: FakeGraphUser[] = [];
  const assignments: { id: string; principalId: string; resourceId: string }[] = [];
  const issued = new Set<string>();
  const requests: FakeGraphRequest[] = [];
  const throttles: string[] = [];
  const failures: { method: string; status: number }[] = [];
  /** Where `@odata.nextLink` points; the fake itself unless changed. */
  const settings = { nextLinkOrigin: '' };
  let url = '';

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const full = new URL(req.url ?? '/', url);
      const answer = (status: number, body?: object, headers: Record<string, string> = {}) => {
        requests.push({ method: req.method ?? '', path: `${full.pathname}${full.search}`, status });
        res.writeHead(status, { ...(body ? { 'Content-Type': 'application/json' } : {}), ...headers });
        res.end(body ? JSON.stringify(body) : undefined);
      };
      const graphError = (status: number, code: string, message: string) => answer(status, { error: { code, message } });

      if (req.method === 'POST' && full.pathname === `/${app.tenantId}/oauth2/v2.0/token`) {
        const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
        const ok =
          form.get('grant_type') === 'client_credentials' &&
          form.get('client_id') === app.clientId &&
          form.get('client_secret') === app.clientSecret &&
          form.get('scope') === `${url}/.default`;
        if (!ok) return answer(401, { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.' });
        const token = randomBytes(24).toString('base64url');
        issued.add(token);
        return answer(200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: token });
      }
      if (!full.pathname.startsWith('/v1.0/')) return graphError(404, 'UnknownPath', 'Unknown path');
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!bearer || !issued.has(bearer)) return graphError(401, 'InvalidAuthenticationToken', 'Access token validation failure.');
      const throttle = throttles.shift();
      if (throttle !== undefined) {
        return answer(429, { error: { code: 'TooManyRequests', message: 'Too many requests' } }, { 'Retry-After': throttle });
      }
      const failure = failures.findIndex((f) => f.method === req.method);
      if (failure >= 0) {
        const [{ status }] = failures.splice(failure, 1);
        return graphError(status, status === 403 ? 'Authorization_RequestDenied' : 'ServiceUnavailable', status === 403 ? 'Insufficient privileges to complete the operation.' : 'The service is temporarily unavailable.');
      }

      const path = full.pathname.slice('/v1.0'.length);
      if (req.method === 'GET' && path === '/users') {
        if (!(full.searchParams.get('$select') ?? '').split(',').includes('signInActivity')) return graphError(400, 'BadRequest', '$select must name signInActivity');
        const from = Number(full.searchParams.get('$skiptoken') ?? 0);
        const page = users.slice(from, from + pageSize).map((u) => ({
          id: u.id,
          userPrincipalName: u.userPrincipalName,
          ...(u.lastSignInDateTime === undefined ? {} : { signInActivity: u.lastSignInDateTime === null ? null : { lastSignInDateTime: u.lastSignInDateTime, lastNonInteractiveSignInDateTime: null } }),
        }));
        const next = from + pageSize < users.length ? `${settings.nextLinkOrigin || url}/v1.0/users?$select=${full.searchParams.get('$select')}&$skiptoken=${from + pageSize}` : undefined;
        return answer(200, { '@odata.context': `${url}/v1.0/$metadata#users`, value: page, ...(next ? { '@odata.nextLink': next } : {}) });
      }
      const user = /^\/users\/([^/]+)$/.exec(path);
      if (req.method === 'GET' && user) {
        const wanted = decodeURIComponent(user[1]).toLowerCase();
        const found = users.find((u) => u.userPrincipalName.toLowerCase() === wanted || u.id === wanted);
        return found ? answer(200, { id: found.id }) : graphError(404, 'Request_ResourceNotFound', `Resource '${wanted}' does not exist.`);
      }
      const assigned = /^\/servicePrincipals\/([^/]+)\/appRoleAssignedTo(?:\/([^/]+))?$/.exec(path);
      if (assigned && req.method === 'GET' && !assigned[2]) {
        const filter = /^principalId eq ([0-9a-f-]+)$/.exec(full.searchParams.get('$filter') ?? '');
        const value = assignments.filter((a) => a.resourceId === assigned[1] && (!filter || a.principalId === filter[1]));
        return answer(200, { value: value.map((a) => ({ ...a, principalType: 'User', appRoleId: '00000000-0000-0000-0000-000000000000' })) });
      }
      if (assigned && req.method === 'DELETE' && assigned[2]) {
        const i = assignments.findIndex((a) => a.resourceId === assigned[1] && a.id === decodeURIComponent(assigned[2]));
        if (i < 0) return graphError(404, 'Request_ResourceNotFound', 'Resource does not exist.');
        assignments.splice(i, 1);
        return answer(204);
      }
      graphError(404, 'UnknownPath', 'Unknown path');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    /** Both the Graph URL and the login URL of a connection. */
    url,
    users,
    requests,
    /** Assigns a user to the enterprise app whose service principal is `spId`; returns the assignment id. */
    assign(spId: string, principalId: string): string {
      const id = randomBytes(16).toString('base64url');
      assignments.push({ id, principalId, resourceId: spId });
      return id;
    },
    /** Removes a user's assignments, as an answer lost after the work was done would leave them. */
    unassign(spId: string, principalId: string) {
      for (const a of assignments.filter((x) => x.resourceId === spId && x.principalId === principalId)) assignments.splice(assignments.indexOf(a), 1);
    },
    assignmentsOf: (spId: string, principalId: string) => assignments.filter((a) => a.resourceId === spId && a.principalId === principalId),
    /** The next calls to Graph answer 429 with these Retry-After values. */
    throttleNext: (...retryAfter: string[]) => throttles.push(...retryAfter),
    /** The next Graph calls of this method answer these statuses. */
    failNext: (method: 'GET' | 'DELETE', ...statuses: number[]) => failures.push(...statuses.map((status) => ({ method, status }))),
    settings,
    tokenRequests: () => requests.filter((r) => r.path.endsWith('/oauth2/v2.0/token')).length,
    newUserId: () => randomUUID(),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A fake Microsoft Graph. */
export type FakeGraph = Awaited<ReturnType<typeof startFakeGraph>>;
