import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A SCIM bearer token of a directory, stored only as a SHA-256 hash. Several may be
 * live at once so an IdP can be moved to a new token before the old one is revoked.
 */
@Entity({ name: 'directory_tokens' })
export class DirectoryToken {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ name: 'directory_id', type: 'text' })
  directoryId: string;

  @Column({ name: 'token_hash', type: 'text', select: false })
  tokenHash: string;

  @Column({ type: 'text' })
  prefix: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;
}
