import http from 'node:http';
import { Latencies } from './latencies';

/** One SCIM write to send. */
export type WriteRequest = { method: 'POST' | 'PATCH'; path: string; body: string };

/** What a paced run sent and got back. */
export type PacedResult = {
  /** Requests due in the run (rate × seconds). */
  scheduled: number;
  /** Requests sent; fewer than scheduled when the in-flight cap held them back until the time was up. */
  sent: number;
  /** Answered 2xx. */
  ok: number;
  /** Answered with another status, or failed at the socket. */
  failed: number;
  statuses: Record<string, number>;
  /** Response times (send to last byte) of every answered request, in ms. */
  responseMs: Latencies;
  /** Requests sent more than 10 ms after they were due (the in-flight cap was reached). */
  late: number;
  /** The most any request was sent after it was due, in ms. */
  maxLagMs: number;
  /** When the first request was due, and when the last answer arrived (ms since the epoch). */
  startedAtMs: number;
  finishedAtMs: number;
  /** 2xx answers by the second (from the start) in which they arrived. */
  okPerSecond: number[];
};

const LATE_MS = 10;

/**
 * Sends `next()` requests at a fixed rate for `seconds` (open loop: a request is sent
 * when it is due, whether or not earlier ones have been answered), over keep-alive
 * connections, with at most `maxInFlight` unanswered at once so an overloaded server is
 * not buried under sockets. When the cap is reached, requests go out late (and are
 * counted as late); requests still unsent when the time is up are not sent at all, so a
 * server that cannot keep up shows as `sent` < `scheduled`. Resolves when every sent
 * request has been answered.
 */
export async function sendPaced(
  origin: string,
  headers: Record<string, string>,
  rate: number,
  seconds: number,
  next: () => WriteRequest,
  maxInFlight = 64,
): Promise<PacedResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: maxInFlight });
  const scheduled = Math.round(rate * seconds);
  const result: PacedResult = {
    scheduled,
    sent: 0,
    ok: 0,
    failed: 0,
    statuses: {},
    responseMs: new Latencies(),
    late: 0,
    maxLagMs: 0,
    startedAtMs: Date.now(),
    finishedAtMs: 0,
    okPerSecond: [],
  };
  const start = performance.now();
  let inFlight = 0;
  const endsAt = start + seconds * 1000;
  let sending = true;
  await new Promise<void>((resolve) => {
    const settle = () => {
      if (!sending && inFlight === 0) resolve();
    };
    const answered = (status: number | undefined, sentAt: number) => {
      inFlight--;
      const now = performance.now();
      result.responseMs.add(now - sentAt);
      const key = status === undefined ? 'socket error' : String(status);
      result.statuses[key] = (result.statuses[key] ?? 0) + 1;
      if (status !== undefined && status >= 200 && status < 300) {
        result.ok++;
        const second = Math.floor((now - start) / 1000);
        result.okPerSecond[second] = (result.okPerSecond[second] ?? 0) + 1;
      } else {
        result.failed++;
      }
      tick();
      settle();
    };
    const tick = () => {
      const now = performance.now();
      if (!sending) return;
      if (now >= endsAt || result.sent === scheduled) {
        sending = false;
        clearInterval(timer);
        settle();
        return;
      }
      const due = Math.min(scheduled, Math.floor(((now - start) * rate) / 1000) + 1);
      while (result.sent < due && inFlight < maxInFlight) {
        const lag = now - (start + (result.sent * 1000) / rate);
        if (lag > LATE_MS) result.late++;
        result.maxLagMs = Math.max(result.maxLagMs, lag);
        result.sent++;
        inFlight++;
        send(origin, headers, agent, next(), answered);
      }
    };
    const timer = setInterval(tick, 1);
    tick();
  });
  result.finishedAtMs = Date.now();
  agent.destroy();
  for (let i = 0; i < result.okPerSecond.length; i++) result.okPerSecond[i] ??= 0;
  return result;
}

function send(
  origin: string,
  headers: Record<string, string>,
  agent: http.Agent,
  write: WriteRequest,
  answered: (status: number | undefined, sentAt: number) => void,
): void {
  const sentAt = performance.now();
  // A socket error can follow a response that was already counted; count each request once.
  let done = false;
  const once = (status: number | undefined) => {
    if (done) return;
    done = true;
    answered(status, sentAt);
  };
  const req = http.request(`${origin}${write.path}`, {
    method: write.method,
    agent,
    headers: { ...headers, 'Content-Length': Buffer.byteLength(write.body) },
  });
  req.on('response', (res) => {
    res.resume();
    res.on('end', () => once(res.statusCode));
  });
  req.on('error', () => once(undefined));
  req.end(write.body);
}
