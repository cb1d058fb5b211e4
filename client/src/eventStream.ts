import { DsyncApiError } from './apiError.js';
import type { EventListParams, Page } from './dsyncClient.js';
import type { DsyncEvent, EventType } from './events.js';

/** Options of `client.events.stream`. */
export type EventStreamOptions = {
  /** Only this environment's events (an environment key sees only its own anyway). */
  environmentId?: string;
  /** Only this directory's events. */
  directoryId?: string;
  /** Only these event types; default every type. */
  types?: readonly EventType[];
  /** Resume after this position: the `position` of the last event you handled. Default: from the oldest retained event. */
  after?: number | string | null;
  /** Events per request, 1–100. Default 100. */
  limit?: number;
  /** Stops the stream: the iterator ends (no error) at the next wait, page or event. */
  signal?: AbortSignal;
  /** End the iterator once a page comes back less than full (caught up), instead of waiting for more. Default false. */
  stopWhenCaughtUp?: boolean;
  /**
   * Wait after a page that was not full, in ms. Each further empty page doubles the wait,
   * up to `maxDelayMs`; an event resets it. Default 1000: an idle consumer makes about one
   * request per `maxDelayMs`, a busy one sees new events within a second.
   */
  minDelayMs?: number;
  /** Longest wait when idle and between retries, in ms. Default 30000. */
  maxDelayMs?: number;
  /** Called before each retry of a failed request (network error, 408, 429, 5xx) with the wait before it. */
  onError?: (error: unknown, retryInMs: number) => void;
  /** Waits `ms`, resolving early when `signal` aborts; for tests. Default: a timer. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** A number in [0, 1) for jitter (±20 % of each wait); for tests. Default `Math.random`. */
  random?: () => number;
};

/**
 * Polls the event log from a cursor and yields each event in `position` order, exactly as
 * the API returns it. Full pages are fetched back to back; otherwise it waits, longer while
 * nothing happens. Failed requests that may succeed later are retried with exponential
 * backoff; other API errors (401, 404, 400) end the iterator with a DsyncApiError.
 */
export async function* streamEvents(
  listEvents: (params: EventListParams) => Promise<Page<DsyncEvent>>,
  options: EventStreamOptions,
): AsyncGenerator<DsyncEvent, void, undefined> {
  const limit = options.limit ?? 100;
  const minDelay = options.minDelayMs ?? 1000;
  const maxDelay = options.maxDelayMs ?? 30000;
  const sleep = options.sleep ?? abortableSleep;
  const random = options.random ?? Math.random;
  const signal = options.signal;
  const wait = (attempt: number) => jitter(Math.min(maxDelay, minDelay * 2 ** attempt), random);
  let cursor = options.after === undefined || options.after === null ? undefined : String(options.after);
  let emptyPages = 0;
  let failures = 0;

  while (!signal?.aborted) {
    let page: Page<DsyncEvent>;
    try {
      const { environmentId, directoryId, types } = options;
      page = await listEvents({ environmentId, directoryId, types, after: cursor, limit, signal });
      failures = 0;
    } catch (err) {
      if (signal?.aborted) return;
      if (!isRetryable(err)) throw err;
      const delay = wait(failures++);
      options.onError?.(err, delay);
      await sleep(delay, signal);
      continue;
    }
    for (const event of page.data) {
      if (signal?.aborted) return;
      cursor = String(event.position);
      yield event;
    }
    if (page.after) cursor = page.after;
    if (page.data.length >= limit) {
      emptyPages = 0;
      continue;
    }
    if (options.stopWhenCaughtUp) return;
    emptyPages = page.data.length === 0 ? emptyPages + 1 : 0;
    await sleep(wait(Math.max(0, emptyPages - 1)), signal);
  }
}

// Network failures (fetch throws a TypeError) and answers that may change: retried.
function isRetryable(err: unknown): boolean {
  if (err instanceof DsyncApiError) return err.retryable;
  return err instanceof TypeError;
}

function jitter(ms: number, random: () => number): number {
  return Math.round(ms * (0.8 + 0.4 * random()));
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
