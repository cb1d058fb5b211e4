import { DataSource } from 'typeorm';
import { RateLimiter } from './rateLimiter';

/** A data source whose take statement answers from `answers`, counting the statements. */
function fakeDatabase(answers: { granted: number; tokens: number }[]) {
  const calls: unknown[][] = [];
  const ds = {
    query: async (_sql: string, params: unknown[]) => {
      calls.push(params);
      return [answers.shift() ?? { granted: 0, tokens: 0 }];
    },
  } as unknown as DataSource;
  return { ds, calls };
}

const SCIM = { requestsPerSecond: 100, burst: 200 };

test('admits from a chunk taken with one statement, and takes the next chunk when it is spent', async () => {
  const { ds, calls } = fakeDatabase([{ granted: 10, tokens: 190 }, { granted: 10, tokens: 180 }]);
  const now = 1_000_000;
  const limiter = new RateLimiter(ds, () => now);
  const answers = [];
  for (let i = 0; i < 15; i++) answers.push(await limiter.admit('scim_token:a', SCIM));
  expect(answers.every((a) => a.admitted)).toBe(true);
  // A chunk is a tenth of a second's rate (10), at most a tenth of the burst.
  expect(calls).toEqual([
    ['scim_token:a', 200, 100, 10],
    ['scim_token:a', 200, 100, 10],
  ]);
});

test('while the allowance lasts, admission is synchronous (no statement, no promise)', async () => {
  const { ds } = fakeDatabase([{ granted: 10, tokens: 190 }]);
  const limiter = new RateLimiter(ds, () => 0);
  await limiter.admit('scim_token:a', SCIM);
  expect(limiter.admit('scim_token:a', SCIM)).toEqual({ admitted: true });
});

test('an empty bucket refuses with the wait for one token, and for up to a second refuses again without asking the database', async () => {
  const { ds, calls } = fakeDatabase([{ granted: 0, tokens: 0.25 }, { granted: 5, tokens: 0 }]);
  let now = 0;
  const limiter = new RateLimiter(ds, () => now);
  const slow = { requestsPerSecond: 0.5, burst: 5 };
  // (1 - 0.25) tokens at 0.5 per second: 1.5 s, sent as 2 whole seconds.
  expect(await limiter.admit('api_key:k', slow)).toEqual({ admitted: false, retryAfterSeconds: 2 });
  now = 900;
  expect(await limiter.admit('api_key:k', slow)).toEqual({ admitted: false, retryAfterSeconds: 1 });
  expect(calls).toHaveLength(1);
  // Local refusals last at most a second, so a limit raised meanwhile is seen by then.
  now = 1000;
  expect(await limiter.admit('api_key:k', slow)).toEqual({ admitted: true });
  expect(calls).toHaveLength(2);
});

test('tokens left unused for a second are dropped, and concurrent requests share one refill', async () => {
  const { ds, calls } = fakeDatabase([{ granted: 10, tokens: 0 }, { granted: 10, tokens: 0 }]);
  let now = 0;
  const limiter = new RateLimiter(ds, () => now);
  const burst = await Promise.all(Array.from({ length: 10 }, () => limiter.admit('scim_token:a', SCIM)));
  expect(burst.every((a) => a.admitted)).toBe(true);
  expect(calls).toHaveLength(1);
  now = 1001;
  expect(await limiter.admit('scim_token:a', SCIM)).toEqual({ admitted: true });
  expect(calls).toHaveLength(2);
});
