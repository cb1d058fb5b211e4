import http from 'node:http';
import { AddressInfo } from 'node:net';

/** One request as the fake saw it. */
export type FakeOktaRequest = { method: string; path: string; authorization: string | undefined; status: number };

/**
 * A fake of Okta's management API on loopback, over real HTTP: app assignments
 * (`DELETE /api/v1/apps/{appId}/users/{userId}`, SSWS token auth), answering as Okta
 * does (204 when removed, 404 `E0000007` when there is no such assignment, 401
 * `E0000011` for a bad token). `failNext` makes the next calls fail with the given
 * statuses; with `removeAnyway` a failing call still removes the assignment, as when
 * Okta did the work but its answer was lost. `holdNext` keeps the next call waiting.
 */
export async function startFakeOkta(apiToken: string) {
  const assigned = new Set<string>();
  const failures: { status: number; removeAnyway: boolean }[] = [];
  const requests: FakeOktaRequest[] = [];
  const holds: { arrived(): void; released: Promise<void> }[] = [];

  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', async () => {
      const hold = holds.shift();
      if (hold) {
        hold.arrived();
        await hold.released;
      }
      const path = req.url ?? '/';
      const answer = (status: number, body?: object) => {
        requests.push({ method: req.method ?? '', path, authorization: req.headers.authorization, status });
        res.writeHead(status, body ? { 'Content-Type': 'application/json' } : {});
        res.end(body ? JSON.stringify(body) : undefined);
      };
      if (req.headers.authorization !== `SSWS ${apiToken}`) {
        return answer(401, { errorCode: 'E0000011', errorSummary: 'Invalid token provided', errorCauses: [] });
      }
      const m = /^\/api\/v1\/apps\/([^/]+)\/users\/([^/?]+)$/.exec(path);
      if (req.method !== 'DELETE' || !m) return answer(404, { errorCode: 'E0000022', errorSummary: 'The endpoint does not support the provided HTTP method' });
      const key = `${decodeURIComponent(m[1])}/${decodeURIComponent(m[2])}`;
      const failure = failures.shift();
      if (failure) {
        if (failure.removeAnyway) assigned.delete(key);
        return answer(failure.status, { errorCode: 'E0000009', errorSummary: 'Internal Server Error', errorCauses: [] });
      }
      if (!assigned.delete(key)) return answer(404, { errorCode: 'E0000007', errorSummary: `Not found: Resource not found: ${m[2]} (AppUser)` });
      answer(204);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    /** The org URL to give the connection. */
    url,
    requests,
    /** Assigns an Okta user to an app. */
    assign(appId: string, userId: string) {
      assigned.add(`${appId}/${userId}`);
    },
    isAssigned: (appId: string, userId: string) => assigned.has(`${appId}/${userId}`),
    /** The next calls fail with these statuses, in order. */
    failNext(statuses: number[], opts: { removeAnyway?: boolean } = {}) {
      failures.push(...statuses.map((status) => ({ status, removeAnyway: opts.removeAnyway ?? false })));
    },
    /** Holds the next request until released; `arrived` settles when it is being held. */
    holdNext() {
      let arrived!: () => void;
      let release!: () => void;
      const hold = { arrived: new Promise<void>((r) => (arrived = r)), released: new Promise<void>((r) => (release = r)) };
      holds.push({ arrived, released: hold.released });
      return { arrived: hold.arrived, release };
    },
    /** DELETEs that removed an assignment and said so. */
    successfulDeletes: () => requests.filter((r) => r.method === 'DELETE' && r.status === 204).length,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A fake Okta org. */
export type FakeOkta = Awaited<ReturnType<typeof startFakeOkta>>;
