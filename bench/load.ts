import autocannon from 'autocannon';
import { Latencies } from './latencies';
import { UsageSample, watchProcess } from './processStats';
import { Scenario, ScenarioContext } from './scenarios';
import { scimHeaders } from './seed';

/** The measured outcome of one scenario. */
export type ScenarioResult = {
  name: Scenario['name'];
  title: string;
  targets: Scenario['targets'];
  durationS: number;
  requests: number;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  non2xx: number;
  /** Connection errors and timeouts (not HTTP statuses). */
  errors: number;
  /** Responses by status code, to tell 409s from 500s when non2xx is not zero. */
  statuses: Record<string, number>;
  usage: UsageSample;
};

/** How hard and how long to load the server. */
export type LoadOptions = { connections: number; duration: number; warmup: number };

/**
 * Runs one scenario: an unmeasured warm-up (JIT, connection pool, caches), then the
 * measured run while the server's memory and CPU are sampled. Latency percentiles are
 * of every response, whatever its status.
 */
export async function runScenario(
  scenario: Scenario,
  ctx: ScenarioContext,
  serverPid: number,
  opts: LoadOptions,
): Promise<ScenarioResult> {
  const requests = scenario.requests(ctx);
  const options: autocannon.Options = {
    url: new URL(ctx.tenant.scimBase).origin,
    connections: opts.connections,
    headers: scimHeaders(ctx.tenant),
    requests,
  };
  if (opts.warmup > 0) await fire({ ...options, duration: opts.warmup }, new Latencies());
  const latencies = new Latencies();
  const watch = watchProcess(serverPid);
  const r = await fire({ ...options, duration: opts.duration }, latencies);
  const usage = watch.stop();
  return {
    name: scenario.name,
    title: scenario.title,
    targets: scenario.targets,
    durationS: r.duration,
    requests: latencies.count,
    // Completed responses over the measured time; autocannon's per-second mean drops partial seconds.
    reqPerSec: latencies.count / r.duration,
    p50Ms: latencies.percentile(50),
    p99Ms: latencies.percentile(99),
    maxMs: latencies.percentile(100),
    non2xx: r.non2xx,
    errors: r.errors,
    statuses: Object.fromEntries(Object.entries(r.statusCodeStats ?? {}).map(([code, s]) => [code, s.count ?? 0])),
    usage,
  };
}

/**
 * Runs autocannon and records every response time: autocannon's own histogram keeps whole
 * milliseconds and only 2xx responses, too coarse to compare runs at 1–3 ms latencies.
 */
export function fire(options: autocannon.Options, latencies: Latencies): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(options, (err: unknown, result: autocannon.Result) => (err ? reject(err) : resolve(result)));
    instance.on('response', (_client, _status, _bytes, responseTime) => latencies.add(responseTime));
  });
}
