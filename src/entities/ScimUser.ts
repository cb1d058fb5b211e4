import { Column, Entity, PrimaryColumn, VersionColumn } from 'typeorm';

/**
 * A SCIM User resource as the IdP pushed it (RFC 7643 §4.1), scoped to a directory.
 * `resource` holds the whole body minus secrets; the indexed columns exist for
 * uniqueness constraints and filters.
 */
@Entity({ name: 'scim_users' })
export class ScimUser {
  @PrimaryColumn({ type: 'uuid', default: () => 'gen_random_uuid()' })
  id: string;

  @Column({ name: 'directory_id', type: 'text' })
  directoryId: string;

  @Column({ name: 'user_name', type: 'text' })
  userName: string;

  @Column({ name: 'external_id', type: 'text', nullable: true })
  externalId: string | null;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @Column({ name: 'display_name', type: 'text', nullable: true })
  displayName: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  resource: Record<string, unknown>;

  @VersionColumn({ type: 'integer', default: 1 })
  version: number;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
