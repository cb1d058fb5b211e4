import { Column, Entity, PrimaryColumn } from 'typeorm';

export type ApiKeyScope = 'admin' | 'environment';

/**
 * An admin-API key, stored only as a SHA-256 hash. `admin` keys (environment_id null)
 * act on every environment; `environment` keys only on theirs.
 */
@Entity({ name: 'api_keys' })
export class ApiKey {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ name: 'environment_id', type: 'text', nullable: true })
  environmentId: string | null;

  @Column({ type: 'text' })
  scope: ApiKeyScope;

  @Column({ type: 'text' })
  name: string;

  @Column({ name: 'key_hash', type: 'text', select: false })
  keyHash: string;

  @Column({ type: 'text' })
  prefix: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;
}
