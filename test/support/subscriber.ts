import http from 'node:http';
import { AddressInfo } from 'node:net';

/** One request a test subscriber received. */
export type Received = { headers: http.IncomingHttpHeaders; body: string; at: number };

/**
 * A real HTTP subscriber on loopback. `respond` decides each status (default 200);
 * `waitFor` resolves when a predicate over everything received holds.
 */
export async function startSubscriber(respond: (r: Received, index: number) => number | Promise<number> = () => 200) {
  const received: Received[] = [];
  const waiters: { check: () => boolean; resolve: () => void }[] = [];
  let count = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const r = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
      const status = await respond(r, count++);
      if (status >= 200 && status < 300) received.push(r);
      res.writeHead(status, { 'Content-Type': 'text/plain' }).end('ok');
      for (const w of [...waiters]) if (w.check()) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return {
    url,
    received,
    attempts: () => count,
    waitFor(check: (received: Received[]) => boolean, timeoutMs = 15000): Promise<void> {
      if (check(received)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`subscriber waited ${timeoutMs} ms; got ${received.length}`)), timeoutMs);
        waiters.push({ check: () => check(received), resolve: () => (clearTimeout(timer), resolve()) });
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
