import { DataSource } from 'typeorm';
import { RateLimit } from './rateLimits';

/** The answer for one request: admitted, or refused with the seconds to wait (for Retry-After). */
export type Admission = { admitted: true } | { admitted: false; retryAfterSeconds: number };

const ADMITTED: Admission = { admitted: true };

// Tokens a process took but did not use within this time are dropped, so an idle
// process does not keep a burst of its own beside the shared bucket.
const ALLOWANCE_MS = 1000;
// A process that finds its allowance used up while its refill was shared this many times
// refuses the request rather than queueing behind more refills.
const MAX_REFILLS_PER_REQUEST = 3;
// Entries of credentials not seen for a while are dropped once the map holds this many.
const MAX_ENTRIES = 10_000;

// `deniedUntil`: refuse locally until then (at most ALLOWANCE_MS ahead, so a raised limit
// is seen within a second); `retryAt`: when the shared bucket has a token again.
type Allowance = { tokens: number; expiresAt: number; deniedUntil: number; retryAt: number; refill?: Promise<void> };

/**
 * One upsert takes up to $4 tokens from a bucket of $2 tokens refilled at $3 per second,
 * creating it full on first use. The refill uses the database's clock, the same for every
 * process; GREATEST keeps it from running backwards when two takes overtake each other.
 */
const TAKE_TOKENS = `
  INSERT INTO rate_limit_buckets AS b (bucket, tokens, granted, refilled_at)
  VALUES ($1, $2::float8 - LEAST($4::int, FLOOR($2::float8)), LEAST($4::int, FLOOR($2::float8)), now())
  ON CONFLICT (bucket) DO UPDATE SET
    granted = LEAST($4::int, FLOOR(LEAST($2::float8, b.tokens + GREATEST(0, EXTRACT(EPOCH FROM now() - b.refilled_at)) * $3::float8))),
    tokens = LEAST($2::float8, b.tokens + GREATEST(0, EXTRACT(EPOCH FROM now() - b.refilled_at)) * $3::float8)
      - LEAST($4::int, FLOOR(LEAST($2::float8, b.tokens + GREATEST(0, EXTRACT(EPOCH FROM now() - b.refilled_at)) * $3::float8))),
    refilled_at = GREATEST(b.refilled_at, now())
  RETURNING granted, tokens`;

/**
 * Token buckets shared by every server process through PostgreSQL, so N processes share
 * one budget per credential rather than having N. A process takes tokens in chunks (a
 * tenth of a second's rate, at most a tenth of the burst) with one statement, and admits
 * requests from that local allowance with no I/O; when the shared bucket is empty it
 * refuses locally for up to a second, so refused requests cost at most one query per
 * second and credential, and a raised limit is seen within a second. What a process takes
 * and does not use within a second is lost, so the budget is never exceeded, and is
 * under-used by at most one chunk per process.
 */
export class RateLimiter {
  private readonly allowances = new Map<string, Allowance>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Admits or refuses one request against `bucket`; synchronous while the local allowance lasts. */
  admit(bucket: string, limit: RateLimit): Admission | Promise<Admission> {
    return this.fromAllowance(bucket) ?? this.admitAfterRefill(bucket, limit);
  }

  private fromAllowance(bucket: string): Admission | undefined {
    const a = this.allowances.get(bucket);
    if (!a) return undefined;
    const now = this.clock();
    if (a.deniedUntil > now) return { admitted: false, retryAfterSeconds: Math.max(1, Math.ceil((a.retryAt - now) / 1000)) };
    if (a.tokens >= 1 && a.expiresAt > now) {
      a.tokens -= 1;
      return ADMITTED;
    }
    return undefined;
  }

  private async admitAfterRefill(bucket: string, limit: RateLimit): Promise<Admission> {
    for (let i = 0; i < MAX_REFILLS_PER_REQUEST; i++) {
      let a = this.allowances.get(bucket);
      if (!a) {
        this.forgetIdle();
        a = { tokens: 0, expiresAt: 0, deniedUntil: 0, retryAt: 0 };
        this.allowances.set(bucket, a);
      }
      // Concurrent requests of one credential share one refill.
      a.refill ??= this.refill(bucket, limit, a).finally(() => {
        a.refill = undefined;
      });
      await a.refill;
      const answer = this.fromAllowance(bucket);
      if (answer) return answer;
    }
    return { admitted: false, retryAfterSeconds: 1 };
  }

  private async refill(bucket: string, limit: RateLimit, a: Allowance): Promise<void> {
    const chunk = Math.max(1, Math.min(Math.floor(limit.burst / 10), Math.ceil(limit.requestsPerSecond / 10)));
    const [row]: { granted: number; tokens: number }[] = await this.dataSource.query(TAKE_TOKENS, [
      bucket,
      limit.burst,
      limit.requestsPerSecond,
      chunk,
    ]);
    const now = this.clock();
    a.tokens = row.granted;
    a.expiresAt = now + ALLOWANCE_MS;
    // Empty: the next token arrives when the bucket has refilled to 1.
    a.retryAt = row.granted > 0 ? 0 : now + Math.ceil((Math.max(0, 1 - row.tokens) / limit.requestsPerSecond) * 1000);
    a.deniedUntil = Math.min(a.retryAt, now + ALLOWANCE_MS);
  }

  private forgetIdle(): void {
    if (this.allowances.size < MAX_ENTRIES) return;
    const now = this.clock();
    for (const [bucket, a] of this.allowances) {
      if (!a.refill && a.expiresAt <= now && a.deniedUntil <= now) this.allowances.delete(bucket);
    }
  }
}
