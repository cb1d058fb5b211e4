import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { InstanceKeyRow } from '../db/tables/instanceKeys';

/**
 * Webhook signing secrets must be usable to sign, so unlike tokens they cannot be
 * stored as hashes; they are encrypted with AES-256-GCM. The key is SECRETS_KEY when
 * configured, else one generated once and kept in `instance_keys` (shared by every
 * instance on the database; it protects against a leaked column, not a leaked database).
 */
export type SecretBox = { seal(plain: string): string; open(sealed: string): string };

/** A box over a 32-byte key. Format: v1.<iv>.<tag>.<ciphertext>, base64url parts. */
export function secretBox(key: Buffer): SecretBox {
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return ['v1', iv, cipher.getAuthTag(), data].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
    },
    open(sealed) {
      const [version, iv, tag, data] = sealed.split('.');
      if (version !== 'v1' || !iv || !tag || data === undefined) throw new Error('Unreadable sealed secret');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}

/** The configured key, or the database's generated one (created on first use, race-safe). */
export async function resolveSecretsKey(m: EntityManager, configured: Buffer | undefined): Promise<Buffer> {
  if (configured) return configured;
  await m.query(`INSERT INTO instance_keys (name, value) VALUES ('webhook_secrets', $1) ON CONFLICT (name) DO NOTHING`, [
    randomBytes(32).toString('base64'),
  ]);
  const rows: Pick<InstanceKeyRow, 'value'>[] = await m.query(`SELECT value FROM instance_keys WHERE name = 'webhook_secrets'`);
  return Buffer.from(rows[0].value, 'base64');
}
