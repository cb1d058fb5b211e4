import { Client } from 'pg';
import { Logger } from 'pino';

/**
 * The process's one LISTEN connection for our channels. Each subscriber names its
 * channels and is called on every notification on them, and once more whenever the
 * connection is (re)established, to catch up on anything notified while it was down.
 */
export type NotificationListener = {
  /** Calls `onNotify` for notifications on `channels`; returns the unsubscribe function. */
  subscribe(channels: string[], onNotify: () => void): () => void;
  close(): Promise<void>;
};

type Subscription = { channels: Set<string>; onNotify: () => void };

// Channel names are our own constants, never input; they are still checked, since LISTEN takes no parameters.
const CHANNEL = /^[a-z_][a-z0-9_]*$/;

/**
 * Opens the listener over a dedicated connection (not one of the pool's, which it would
 * hold forever). If the connection fails or drops, subscribers keep polling and the
 * listener reconnects with a capped backoff.
 */
export function createNotificationListener(url: string, logger: Logger): NotificationListener {
  const subscriptions = new Set<Subscription>();
  const listening = new Set<string>();
  let closed = false;
  let client: Client | undefined;
  let ready = false;
  let delayMs = 500;
  let timer: NodeJS.Timeout | undefined;

  const notify = (channel?: string) => {
    for (const s of subscriptions) if (channel === undefined || s.channels.has(channel)) s.onNotify();
  };

  // LISTENs on every subscribed channel not listened on yet, including those subscribed meanwhile.
  const listenOnAll = async (c: Client) => {
    for (;;) {
      const fresh = [...new Set([...subscriptions].flatMap((s) => [...s.channels]))].filter((ch) => !listening.has(ch));
      if (fresh.length === 0) return;
      for (const ch of fresh) listening.add(ch);
      await c.query(fresh.map((ch) => `LISTEN ${ch}`).join('; '));
    }
  };

  const connect = async () => {
    if (closed) return;
    const c = new Client({ connectionString: url, application_name: 'dsync-listener' });
    client = c;
    ready = false;
    listening.clear();
    c.on('notification', (n) => notify(n.channel));
    c.on('error', (err) => {
      logger.warn({ err }, 'LISTEN connection failed; polling until it is back');
      retry(c);
    });
    c.on('end', () => retry(c));
    try {
      await c.connect();
      await listenOnAll(c);
      ready = true;
      delayMs = 500;
      notify();
    } catch (err) {
      logger.warn({ err }, 'LISTEN connection failed; polling until it is back');
      retry(c);
    }
  };

  const retry = (c: Client) => {
    if (closed || client !== c || timer) return;
    client = undefined;
    ready = false;
    c.end().catch(() => undefined);
    timer = setTimeout(() => {
      timer = undefined;
      void connect();
    }, delayMs);
    delayMs = Math.min(delayMs * 2, 30_000);
  };

  void connect();
  return {
    subscribe(channels, onNotify) {
      for (const ch of channels) if (!CHANNEL.test(ch)) throw new Error(`not a channel name: ${ch}`);
      const s: Subscription = { channels: new Set(channels), onNotify };
      subscriptions.add(s);
      // Connected already: listen on what is new. Otherwise connect() listens on every channel.
      const c = client;
      if (c && ready) {
        listenOnAll(c).then(onNotify, (err: unknown) => {
          logger.warn({ err }, 'LISTEN failed; polling until the connection is back');
          retry(c);
        });
      }
      return () => {
        subscriptions.delete(s);
      };
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      await client?.end().catch(() => undefined);
    },
  };
}
