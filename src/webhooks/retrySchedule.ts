/**
 * When to try a failed delivery again: about base × 2^(attempt−1) seconds, with ±20%
 * jitter so endpoints that recover at once are not hit by every retry together.
 * With the defaults (60 s, 12 attempts) the last retry comes about 2.8 days after the
 * first failure. Returns undefined when no attempts are left (the delivery is failed).
 */
export function nextAttemptDelayMs(
  attemptsMade: number,
  opts: { retryBaseSeconds: number; maxAttempts: number },
  random: () => number = Math.random,
): number | undefined {
  if (attemptsMade >= opts.maxAttempts) return undefined;
  const base = opts.retryBaseSeconds * 1000 * 2 ** (attemptsMade - 1);
  const jitter = 0.8 + 0.4 * random();
  return Math.round(base * jitter);
}
