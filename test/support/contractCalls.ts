import { Express } from 'express';
import request from 'supertest';
import { makeApiKey, makeEnvironment } from './factories';
import { assertMatchesContract, documentedOperations } from './openapi';
import { ADMIN_KEY, TestApp } from './testApp';

/**
 * The contract tests' recorder: each test file sends its requests through `call`, which
 * checks every response against openapi.yaml and records `${operationId} ${status}`;
 * the file's last test then proves every documented status of the operations whose
 * tags it owns (test/contract/ownership.ts) was reached.
 */

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** How one request is sent. */
export type Call = {
  /** The bearer key; ADMIN_KEY unless given, none when null. */
  key?: string | null;
  body?: unknown;
  /** Sent as-is with `contentType`, for bodies JSON cannot express. */
  raw?: string;
  contentType?: string;
  /** The app to send it to; the recorder's default app unless given. */
  app?: TestApp;
};

/** Which documented statuses a file need not reach itself. */
export type CoverageOptions = {
  /**
   * Statuses answered by handlers shared by every operation (500, 413, 415): not
   * required of each operation of the tags; one sample (see `samples`) proves their shape.
   */
  sampledOnce?: readonly string[];
  /** `${operationId} ${status}` entries required besides the tags' own, e.g. the samples of shared statuses. */
  samples?: readonly string[];
};

/** A file's contract recorder: its `call`, what it exercised, and its coverage assertion. */
export type ContractRecorder = {
  call(method: Method, path: string, c?: Call): Promise<request.Response>;
  exercised: Set<string>;
  /** Asserts every documented status of every operation tagged with one of `tags` was exercised; returns what was required. */
  expectTagsCovered(tags: readonly string[], opts?: CoverageOptions): string[];
};

/** A recorder sending to `defaultApp()` (read at call time, so it may be built in beforeAll). */
export function contractRecorder(defaultApp: () => TestApp): ContractRecorder {
  const exercised = new Set<string>();

  async function call(method: Method, path: string, c: Call = {}): Promise<request.Response> {
    let req = request((c.app ?? defaultApp()).app)[method](path);
    if (c.key !== null) req = req.set('Authorization', `Bearer ${c.key ?? ADMIN_KEY}`);
    if (c.raw !== undefined) req = req.set('Content-Type', c.contentType ?? 'application/json').send(c.raw);
    else if (c.body !== undefined) req = req.send(c.body as object);
    const res = await req;
    const m = assertMatchesContract(res, method, path);
    exercised.add(`${m.operationId} ${m.status}`);
    return res;
  }

  function expectTagsCovered(tags: readonly string[], opts: CoverageOptions = {}): string[] {
    const operations = documentedOperations();
    // An empty list or a misspelt tag would otherwise require nothing and pass.
    expect(tags.length).toBeGreaterThan(0);
    const unused = tags.filter((tag) => !operations.some((o) => (o.operation.tags ?? []).includes(tag)));
    expect({ tagsWithoutOperations: unused }).toEqual({ tagsWithoutOperations: [] });
    // 429 comes from the rate limiter every /api/v1 operation shares; test/contract/rateLimits.test.ts samples it.
    const sampledOnce = new Set([...(opts.sampledOnce ?? []), '429']);
    const expected = operations
      .filter((o) => (o.operation.tags ?? []).some((tag) => tags.includes(tag)))
      .flatMap((o) =>
        Object.keys(o.operation.responses)
          .filter((s) => !sampledOnce.has(s))
          .map((s) => `${o.operationId} ${s}`),
      );
    expected.push(...(opts.samples ?? []));
    expect(expected.filter((e) => !exercised.has(e))).toEqual([]);
    return expected;
  }

  return { call, exercised, expectTagsCovered };
}

/** An ISO 8601 timestamp with milliseconds in UTC, as every `*_at` field is written. */
export const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

/** The body of a 401 for a missing, unknown or revoked API key. */
export const unauthorized = { error: { code: 'unauthorized', message: 'Missing or invalid API key' } };

/** The body of a 404 for `what` (e.g. 'Environment'). */
export const notFound = (what: string) => ({ error: { code: 'not_found', message: `${what} not found` } });

/** The body of a 400 without details, with `message` when it matters. */
export const invalid = (message: unknown = expect.any(String)) => ({ error: { code: 'invalid_request', message } });

/** Two environments: A with an environment key, B that the key must not see. */
export async function twoTenants(app: Express) {
  const envA = await makeEnvironment(app);
  const envB = await makeEnvironment(app);
  const keyA = await makeApiKey(app, envA.id);
  return { envA, envB, keyA };
}
