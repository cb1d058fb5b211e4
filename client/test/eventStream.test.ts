import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DsyncApiError } from '../src/apiError.js';
import { DsyncClient } from '../src/dsyncClient.js';
import type { DsyncEvent } from '../src/events.js';

/*
 * The stream's polling and backoff, against a scripted API (no server): each request is
 * answered by the next step of the script, and waits are recorded, not slept.
 */

type Step = { events: number[] } | { status: number } | { networkError: true };

function event(position: number): DsyncEvent {
  return {
    object: 'event',
    id: `event_${String(position).padStart(26, '0')}`,
    type: 'directory.activated',
    position,
    created_at: '2026-01-01T00:00:00.000Z',
    environment_id: 'env_01M80XA9T0PHBPXK51JAXATZZX',
    directory_id: 'directory_01M80XA9V4BK3Q8W87BX90MS5V',
    data: {} as never,
  };
}

function scripted(steps: Step[]) {
  const requests: URL[] = [];
  const fetch = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    requests.push(url);
    const step = steps.shift();
    if (!step) throw new Error('script exhausted');
    if ('networkError' in step) throw new TypeError('fetch failed');
    if ('status' in step) {
      return Response.json({ error: { code: step.status === 401 ? 'unauthorized' : 'internal_error', message: 'scripted' } }, { status: step.status });
    }
    const after = step.events.length > 0 ? String(step.events[step.events.length - 1]) : url.searchParams.get('after');
    return Response.json({ data: step.events.map(event), list_metadata: { after } });
  };
  return { client: new DsyncClient({ baseUrl: 'http://dsync.test', apiKey: 'dsync_key_test', fetch }), requests };
}

/** Runs a stream until `stopAfterWaits` waits were recorded (then aborts) or it ends; returns positions and waits. */
async function run(steps: Step[], opts: { stopAfterWaits?: number; after?: number; stopWhenCaughtUp?: boolean; limit?: number } = {}) {
  const { client, requests } = scripted(steps);
  const controller = new AbortController();
  const waits: number[] = [];
  const errors: [string, number][] = [];
  const positions: number[] = [];
  const stream = client.events.stream({
    environmentId: 'env_01M80XA9T0PHBPXK51JAXATZZX',
    types: ['user.created', 'user.deleted'],
    after: opts.after,
    limit: opts.limit ?? 2,
    stopWhenCaughtUp: opts.stopWhenCaughtUp,
    signal: controller.signal,
    random: () => 0.5, // no jitter
    onError: (err, ms) => errors.push([err instanceof DsyncApiError ? `HTTP ${err.status}` : String(err), ms]),
    sleep: async (ms) => {
      waits.push(ms);
      if (waits.length === opts.stopAfterWaits) controller.abort();
    },
  });
  for await (const e of stream) positions.push(e.position);
  return { positions, waits, errors, requests };
}

describe('events.stream', () => {
  test('fetches full pages back to back, then waits longer while the log stays empty', async () => {
    const { positions, waits, requests } = await run(
      [{ events: [1, 2] }, { events: [3] }, { events: [] }, { events: [] }, { events: [] }, { events: [4] }, { events: [] }],
      { stopAfterWaits: 6 },
    );
    assert.deepEqual(positions, [1, 2, 3, 4]);
    // after a partial page: 1 s; empty pages: 1, 2, 4 s; an event resets the wait.
    assert.deepEqual(waits, [1000, 1000, 2000, 4000, 1000, 1000]);
    assert.deepEqual(
      requests.map((u) => u.searchParams.get('after')),
      [null, '2', '3', '3', '3', '3', '4'],
    );
    assert.equal(requests[0].pathname, '/api/v1/events');
    assert.equal(requests[0].searchParams.get('environment_id'), 'env_01M80XA9T0PHBPXK51JAXATZZX');
    assert.equal(requests[0].searchParams.get('types'), 'user.created,user.deleted');
    assert.equal(requests[0].searchParams.get('limit'), '2');
  });

  test('the idle wait stops growing at maxDelayMs', async () => {
    const { client } = scripted(Array.from({ length: 8 }, () => ({ events: [] })));
    const controller = new AbortController();
    const waits: number[] = [];
    const stream = client.events.stream({
      maxDelayMs: 5000,
      signal: controller.signal,
      random: () => 0.5,
      sleep: async (ms) => {
        waits.push(ms);
        if (waits.length === 6) controller.abort();
      },
    });
    for await (const _ of stream) assert.fail('no events expected');
    assert.deepEqual(waits, [1000, 2000, 4000, 5000, 5000, 5000]);
  });

  test('resumes after the given position', async () => {
    const { positions, requests } = await run([{ events: [8] }], { after: 7, stopWhenCaughtUp: true });
    assert.deepEqual(positions, [8]);
    assert.equal(requests[0].searchParams.get('after'), '7');
  });

  test('retries 5xx and network failures with backoff, then goes on from the same cursor', async () => {
    const { positions, waits, errors, requests } = await run(
      [{ events: [1, 2] }, { status: 503 }, { networkError: true }, { status: 500 }, { events: [3] }],
      { stopWhenCaughtUp: true },
    );
    assert.deepEqual(positions, [1, 2, 3]);
    assert.deepEqual(waits, [1000, 2000, 4000]);
    assert.deepEqual(errors, [['HTTP 503', 1000], ['TypeError: fetch failed', 2000], ['HTTP 500', 4000]]);
    assert.deepEqual(requests.map((u) => u.searchParams.get('after')), [null, '2', '2', '2', '2']);
  });

  test('ends with the DsyncApiError of an answer that retrying cannot fix (401)', async () => {
    await assert.rejects(run([{ events: [1] }, { status: 401 }], { limit: 1 }), { name: 'DsyncApiError', status: 401, code: 'unauthorized' });
  });

  test('ends without an error when the signal aborts during a wait', async () => {
    const { positions, waits } = await run([{ events: [1] }, { events: [] }], { stopAfterWaits: 1 });
    assert.deepEqual(positions, [1]);
    assert.deepEqual(waits, [1000]);
  });

  test('stopWhenCaughtUp ends at the first page that is not full', async () => {
    const { positions, waits } = await run([{ events: [1, 2] }, { events: [3, 4] }, { events: [5] }, { events: [6] }], { stopWhenCaughtUp: true });
    assert.deepEqual(positions, [1, 2, 3, 4, 5]);
    assert.deepEqual(waits, []);
  });
});
