import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A group as apps see it, derived from a SCIM group. Members are the SCIM members who have a directory user. */
@Entity({ name: 'directory_groups' })
export class DirectoryGroup {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ name: 'directory_id', type: 'text' })
  directoryId: string;

  @Column({ name: 'environment_id', type: 'text' })
  environmentId: string;

  @Column({ name: 'scim_group_id', type: 'uuid' })
  scimGroupId: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ name: 'raw_attributes', type: 'jsonb', default: () => "'{}'" })
  rawAttributes: unknown;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
