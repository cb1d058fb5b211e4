import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A person as apps see them in a directory, derived from a SCIM user by the lifecycle rules. */
@Entity({ name: 'directory_users' })
export class DirectoryUser {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ name: 'directory_id', type: 'text' })
  directoryId: string;

  @Column({ name: 'environment_id', type: 'text' })
  environmentId: string;

  @Column({ name: 'scim_user_id', type: 'uuid' })
  scimUserId: string;

  @Column({ name: 'external_id', type: 'text', nullable: true })
  externalId: string | null;

  @Column({ type: 'text' })
  username: string;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  emails: unknown;

  @Column({ name: 'first_name', type: 'text', nullable: true })
  firstName: string | null;

  @Column({ name: 'last_name', type: 'text', nullable: true })
  lastName: string | null;

  @Column({ name: 'job_title', type: 'text', nullable: true })
  jobTitle: string | null;

  @Column({ type: 'text' })
  state: 'active' | 'inactive';

  @Column({ name: 'custom_attributes', type: 'jsonb', default: () => "'{}'" })
  customAttributes: unknown;

  @Column({ name: 'raw_attributes', type: 'jsonb', default: () => "'{}'" })
  rawAttributes: unknown;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
