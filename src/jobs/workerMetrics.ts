import { Counter, Gauge, Registry } from 'prom-client';
import { DataSource } from 'typeorm';

/** What the worker reports to Prometheus. */
export type WorkerMetrics = {
  eventsPositioned: Counter;
  webhookOutcomes: Counter<'outcome'>;
};

/** Registers the worker's metrics, and backlog gauges computed at scrape time, on a registry. */
export function createWorkerMetrics(registry: Registry, ds: DataSource): WorkerMetrics {
  new Gauge({
    name: 'dsync_event_backlog',
    help: 'Events committed but not yet given a position, and webhook deliveries not yet sent',
    labelNames: ['kind'],
    registers: [registry],
    async collect() {
      const [row] = await ds.query(
        `SELECT (SELECT count(*) FROM events WHERE position IS NULL) AS unpositioned,
                (SELECT count(*) FROM webhook_deliveries WHERE status IN ('pending', 'delivering')) AS deliveries`,
      );
      this.set({ kind: 'unpositioned_events' }, Number(row.unpositioned));
      this.set({ kind: 'pending_deliveries' }, Number(row.deliveries));
    },
  });
  return {
    eventsPositioned: new Counter({
      name: 'dsync_events_positioned_total',
      help: 'Events given their consumer position',
      registers: [registry],
    }),
    webhookOutcomes: new Counter({
      name: 'dsync_webhook_attempts_total',
      help: 'Webhook delivery attempts by outcome (succeeded, retrying, failed, stale)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
  };
}
