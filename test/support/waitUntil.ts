/**
 * Polls `check` until it returns a value other than undefined/false, or fails after
 * `timeoutMs`. For conditions another process or a background loop brings about;
 * the test asserts on the state reached, never on how long it took.
 */
export async function waitUntil<T>(check: () => Promise<T | undefined | false>, timeoutMs = 15000, label = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`waitUntil: ${label} not reached within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
