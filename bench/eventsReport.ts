import { DRAIN_LIMIT_S } from './eventBacklog';
import type { EventRateResult, EventsRecord } from './events';
import { UsageSample } from './processStats';
import { sectionMarker } from './readme';

/** The spec's bound on event-to-delivery p99 at a steady 500 SCIM writes per second. */
const EVENT_P99_LIMIT_MS = 1000;
/** The write rate that bound is set at. */
const SPEC_RATE = 500;
const n0 = (x: number) => Math.round(x).toLocaleString('en-US');
const ms = (x: number) => (x < 10 ? x.toFixed(1) : x.toFixed(0));
// Below this share of the target rate, the rate was not sustained.
const SUSTAINED = 0.98;

/** Seconds the writes took, from the first request's due time to the last answer. */
function writeSeconds(r: EventRateResult): number {
  return (r.writes.finishedAtMs - r.writes.startedAtMs) / 1000;
}

// CPU per answered write, in ms, of the server (and the worker process, when there is
// one): while writing, and over writing plus draining, which covers the write and the
// delivery of its event.
function cpuPerWrite(r: EventRateResult): { writing: number; withDelivery: number } {
  const ok = Math.max(1, r.writes.ok);
  const writing = writeSeconds(r);
  const all = writing + (r.drainS ?? 0);
  // With the worker in its own process, a write and its delivery cost the CPU of both.
  const pct = (server: UsageSample, worker: UsageSample | undefined) => (server.serverCpuPct + (worker?.serverCpuPct ?? 0)) / 100;
  return {
    writing: (pct(r.writeUsage, r.workerWriteUsage) * writing * 1000) / ok,
    withDelivery: (pct(r.usage, r.workerUsage) * all * 1000) / ok,
  };
}

// What a rate missed: the write rate, completeness, duplicates, signatures, and the p99 bound.
function eventMisses(r: EventRateResult): string[] {
  const misses: string[] = [];
  if (r.achievedRate < SUSTAINED * r.targetRate) misses.push(`achieved ${n0(r.achievedRate)} writes/s < ${n0(r.targetRate)}`);
  if (r.writes.failed > 0) misses.push(`${r.writes.failed} writes failed`);
  if (r.delivered < r.eventsWritten) misses.push(`${r.eventsWritten - r.delivered} events not delivered`);
  if (r.duplicates > 0) misses.push(`${r.duplicates} duplicates`);
  if (r.badSignatures > 0 || r.malformed > 0) misses.push(`${r.badSignatures} bad signatures, ${r.malformed} malformed`);
  const p99 = r.deliveryMs.percentile(99);
  if (p99 > EVENT_P99_LIMIT_MS) misses.push(`delivery p99 ${n0(p99)} ms > ${n0(EVENT_P99_LIMIT_MS)} ms`);
  return misses;
}

/** One line for the terminal per rate. */
export function formatEventLine(r: EventRateResult): string {
  const d = r.deliveryMs;
  const f = (x: number) => x.toFixed(0);
  return [
    `target ${r.targetRate}/s achieved ${r.achievedRate.toFixed(0)}/s (${r.writes.ok} ok, ${r.writes.failed} failed, ` +
      `${r.writes.late} sent late (most behind ${r.writes.maxLagMs.toFixed(0)} ms), ${r.writes.scheduled - r.writes.sent} not sent)`,
    `SCIM p50 ${r.writes.responseMs.percentile(50).toFixed(1)} p99 ${r.writes.responseMs.percentile(99).toFixed(1)} ms`,
    `events ${r.delivered}/${r.eventsWritten} delivered, ${r.duplicates} duplicates, ${r.badSignatures} bad signatures`,
    `delivery p50 ${f(d.percentile(50))} p95 ${f(d.percentile(95))} p99 ${f(d.percentile(99))} max ${f(d.percentile(100))} ms`,
    `peak pending ${Math.max(0, ...r.backlog.map((b) => b.pending))}`,
    `drain ${r.drainS === undefined ? `> ${DRAIN_LIMIT_S}` : r.drainS.toFixed(1)} s`,
    `server CPU ${r.writeUsage.serverCpuPct.toFixed(0)} %, peak RSS ${r.usage.peakRssMiB.toFixed(0)} MiB`,
    ...(r.workerUsage ? [`worker CPU ${r.workerWriteUsage!.serverCpuPct.toFixed(0)} %, peak RSS ${r.workerUsage.peakRssMiB.toFixed(0)} MiB`] : []),
  ].join('  ');
}

/** The README section key of an event-latency run: one for each place the worker can run. */
export function eventsSectionKey(rec: EventsRecord): string {
  return rec.workerProcess ? 'events-worker-process' : 'events';
}

/** The README section of an event-latency run (see eventsSectionKey). */
export function renderEvents(rec: EventsRecord): string {
  const m = rec.machine;
  const who = rec.workerProcess ? 'server + worker' : 'server';
  const lines = [
    sectionMarker(eventsSectionKey(rec)),
    `### Event delivery latency, ${rec.workerProcess ? 'worker in its own process' : 'worker in the server process'}`,
    '',
    `Run ${rec.date} · ${m.cpus} CPUs (${m.cpuModel}), ${m.memoryGiB.toFixed(1)} GiB RAM · PostgreSQL ${m.postgres} · Node ${m.node} · ` +
      `${n0(rec.users)} seeded users, environment \`inactive_policy: ${rec.inactivePolicy}\` · writes: 1 POST /Users to 2 PATCH active false/true, ` +
      `open loop, ${rec.durationS} s per rate after a ${rec.warmupS} s warm-up whose events were delivered first · one webhook endpoint (every event type) ` +
      `to a subscriber in the bench process on loopback · LOG_LEVEL=${rec.logLevel}, DB_POOL_SIZE=${m.poolSize}` +
      `${rec.nodeFlags.length > 0 ? `, node ${rec.nodeFlags.join(' ')}` : ''} · ` +
      `${rec.workerProcess ? 'worker in its own process (`npm run worker`; server RUN_WORKER=false), each with its own pool' : 'worker in the server process (RUN_WORKER=true, the default), sharing its pool'} · ` +
      `load average before: ${m.loadBefore.toFixed(2)}, after: ${rec.loadAfter.toFixed(2)}`,
    '',
    `Target: at a steady ${SPEC_RATE} SCIM writes/s, event-to-delivery p99 ≤ ${n0(EVENT_P99_LIMIT_MS)} ms. Delivery latency is the ` +
      "subscriber's receive time minus the event's `created_at` from the delivered JSON (the start of the writing transaction); " +
      'both clocks are this machine\'s.',
    '',
    '| writes/s target | achieved | writes ok / failed / sent late / not sent | SCIM response p50 / p99 / max ms | events written | delivered | duplicates | bad signatures | delivery p50 / p95 / p99 / max ms | peak backlog: unpositioned / pending deliveries | drain after last write, s | ' +
      `${who} CPU %, writing | ${who} CPU ms per write: writing / with its delivery | peak RSS MiB, ${who} | verdict |`,
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...rec.results.map(row),
    ...rec.results.filter((r) => r.writes.failed > 0).map((r) => `\n${n0(r.targetRate)} writes/s, answers by status: ${JSON.stringify(r.writes.statuses)}`),
    '',
    'Where the delay is, from the delivery rows (their `created_at` is the start of the sequencer transaction that gave the event its position and created its delivery):',
    '',
    '| writes/s target | created → positioned p50 / p99 / max ms | positioned → received p50 / p99 / max ms | deliveries/s received, mean from first write to drained | worker CPU ms per delivery | event types written | bench event-loop delay p99 / max ms |',
    '| ---: | ---: | ---: | ---: | ---: | --- | ---: |',
    ...rec.results.map(stages),
    '',
    `Server RSS before the first rate: ${n0(rec.idleRssMiB)} MiB; peak over its whole life (VmHWM): ${n0(rec.lifetimeHwmMiB)} MiB. CPU is in % of one core.`,
    '',
    ...rec.results.flatMap(series),
    ...claimPlans(rec),
  ];
  return lines.join('\n');
}

function claimPlans(rec: EventsRecord): string[] {
  const lines = [
    "<details><summary>EXPLAIN (ANALYZE, BUFFERS) of the worker's claim (src/webhooks/claimDelivery.ts) with a small and with the largest backlog sampled</summary>",
  ];
  for (const shape of rec.claims) {
    lines.push('', `#### ${shape.title}`);
    for (const q of shape.queries) {
      lines.push('', '```sql', q.sql, `-- parameters: ${JSON.stringify(q.params)}`, '```', '', '```', q.plan, '```');
      lines.push(q.warnings.length === 0 ? 'Bounded by a handful of rows.' : `**Not bounded:** ${q.warnings.join('; ')}.`);
    }
  }
  lines.push('', '</details>');
  return lines;
}

function row(r: EventRateResult): string {
  const w = r.writes;
  const d = r.deliveryMs;
  const peakUnpositioned = Math.max(0, ...r.backlog.map((b) => b.unpositioned));
  const peakPending = Math.max(0, ...r.backlog.map((b) => b.pending));
  const worker = (u: UsageSample | undefined, f: (u: UsageSample) => number) => (u ? ` + ${n0(f(u))}` : '');
  const cpu = cpuPerWrite(r);
  const misses = eventMisses(r);
  const verdict =
    misses.length === 0 ? (r.targetRate >= SPEC_RATE ? 'meets' : `meets at this rate (target set at ${SPEC_RATE}/s)`) : `**misses**: ${misses.join('; ')}`;
  const cells = [
    n0(r.targetRate),
    n0(r.achievedRate),
    `${n0(w.ok)} / ${n0(w.failed)} / ${n0(w.late)} / ${n0(w.scheduled - w.sent)}`,
    `${ms(w.responseMs.percentile(50))} / ${ms(w.responseMs.percentile(99))} / ${ms(w.responseMs.percentile(100))}`,
    n0(r.eventsWritten),
    n0(r.delivered),
    n0(r.duplicates),
    n0(r.badSignatures),
    `${ms(d.percentile(50))} / ${ms(d.percentile(95))} / ${ms(d.percentile(99))} / ${ms(d.percentile(100))}`,
    `${n0(peakUnpositioned)} / ${n0(peakPending)}`,
    r.drainS === undefined ? 'not drained' : r.drainS.toFixed(1),
    `${n0(r.writeUsage.serverCpuPct)}${worker(r.workerWriteUsage, (u) => u.serverCpuPct)}`,
    `${cpu.writing.toFixed(2)} / ${cpu.withDelivery.toFixed(2)}`,
    `${n0(r.usage.peakRssMiB)}${worker(r.workerUsage, (u) => u.peakRssMiB)}`,
    verdict,
  ];
  return `| ${cells.join(' | ')} |`;
}

function stages(r: EventRateResult): string {
  const span = (l: EventRateResult['deliveryMs']) => `${ms(l.percentile(50))} / ${ms(l.percentile(99))} / ${ms(l.percentile(100))}`;
  const seconds = r.deliveredPerSecond.length;
  const types = Object.entries(r.eventTypes).map(([t, n]) => `${t} ${n0(n)}`).join(', ');
  const cells = [
    n0(r.targetRate),
    span(r.positionedMs),
    span(r.sendMs),
    seconds > 0 ? n0(r.deliveredPerSecond.reduce((a, b) => a + b, 0) / seconds) : '—',
    workerCpuPerDelivery(r),
    types,
    `${ms(r.benchLoopDelayMs.p99)} / ${ms(r.benchLoopDelayMs.max)}`,
  ];
  return `| ${cells.join(' | ')} |`;
}

// Only measurable apart from the writes when the worker is its own process.
function workerCpuPerDelivery(r: EventRateResult): string {
  if (!r.workerUsage || r.delivered === 0) return '— (in the server)';
  const seconds = writeSeconds(r) + (r.drainS ?? 0);
  return (((r.workerUsage.serverCpuPct / 100) * seconds * 1000) / (r.delivered + r.duplicates)).toFixed(2);
}

// Per second from the first write: writes answered, deliveries received, and the backlog gauge.
function series(r: EventRateResult): string[] {
  const length = Math.max(r.writes.okPerSecond.length, r.deliveredPerSecond.length, Math.ceil(Math.max(0, ...r.backlog.map((b) => b.atS))) + 1);
  const lines = [
    `<details><summary>${n0(r.targetRate)} writes/s: second by second</summary>`,
    '',
    '| second | writes answered 2xx | deliveries received | unpositioned events (sampled) | pending deliveries (sampled) |',
    '| ---: | ---: | ---: | ---: | ---: |',
  ];
  for (let s = 0; s < length; s++) {
    const sample = r.backlog.find((b) => b.atS >= s && b.atS < s + 1);
    const cells = [
      s,
      n0(r.writes.okPerSecond[s] ?? 0),
      n0(r.deliveredPerSecond[s] ?? 0),
      sample ? n0(sample.unpositioned) : '—',
      sample ? n0(sample.pending) : '—',
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  lines.push('', '</details>', '');
  return lines;
}
