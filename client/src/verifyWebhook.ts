import { createHmac, timingSafeEqual } from 'node:crypto';
import type { DsyncEvent } from './events.js';

/** Why a delivery was refused; see WebhookVerificationError. */
export type WebhookVerificationErrorCode = 'bad_signature' | 'timestamp_out_of_tolerance' | 'malformed_header';

/**
 * Thrown by verifyWebhook. `bad_signature`: no `v1` signature matches any of your secrets
 * (wrong secret, or a body changed on the way — pass the raw bytes, not re-serialised
 * JSON). `timestamp_out_of_tolerance`: correctly signed, but `t` is further from now than
 * the tolerance (a replay, or a clock that is off). `malformed_header`: the
 * `Dsync-Signature` header is missing or not `t=<seconds>,v1=<hex>[,v1=<hex>…]`.
 */
export class WebhookVerificationError extends Error {
  constructor(
    readonly code: WebhookVerificationErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'WebhookVerificationError';
  }
}

/** Options of verifyWebhook. */
export type VerifyWebhookOptions = {
  /** How far `t` may be from now, in seconds, either way. Default 300 (5 minutes). */
  toleranceSeconds?: number;
  /** The current time in milliseconds; for tests. Default `Date.now`. */
  now?: () => number;
};

/**
 * Verifies a dsync webhook and returns its event, typed by `type`.
 *
 * The header is `Dsync-Signature: t=<unix seconds>,v1=<hex>`, where each `v1` is
 * HMAC-SHA256(secret, `<t>.<raw body>`). While an endpoint's secret is being rotated with
 * an overlap, dsync sends one `v1` per secret; any match is enough. Pass every secret you
 * accept (the new one and the one being retired) as an array, so a rotation never drops a
 * delivery. Signatures are compared in constant time.
 *
 * `rawBody` must be the request body exactly as received (e.g. `express.raw()`), before
 * any JSON parsing. Throws WebhookVerificationError; a correctly signed body that is not
 * JSON throws the SyntaxError of `JSON.parse`.
 */
export function verifyWebhook(
  rawBody: string | Buffer,
  signatureHeader: string | null | undefined,
  secrets: string | readonly string[],
  options: VerifyWebhookOptions = {},
): DsyncEvent {
  const keys = typeof secrets === 'string' ? [secrets] : secrets;
  if (keys.length === 0 || keys.some((s) => typeof s !== 'string' || s.length === 0)) {
    throw new TypeError('verifyWebhook: give at least one non-empty secret');
  }
  const { timestamp, signatures } = parseSignatureHeader(signatureHeader);
  const body = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody;
  const given = signatures.map((hex) => Buffer.from(hex, 'hex'));
  let matched = false;
  // Every secret against every signature, without stopping at the first match, so the
  // time taken does not tell which secret matched.
  for (const key of keys) {
    const expected = createHmac('sha256', key).update(`${timestamp}.`).update(body).digest();
    for (const g of given) {
      if (g.length === expected.length && timingSafeEqual(g, expected)) matched = true;
    }
  }
  if (!matched) throw new WebhookVerificationError('bad_signature', 'No signature matches the given secrets');
  const tolerance = options.toleranceSeconds ?? 300;
  const nowSeconds = Math.floor((options.now ?? Date.now)() / 1000);
  if (Math.abs(nowSeconds - timestamp) > tolerance) {
    throw new WebhookVerificationError(
      'timestamp_out_of_tolerance',
      `The signature's timestamp is ${nowSeconds - timestamp} s from now; at most ${tolerance} s is accepted`,
    );
  }
  return JSON.parse(body.toString('utf8')) as DsyncEvent;
}

/**
 * Builds a `Dsync-Signature` header value the way dsync does, one `v1` per secret; for
 * testing your own webhook handler.
 */
export function signWebhook(
  rawBody: string | Buffer,
  secrets: string | readonly string[],
  options: { timestamp?: number } = {},
): string {
  const t = options.timestamp ?? Math.floor(Date.now() / 1000);
  const keys = typeof secrets === 'string' ? [secrets] : secrets;
  const v1 = keys.map((key) => `v1=${createHmac('sha256', key).update(`${t}.`).update(rawBody).digest('hex')}`);
  return [`t=${t}`, ...v1].join(',');
}

// `t=<digits>` once and at least one `v1=<value>`; other schemes (a future `v2`) are ignored.
function parseSignatureHeader(header: string | null | undefined): { timestamp: number; signatures: string[] } {
  if (typeof header !== 'string' || header.trim() === '') {
    throw new WebhookVerificationError('malformed_header', 'The Dsync-Signature header is missing');
  }
  const timestamps: string[] = [];
  const signatures: string[] = [];
  for (const piece of header.split(',')) {
    const i = piece.indexOf('=');
    if (i <= 0) throw new WebhookVerificationError('malformed_header', 'Dsync-Signature is not a list of key=value pairs');
    const key = piece.slice(0, i).trim();
    const value = piece.slice(i + 1).trim();
    if (key === 't') timestamps.push(value);
    if (key === 'v1') signatures.push(value);
  }
  if (timestamps.length !== 1 || !/^\d{1,15}$/.test(timestamps[0])) {
    throw new WebhookVerificationError('malformed_header', 'Dsync-Signature needs exactly one t=<unix seconds>');
  }
  if (signatures.length === 0) throw new WebhookVerificationError('malformed_header', 'Dsync-Signature has no v1 signature');
  return { timestamp: Number(timestamps[0]), signatures };
}
