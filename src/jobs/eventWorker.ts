import { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { Config } from '../config';
import { assignAllPositions } from '../events/assignPositions';
import { ClaimedDelivery, claimDelivery } from '../webhooks/claimDelivery';
import { deliverOne } from '../webhooks/deliverOne';
import { fanOutDeliveries } from '../webhooks/fanOut';
import { createDeliveryAgents } from '../webhooks/httpDelivery';
import { resolveSecretsKey, secretBox } from '../webhooks/secretBox';
import { NotificationListener, createNotificationListener } from './notificationListener';
import { WorkerMetrics } from './workerMetrics';

export type WorkerDeps = {
  dataSource: DataSource;
  config: Config;
  logger: Logger;
  metrics?: WorkerMetrics;
  /** The process's LISTEN connection; without one the worker opens (and closes) its own. */
  listener?: NotificationListener;
};
export type Worker = { stop(): Promise<void>; kick(): void };

// Time a claim allows beyond the HTTP timeout (reading the event, signing, recording the outcome).
const LEASE_SECONDS_MARGIN = 20;

/**
 * The event loop of a dsync process: the event sequencer (positions committed events
 * and fans out webhook deliveries) and the webhook delivery loop (up to `concurrency`
 * endpoints at a time, one delivery per endpoint). Woken by LISTEN/NOTIFY, with
 * polling as the fallback. Safe to run in several processes at once. It is not a
 * graphile-worker task: see "Jobs" in docs/architecture.md.
 */
export async function startWorker(
  deps: WorkerDeps,
  opts: { concurrency?: number; leaseMarginSeconds?: number } = {},
): Promise<Worker> {
  const { dataSource: ds, config, logger } = deps;
  const box = secretBox(await resolveSecretsKey(ds.manager, config.secretsKey));
  const concurrency = opts.concurrency ?? 8;
  // A claim of a worker that died is retried by another once this has passed since the claim.
  const leaseSeconds = Math.ceil(config.webhook.timeoutMs / 1000) + (opts.leaseMarginSeconds ?? LEASE_SECONDS_MARGIN);
  let stopping = false;
  let inFlight = 0;
  const running = new Set<Promise<unknown>>();
  // A wake-up while an iteration runs is remembered, so a notification is never missed.
  let woken = false;
  let wakeSleeper: (() => void) | undefined;
  const wake = () => {
    woken = true;
    wakeSleeper?.();
  };

  const sequence = async () => {
    const n = await assignAllPositions(ds, { afterAssign: fanOutDeliveries });
    if (n > 0) deps.metrics?.eventsPositioned.inc(n);
  };

  const agents = createDeliveryAgents(concurrency);
  // Delivers a claim, then the same endpoint's next due ones, each claimed in the
  // transaction that records the previous outcome (no new scan per delivery).
  const deliverChain = async (first: ClaimedDelivery) => {
    let claim: ClaimedDelivery | undefined = first;
    while (claim) {
      const continueLeaseSeconds = stopping ? undefined : leaseSeconds;
      const { result, next }: Awaited<ReturnType<typeof deliverOne>> = await deliverOne(ds, box, claim, {
        ...config.webhook,
        agents,
        continueLeaseSeconds,
      });
      deps.metrics?.webhookOutcomes.inc({ outcome: result });
      claim = next;
    }
  };

  // One fill loop at a time; a completion during it asks for another pass.
  let filling = false;
  let refill = false;
  const fill = async (): Promise<void> => {
    if (filling) {
      refill = true;
      return;
    }
    filling = true;
    try {
      do {
        refill = false;
        while (!stopping && inFlight < concurrency) {
          const claim = await claimDelivery(ds, leaseSeconds);
          if (!claim) break;
          inFlight++;
          const p = deliverChain(claim)
            .catch((err) => logger.error({ err, delivery_id: claim.id }, 'webhook delivery failed unexpectedly'))
            .finally(() => {
              inFlight--;
              running.delete(p);
              // The endpoint may have its next delivery due now: claim again straight away,
              // without a full pass of the loop (no sequencer run per delivery).
              void fill().catch((err) => logger.error({ err }, 'webhook claim failed'));
            });
          running.add(p);
        }
      } while (refill && !stopping);
    } finally {
      filling = false;
    }
  };

  const ownListener = deps.listener ? undefined : createNotificationListener(dataSourceUrl(ds), logger);
  const unsubscribe = (deps.listener ?? ownListener!).subscribe(['dsync_events', 'dsync_deliveries'], () => wake());

  const loop = (async () => {
    while (!stopping) {
      woken = false;
      try {
        await sequence();
        await fill();
      } catch (err) {
        if (!stopping) logger.error({ err }, 'worker iteration failed');
      }
      if (woken || stopping) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, config.workerPollMs);
        wakeSleeper = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wakeSleeper = undefined;
    }
  })();

  return {
    kick: () => wake(),
    async stop() {
      stopping = true;
      wake();
      await loop;
      await Promise.allSettled([...running]);
      unsubscribe();
      await ownListener?.close();
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}

function dataSourceUrl(ds: DataSource): string {
  return (ds.options as { url?: string }).url ?? '';
}
