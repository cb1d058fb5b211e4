import http from 'node:http';
import https from 'node:https';
import { guardedLookup, literalAddressRefusal } from './urlPolicy';

/** Connection pools a worker reuses across deliveries (keep-alive), one per scheme. */
export type DeliveryAgents = { http: http.Agent; https: https.Agent };

/** Keep-alive agents for a worker; sockets idle longer than a few seconds are closed. */
export function createDeliveryAgents(maxSockets: number): DeliveryAgents {
  const options = { keepAlive: true, keepAliveMsecs: 1000, maxSockets, maxFreeSockets: maxSockets, timeout: 5000 };
  return { http: new http.Agent(options), https: new https.Agent(options) };
}

/** The outcome of one HTTP attempt: a status code, or a transport error (timeout, refused, DNS). */
export type AttemptOutcome = { ok: boolean; statusCode: number | null; error: string | null };

/**
 * POSTs one webhook. Redirects are not followed (a 3xx is a failure), the whole
 * attempt is bounded by `timeoutMs`, and addresses are checked after DNS resolution
 * (literal addresses before connecting).
 * Only 2xx counts as delivered. The response body is read and discarded (bounded).
 */
export function postWebhook(
  url: string,
  body: string,
  headers: Record<string, string>,
  opts: { timeoutMs: number; allowPrivateNetworks: boolean; agents?: DeliveryAgents },
): Promise<AttemptOutcome> {
  const target = new URL(url);
  const refused = literalAddressRefusal(target.hostname, opts.allowPrivateNetworks);
  if (refused) return Promise.resolve({ ok: false, statusCode: null, error: refused });
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: AttemptOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const secure = target.protocol === 'https:';
    const client = secure ? https : http;
    const req = client.request(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'Content-Length': Buffer.byteLength(body).toString() },
        lookup: guardedLookup(opts.allowPrivateNetworks) as never,
        // Keep-alive sockets were address-checked when they connected (guardedLookup).
        agent: opts.agents ? (secure ? opts.agents.https : opts.agents.http) : false,
      },
      (res) => {
        let received = 0;
        res.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > 64 * 1024) res.destroy(); // we never need more than the status
        });
        const done = () => {
          const code = res.statusCode ?? 0;
          finish({ ok: code >= 200 && code < 300, statusCode: code, error: code >= 200 && code < 300 ? null : `HTTP ${code}` });
        };
        res.on('end', done);
        res.on('close', done);
        res.on('error', done);
      },
    );
    const timer = setTimeout(() => {
      req.destroy(new Error(`timed out after ${opts.timeoutMs} ms`));
    }, opts.timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) => finish({ ok: false, statusCode: null, error: err.message.slice(0, 500) }));
    req.end(body);
  });
}
