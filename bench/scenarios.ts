import autocannon from 'autocannon';
import { ScenarioName } from './options';
import { BenchTenant } from './seed';
import { postedNaming, seededNaming, userBody } from './userBody';

/** What the scenarios need to know about the seeded directory. */
export type ScenarioContext = {
  tenant: BenchTenant;
  /** Users seeded, numbered 0…userCount-1 (seededNaming). */
  userCount: number;
  /** A random sample of seeded user ids. */
  ids: string[];
  /** Distinguishes this run's POSTed users from any other run's. */
  runId: string;
};

/** The goals the product spec sets; undefined where it sets none. */
export type Targets = { reqPerSec?: number; p99Ms: number; peakRssMiB: number };

/** One kind of request the benchmark fires at the server. */
export type Scenario = {
  name: ScenarioName;
  title: string;
  targets: Targets;
  /** autocannon's request list; setupRequest varies each request (called once per request). */
  requests(ctx: ScenarioContext): autocannon.Request[];
};

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const P99_MS = 25;
const PEAK_RSS_MIB = 150;
const PAGE = 100;

const random = (n: number) => Math.floor(Math.random() * n);
const usersPath = (ctx: ScenarioContext, rest = '') => `/scim/v2/${ctx.tenant.directoryId}/Users${rest}`;

/** The scenarios, in report order. Each builds fresh counters, so warm-up and measurement continue one sequence. */
export const SCENARIOS: Scenario[] = [
  {
    name: 'post',
    title: 'POST /Users (new userName each request)',
    targets: { reqPerSec: 1900, p99Ms: P99_MS, peakRssMiB: PEAK_RSS_MIB },
    requests(ctx) {
      let n = 0;
      return [
        {
          method: 'POST',
          setupRequest: (req) => ({ ...req, path: usersPath(ctx), body: JSON.stringify(userBody(postedNaming(ctx.runId, n++))) }),
        },
      ];
    },
  },
  {
    name: 'filter',
    title: 'GET /Users?filter=userName eq "…" (random seeded user)',
    targets: { reqPerSec: 5000, p99Ms: P99_MS, peakRssMiB: PEAK_RSS_MIB },
    requests(ctx) {
      return [
        {
          method: 'GET',
          setupRequest: (req) => {
            const filter = `userName eq "${seededNaming(random(ctx.userCount)).userName}"`;
            return { ...req, path: usersPath(ctx, `?filter=${encodeURIComponent(filter)}`) };
          },
        },
      ];
    },
  },
  {
    name: 'patch',
    title: 'PATCH /Users/{id} active false / true (Okta form)',
    targets: { reqPerSec: 2500, p99Ms: P99_MS, peakRssMiB: PEAK_RSS_MIB },
    requests(ctx) {
      // Walk the sample in order: the same row comes round again only after every other
      // sampled id, so connections do not queue on one row's lock. Seeded users are active,
      // so the first pass deactivates and the next reactivates: every PATCH changes the row.
      let k = 0;
      return [
        {
          method: 'PATCH',
          setupRequest: (req) => {
            const id = ctx.ids[k % ctx.ids.length];
            const active = Math.floor(k / ctx.ids.length) % 2 === 1;
            k++;
            const body = { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active } }] };
            return { ...req, path: usersPath(ctx, `/${id}`), body: JSON.stringify(body) };
          },
        },
      ];
    },
  },
  {
    name: 'get',
    title: 'GET /Users/{id} (random seeded user)',
    targets: { reqPerSec: 7000, p99Ms: P99_MS, peakRssMiB: PEAK_RSS_MIB },
    requests(ctx) {
      return [{ method: 'GET', setupRequest: (req) => ({ ...req, path: usersPath(ctx, `/${ctx.ids[random(ctx.ids.length)]}`) }) }];
    },
  },
  {
    name: 'list',
    title: `GET /Users?startIndex=<random>&count=${PAGE}`,
    targets: { p99Ms: P99_MS, peakRssMiB: PEAK_RSS_MIB },
    requests(ctx) {
      const last = Math.max(1, ctx.userCount - PAGE + 1);
      return [{ method: 'GET', setupRequest: (req) => ({ ...req, path: usersPath(ctx, `?startIndex=${1 + random(last)}&count=${PAGE}`) }) }];
    },
  },
];
