import http from 'node:http';
import { AddressInfo } from 'node:net';

/** One delivery attempt as the subscriber saw it. */
export type HookRequest = {
  /** Arrival order over the whole subscriber, from 0. */
  index: number;
  /** The URL path, which tells endpoints sharing the subscriber apart. */
  path: string;
  headers: http.IncomingHttpHeaders;
  /** The raw body, exactly as received (what signatures are computed over). */
  body: string;
  eventId: string;
  position: number;
  receivedAt: number;
  /** The status answered, once answered; undefined while held or if the sender went away. */
  status?: number;
};

/** Decides the status of an attempt; a promise that never settles holds the request open. */
export type Answer = (r: HookRequest) => number | Promise<number>;

/**
 * A webhook subscriber on loopback that records every attempt (not only the
 * successful ones) and watches concurrency: `overlaps` lists requests that arrived on
 * a path while an earlier request on that path had not been answered yet, which the
 * one-delivery-at-a-time rule of an endpoint forbids. It can listen on a given port,
 * so a test can start it only after the worker has been failing to connect.
 */
export async function startHookSubscriber(answer: Answer = () => 200, port = 0) {
  const requests: HookRequest[] = [];
  const overlaps: HookRequest[] = [];
  const open = new Map<string, number>();
  const waiters = new Set<() => void>();
  const changed = () => waiters.forEach((w) => w());

  const server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    const overlapping = (open.get(path) ?? 0) > 0;
    open.set(path, (open.get(path) ?? 0) + 1);
    let closed = false;
    const finish = () => {
      if (closed) return;
      closed = true;
      open.set(path, (open.get(path) ?? 1) - 1);
      changed();
    };
    res.on('finish', finish);
    res.on('close', finish);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const parsed = JSON.parse(body) as { id: string; position: number };
      const r: HookRequest = {
        index: requests.length,
        path,
        headers: req.headers,
        body,
        eventId: parsed.id,
        position: parsed.position,
        receivedAt: Date.now(),
      };
      requests.push(r);
      if (overlapping) overlaps.push(r);
      changed();
      void Promise.resolve(answer(r)).then((status) => {
        if (res.destroyed) return;
        r.status = status;
        res.writeHead(status, { 'Content-Type': 'text/plain' }).end('ok');
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    /** The subscriber's URL for a path, e.g. url('/a'). */
    url: (path = '/hooks') => `${base}${path}`,
    requests,
    overlaps,
    /** Resolves once `check` holds over what was received; re-checked on every arrival and answer. */
    waitFor(check: (requests: HookRequest[]) => boolean, timeoutMs = 20000, label = 'subscriber condition'): Promise<void> {
      return new Promise((resolve, reject) => {
        const waiter = () => {
          if (!check(requests)) return;
          clearTimeout(timer);
          waiters.delete(waiter);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`${label} not reached within ${timeoutMs} ms; ${requests.length} requests received`));
        }, timeoutMs);
        waiters.add(waiter);
        waiter();
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export type HookSubscriber = Awaited<ReturnType<typeof startHookSubscriber>>;
