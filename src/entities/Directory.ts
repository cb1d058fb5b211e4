import { Column, Entity, PrimaryColumn } from 'typeorm';

export const PROVIDERS = ['okta', 'entra', 'onelogin', 'jumpcloud', 'google', 'generic'] as const;
export type Provider = (typeof PROVIDERS)[number];
export const DIRECTORY_STATES = ['active', 'disabled'] as const;
export type DirectoryState = (typeof DIRECTORY_STATES)[number];

/** One IdP connection inside an environment. */
@Entity({ name: 'directories' })
export class Directory {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ name: 'environment_id', type: 'text' })
  environmentId: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ name: 'organization_name', type: 'text' })
  organizationName: string;

  @Column({ type: 'text' })
  provider: Provider;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  domains: string[];

  @Column({ type: 'text', default: 'active' })
  state: DirectoryState;

  /** Status mapping rules; null means the provider's preset (src/directory/rules/statusMapping.ts). */
  @Column({ name: 'status_rules', type: 'jsonb', nullable: true })
  statusRules: unknown;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
