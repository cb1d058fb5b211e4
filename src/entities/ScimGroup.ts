import { Column, Entity, PrimaryColumn, VersionColumn } from 'typeorm';

/** A SCIM Group resource (RFC 7643 §4.2), scoped to a directory. Members live in scim_group_members. */
@Entity({ name: 'scim_groups' })
export class ScimGroup {
  @PrimaryColumn({ type: 'uuid', default: () => 'gen_random_uuid()' })
  id: string;

  @Column({ name: 'directory_id', type: 'text' })
  directoryId: string;

  @Column({ name: 'display_name', type: 'text' })
  displayName: string;

  @Column({ name: 'external_id', type: 'text', nullable: true })
  externalId: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  resource: Record<string, unknown>;

  @VersionColumn({ type: 'integer', default: 1 })
  version: number;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
