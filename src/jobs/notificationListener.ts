import { Client } from 'pg';
import { Logger } from 'pino';

/** A LISTEN connection that calls `onNotify` for each notification and reconnects when it drops. */
export type NotificationListener = { close(): Promise<void> };

/**
 * Listens on `channels` over a dedicated connection (not one of the pool's). If the
 * connection fails or drops, the worker keeps polling and the listener reconnects
 * with a capped backoff, waking the worker once it is back (to catch up on anything
 * notified meanwhile).
 */
export function listenForNotifications(
  url: string,
  channels: string[],
  onNotify: () => void,
  logger: Logger,
): NotificationListener {
  let closed = false;
  let client: Client | undefined;
  let delayMs = 500;
  let timer: NodeJS.Timeout | undefined;

  const connect = async () => {
    if (closed) return;
    const c = new Client({ connectionString: url, application_name: 'dsync-listener' });
    client = c;
    c.on('notification', onNotify);
    c.on('error', (err) => {
      logger.warn({ err }, 'worker LISTEN connection failed; polling until it is back');
      retry(c);
    });
    c.on('end', () => retry(c));
    try {
      await c.connect();
      await c.query(channels.map((ch) => `LISTEN ${ch}`).join('; '));
      delayMs = 500;
      onNotify();
    } catch (err) {
      logger.warn({ err }, 'worker LISTEN connection failed; polling until it is back');
      retry(c);
    }
  };

  const retry = (c: Client) => {
    if (closed || client !== c || timer) return;
    client = undefined;
    c.end().catch(() => undefined);
    timer = setTimeout(() => {
      timer = undefined;
      void connect();
    }, delayMs);
    delayMs = Math.min(delayMs * 2, 30_000);
  };

  void connect();
  return {
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      await client?.end().catch(() => undefined);
    },
  };
}
