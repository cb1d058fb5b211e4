import http from 'node:http';
import { AddressInfo } from 'node:net';
import { verifyWebhook } from '../src/webhooks/verifyWebhook';

/** The first receipt of one event, as the subscriber saw it. */
export type Receipt = {
  type: string;
  directoryId: string | null;
  /** The event's `created_at` from the delivered JSON, in ms since the epoch. */
  createdAtMs: number;
  /** When the whole request body had arrived, in ms since the epoch (this machine's clock). */
  receivedAtMs: number;
  /** Deliveries of this event after the first one (at-least-once delivery allows them; we count them). */
  duplicates: number;
};

/** A webhook subscriber on loopback, in this process, recording every event it is sent. */
export type WebhookSubscriber = {
  url: string;
  /** Every event received, by event id. */
  receipts: Map<string, Receipt>;
  /** Arrival time of every request, duplicates included, in order. */
  arrivals: number[];
  /** Requests whose Dsync-Signature did not verify (malformed, stale or mismatching). */
  badSignatures: number;
  /** Requests whose body was not an event (not JSON, or no id and created_at). */
  malformed: number;
  /** The endpoint's signing secret, known only once the endpoint has been created with this URL. */
  setSecret(secret: string): void;
  close(): Promise<void>;
};

type Held = { body: Buffer; signature: string | undefined; receivedAtMs: number };

/**
 * Starts the subscriber the event-latency mode delivers to. It answers 200 at once,
 * verifies each delivery's signature with the project's own `verifyWebhook` (what a
 * subscriber is told to use), and records the receive time of each event and any
 * repeat delivery of it. Requests that arrive before the secret is known are held
 * and verified when it is set.
 */
export async function startWebhookSubscriber(): Promise<WebhookSubscriber> {
  let secret: string | undefined;
  const held: Held[] = [];
  const receipts = new Map<string, Receipt>();
  const arrivals: number[] = [];
  const state = { badSignatures: 0, malformed: 0 };

  const record = ({ body, signature, receivedAtMs }: Held, key: string) => {
    if (!verifyWebhook(body, signature, key).ok) state.badSignatures++;
    const event = parseEvent(body);
    if (!event) {
      state.malformed++;
      return;
    }
    const seen = receipts.get(event.id);
    if (seen) seen.duplicates++;
    else receipts.set(event.id, { type: event.type, directoryId: event.directoryId, createdAtMs: event.createdAtMs, receivedAtMs, duplicates: 0 });
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const receivedAtMs = Date.now();
      arrivals.push(receivedAtMs);
      res.writeHead(200).end();
      const header = req.headers['dsync-signature'];
      const delivery = { body: Buffer.concat(chunks), signature: Array.isArray(header) ? header.join(',') : header, receivedAtMs };
      if (secret === undefined) held.push(delivery);
      else record(delivery, secret);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/hooks/dsync`,
    receipts,
    arrivals,
    get badSignatures() {
      return state.badSignatures;
    },
    get malformed() {
      return state.malformed;
    },
    setSecret(value) {
      secret = value;
      for (const delivery of held.splice(0)) record(delivery, value);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

// The fields of a delivered event (src/events/presentEvent.ts) that latency and counting need.
function parseEvent(body: Buffer): { id: string; type: string; directoryId: string | null; createdAtMs: number } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const e = parsed as Record<string, unknown>;
  const createdAtMs = typeof e.created_at === 'string' ? Date.parse(e.created_at) : NaN;
  if (typeof e.id !== 'string' || typeof e.type !== 'string' || Number.isNaN(createdAtMs)) return undefined;
  return { id: e.id, type: e.type, directoryId: typeof e.directory_id === 'string' ? e.directory_id : null, createdAtMs };
}
