import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Client } from 'pg';
import { BacklogSample, DRAIN_LIMIT_S, sampleBacklog, waitForDrain } from './eventBacklog';
import { formatEventLine } from './eventsReport';
import { ExplainedShape } from './explain';
import { explainClaims } from './explainClaim';
import { Latencies } from './latencies';
import { MachineInfo, describeMachine } from './machine';
import { BenchOptions } from './options';
import { PacedResult, WriteRequest, sendPaced } from './pacedWrites';
import { UsageSample, highWaterMiB, rssMiB, watchProcess } from './processStats';
import { BenchTenant, InactivePolicy, adminHeaders, call, scimHeaders, seedDirectory } from './seed';
import { postedNaming, userBody } from './userBody';
import { WebhookSubscriber, startWebhookSubscriber } from './webhookSubscriber';

/** The processes under test: the server, and the worker when it runs as its own process. */
export type EventsServer = { baseUrl: string; pid: number; workerPid?: number };

/** The outcome of one write rate. */
export type EventRateResult = {
  targetRate: number;
  writes: PacedResult;
  /** 2xx writes per second, from the first request's due time to the last answer. */
  achievedRate: number;
  /** Events the measured writes recorded (the events table, created at or after the first write). */
  eventsWritten: number;
  eventTypes: Record<string, number>;
  /** Of those, the ones the subscriber received, and repeat deliveries of them. */
  delivered: number;
  duplicates: number;
  /** Deliveries in this measurement whose signature failed to verify, or whose body was not an event. */
  badSignatures: number;
  malformed: number;
  /** Subscriber receive time − the event's created_at, per delivered event. */
  deliveryMs: Latencies;
  /** created_at → the sequencer's transaction that positioned it and created its delivery. */
  positionedMs: Latencies;
  /** That transaction → subscriber receive time (queueing per endpoint, claim, send). */
  sendMs: Latencies;
  backlog: BacklogSample[];
  /** Seconds from the last write's answer until nothing was pending; undefined if not within DRAIN_LIMIT_S. */
  drainS: number | undefined;
  /** Deliveries received per second from the first write (repeats included). */
  deliveredPerSecond: number[];
  /** Server, bench and machine CPU while writing, and over writing plus draining (with peak RSS). */
  writeUsage: UsageSample;
  usage: UsageSample;
  /** The same for the worker process, when it runs as one. */
  workerWriteUsage?: UsageSample;
  workerUsage?: UsageSample;
  /** The bench process's event-loop delay while measuring (it bounds the error of receive times), in ms. */
  benchLoopDelayMs: { p99: number; max: number };
};

/** Everything an event-latency run measured. */
export type EventsRecord = {
  date: string;
  machine: MachineInfo;
  loadAfter: number;
  users: number;
  durationS: number;
  warmupS: number;
  logLevel: string;
  nodeFlags: string[];
  inactivePolicy: InactivePolicy;
  /** True when the worker ran as its own process (RUN_WORKER=false on the server). */
  workerProcess: boolean;
  results: EventRateResult[];
  idleRssMiB: number;
  lifetimeHwmMiB: number;
  /** Plans of the worker's claim with a small backlog and with the largest one sampled. */
  claims: ExplainedShape[];
};

// Under `retain` a PATCH to active false only marks the directory user inactive (one
// update and one event), where `secure` deletes it and redacts its events: the writes
// stay cheap, and each still records exactly one event.
const INACTIVE_POLICY: InactivePolicy = 'retain';
// The backlog the claim's plan is compared at, against the largest one sampled.
const SMALL_BACKLOG = 10;
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/**
 * The event-latency mode: seeds a directory in a `retain` environment, subscribes a
 * webhook endpoint to it that points at a subscriber in this process, and for each
 * rate sends SCIM writes at that rate for the measured duration (after a warm-up that
 * is allowed to drain), then waits for every event to be delivered and compares each
 * delivery's receive time with the event's created_at.
 */
export async function measureEvents(
  client: Client,
  server: EventsServer,
  adminKey: string,
  opts: BenchOptions,
  log: (line: string) => void,
): Promise<EventsRecord> {
  const runId = Date.now().toString(36);
  const { tenant, ids } = await seedDirectory(client, server.baseUrl, adminKey, opts.users, `events ${runId}`, log, INACTIVE_POLICY);
  const subscriber = await startWebhookSubscriber();
  try {
    const endpoint = await call<{ id: string; secret: string }>(
      `${server.baseUrl}/api/v1/webhook-endpoints`,
      'POST',
      adminHeaders(adminKey),
      { environment_id: tenant.environmentId, url: subscriber.url },
      201,
    );
    subscriber.setSecret(endpoint.secret);
    log(`webhook endpoint ${endpoint.id} → ${subscriber.url}`);
    const machine = await describeMachine(client);
    const idleRssMiB = rssMiB(server.pid);
    const next = writeMix(tenant, ids, runId);
    const results: EventRateResult[] = [];
    for (const rate of opts.rates) {
      if (opts.warmup > 0) {
        log(`${rate} writes/s: ${opts.warmup} s warm-up, then waiting for its events to be delivered…`);
        await sendPaced(new URL(server.baseUrl).origin, scimHeaders(tenant), rate, opts.warmup, next);
        if ((await waitForDrain(client, tenant.directoryId, endpoint.id)) === undefined) {
          log(`  warm-up backlog not delivered within ${DRAIN_LIMIT_S} s; measuring anyway (the first samples show it)`);
        }
      }
      log(`${rate} writes/s for ${opts.duration} s, then until every event is delivered (at most ${DRAIN_LIMIT_S} s)…`);
      const result = await measureRate(client, server, tenant, endpoint.id, subscriber, rate, opts.duration, next);
      results.push(result);
      log(`  ${formatEventLine(result)}`);
    }
    const loadAfter = os.loadavg()[0];
    const lifetimeHwmMiB = highWaterMiB(server.pid);
    const peak = Math.max(0, ...results.flatMap((r) => r.backlog.map((b) => b.pending)));
    log(`EXPLAIN (ANALYZE, BUFFERS) of the worker's claim with ${SMALL_BACKLOG} and ${peak} deliveries pending…`);
    const claims = await explainClaims(client, endpoint.id, peak > SMALL_BACKLOG ? [SMALL_BACKLOG, peak] : [SMALL_BACKLOG]);
    return {
      date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      machine,
      loadAfter,
      users: opts.users,
      durationS: opts.duration,
      warmupS: opts.warmup,
      logLevel: opts.logLevel,
      nodeFlags: opts.nodeFlags,
      inactivePolicy: INACTIVE_POLICY,
      workerProcess: server.workerPid !== undefined,
      results,
      idleRssMiB,
      lifetimeHwmMiB,
      claims,
    };
  } finally {
    await subscriber.close();
  }
}

async function measureRate(
  client: Client,
  server: EventsServer,
  tenant: BenchTenant,
  endpointId: string,
  subscriber: WebhookSubscriber,
  rate: number,
  seconds: number,
  next: () => WriteRequest,
): Promise<EventRateResult> {
  const signaturesBefore = subscriber.badSignatures;
  const malformedBefore = subscriber.malformed;
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const startedAt = Date.now();
  const sampler = sampleBacklog(client, tenant.directoryId, endpointId, startedAt);
  const watchAll = watchProcess(server.pid);
  const watchWrites = watchProcess(server.pid);
  const workerAll = server.workerPid === undefined ? undefined : watchProcess(server.workerPid);
  const workerWrites = server.workerPid === undefined ? undefined : watchProcess(server.workerPid);
  const writes = await sendPaced(new URL(server.baseUrl).origin, scimHeaders(tenant), rate, seconds, next);
  const writeUsage = watchWrites.stop();
  const workerWriteUsage = workerWrites?.stop();
  const drainMs = await waitForDrain(client, tenant.directoryId, endpointId);
  const usage = watchAll.stop();
  const workerUsage = workerAll?.stop();
  loopDelay.disable();
  const backlog = await sampler.stop();

  const stored = await eventsSince(client, tenant.directoryId, endpointId, writes.startedAtMs);
  return {
    targetRate: rate,
    writes,
    achievedRate: writes.ok / ((writes.finishedAtMs - writes.startedAtMs) / 1000),
    ...tally(stored, subscriber),
    badSignatures: subscriber.badSignatures - signaturesBefore,
    malformed: subscriber.malformed - malformedBefore,
    backlog,
    drainS: drainMs === undefined ? undefined : drainMs / 1000,
    deliveredPerSecond: perSecond(subscriber.arrivals, startedAt),
    writeUsage,
    usage,
    workerWriteUsage,
    workerUsage,
    benchLoopDelayMs: { p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 },
  };
}

/**
 * The write mix: one POST /Users (a new user, `user.created`) to two PATCHes of
 * `active`, walking the seeded ids in order so a row comes round again only after every
 * other one; the first pass deactivates, the next reactivates, so each PATCH changes
 * the user and records one event. One sequence across warm-ups and rates.
 */
function writeMix(tenant: BenchTenant, ids: string[], runId: string): () => WriteRequest {
  const users = `/scim/v2/${tenant.directoryId}/Users`;
  let k = 0;
  let posted = 0;
  let patched = 0;
  return () => {
    if (k++ % 3 === 0) return { method: 'POST', path: users, body: JSON.stringify(userBody(postedNaming(runId, posted++))) };
    const id = ids[patched % ids.length];
    const active = Math.floor(patched / ids.length) % 2 === 1;
    patched++;
    const body = { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active } }] };
    return { method: 'PATCH', path: `${users}/${id}`, body: JSON.stringify(body) };
  };
}

// Matches the events the writes recorded with what the subscriber received.
function tally(stored: StoredEvent[], subscriber: WebhookSubscriber) {
  const deliveryMs = new Latencies();
  const positionedMs = new Latencies();
  const sendMs = new Latencies();
  const eventTypes: Record<string, number> = {};
  let delivered = 0;
  let duplicates = 0;
  for (const e of stored) {
    eventTypes[e.type] = (eventTypes[e.type] ?? 0) + 1;
    if (e.positionedMs !== null) positionedMs.add(e.positionedMs - e.createdMs);
    const receipt = subscriber.receipts.get(e.id);
    if (!receipt) continue;
    delivered++;
    duplicates += receipt.duplicates;
    deliveryMs.add(receipt.receivedAtMs - receipt.createdAtMs);
    if (e.positionedMs !== null) sendMs.add(receipt.receivedAtMs - e.positionedMs);
  }
  return { eventsWritten: stored.length, eventTypes, delivered, duplicates, deliveryMs, positionedMs, sendMs };
}

type StoredEvent = { id: string; type: string; createdMs: number; positionedMs: number | null };

// The events the measured writes recorded: everything in the directory created since the
// first measured write was due (the warm-up's writes were all answered before that).
// The delivery row's created_at is the start of the sequencer transaction that positioned
// the event and fanned it out (both happen in that one transaction).
async function eventsSince(client: Client, directoryId: string, endpointId: string, sinceMs: number): Promise<StoredEvent[]> {
  const { rows } = await client.query<{ id: string; type: string; created_ms: string; positioned_ms: string | null }>(
    `SELECT e.id, e.type, extract(epoch FROM e.created_at) * 1000 AS created_ms,
            extract(epoch FROM d.created_at) * 1000 AS positioned_ms
       FROM events e
       LEFT JOIN webhook_deliveries d ON d.event_id = e.id AND d.endpoint_id = $2
      WHERE e.directory_id = $1 AND e.created_at >= to_timestamp($3::double precision / 1000)`,
    [directoryId, endpointId, sinceMs],
  );
  return rows.map((r) => ({
    id: r.id,
    type: r.type,
    createdMs: Number(r.created_ms),
    positionedMs: r.positioned_ms === null ? null : Number(r.positioned_ms),
  }));
}

function perSecond(times: number[], fromMs: number): number[] {
  const counts: number[] = [];
  for (const t of times) {
    if (t < fromMs) continue;
    const s = Math.floor((t - fromMs) / 1000);
    counts[s] = (counts[s] ?? 0) + 1;
  }
  for (let i = 0; i < counts.length; i++) counts[i] ??= 0;
  return counts;
}
