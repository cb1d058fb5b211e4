import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Verifies a dsync webhook for subscribers. Header: `Dsync-Signature: t=<unix seconds>,v1=<hex>`
 * where v1 = HMAC-SHA256(secret, `${t}.${rawBody}`). Rejects a wrong signature, a
 * malformed header, and a timestamp further than `toleranceSeconds` from now (replays).
 * Pass the raw request body exactly as received (before any JSON parsing).
 * The server's own check, for its tests; apps use `verifyWebhook` of the client kit
 * (client/src/verifyWebhook.ts), which takes several secrets and returns the typed event.
 */
export function verifyWebhook(
  rawBody: string | Buffer,
  header: string | undefined,
  secret: string,
  toleranceSeconds = 300,
  nowSeconds: number = Math.floor(Date.now() / 1000),
): { ok: true; timestamp: number } | { ok: false; reason: 'malformed' | 'stale' | 'mismatch' } {
  if (!header) return { ok: false, reason: 'malformed' };
  const parts = new Map<string, string[]>();
  for (const piece of header.split(',')) {
    const i = piece.indexOf('=');
    if (i <= 0) continue;
    const key = piece.slice(0, i).trim();
    parts.set(key, [...(parts.get(key) ?? []), piece.slice(i + 1).trim()]);
  }
  const t = Number(parts.get('t')?.[0]);
  const signatures = parts.get('v1') ?? [];
  if (!Number.isInteger(t) || signatures.length === 0) return { ok: false, reason: 'malformed' };
  if (Math.abs(nowSeconds - t) > toleranceSeconds) return { ok: false, reason: 'stale' };
  const expected = createHmac('sha256', secret).update(`${t}.`).update(rawBody).digest();
  // Several v1 values may be present while a secret is being rotated; any match is enough.
  const match = signatures.some((hex) => {
    const given = Buffer.from(hex, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  return match ? { ok: true, timestamp: t } : { ok: false, reason: 'mismatch' };
}

/**
 * Builds the `Dsync-Signature` header value for a body (what dsync sends): one `v1`
 * signature per secret, in the order given (several while a rotation overlaps).
 */
export function signWebhook(rawBody: string, secrets: string | string[], nowSeconds: number = Math.floor(Date.now() / 1000)): string {
  const v1 = (typeof secrets === 'string' ? [secrets] : secrets).map(
    (secret) => `v1=${createHmac('sha256', secret).update(`${nowSeconds}.`).update(rawBody).digest('hex')}`,
  );
  return [`t=${nowSeconds}`, ...v1].join(',');
}
