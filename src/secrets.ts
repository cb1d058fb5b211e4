import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Bearer secrets (SCIM tokens, API keys, Okta event hook secrets). They carry 256
 * random bits, so a single SHA-256 is a sound at-rest hash (a slow KDF only helps
 * low-entropy passwords). The readable prefix lets secret scanners and humans tell them apart.
 */
export type SecretKind = 'scim' | 'key' | 'admin' | 'hook';

/** A new secret of the given kind, e.g. `dsync_scim_…`. Shown once, never stored. */
export function generateSecret(kind: SecretKind): string {
  return `dsync_${kind}_${randomBytes(32).toString('base64url')}`;
}

/** The at-rest hash of a secret, hex encoded. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Compares two hex hashes in constant time. */
export function hashesEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a, 'hex');
  const bb = Buffer.from(b, 'hex');
  return ab.length === bb.length && ab.length > 0 && timingSafeEqual(ab, bb);
}

/** The first characters of a secret, safe to display and log (e.g. `dsync_scim_AbC1`). */
export function secretPrefix(secret: string): string {
  const m = /^(dsync_[a-z]+_)(.{4})/.exec(secret);
  return m ? `${m[1]}${m[2]}` : secret.slice(0, 8);
}
