import { Column, Entity, PrimaryColumn } from 'typeorm';

export const INACTIVE_POLICIES = ['secure', 'retain'] as const;
export type InactivePolicy = (typeof INACTIVE_POLICIES)[number];

/** One deployment of the app that consumes directory data (e.g. "production"). */
@Entity({ name: 'environments' })
export class Environment {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ name: 'inactive_policy', type: 'text', default: 'secure' })
  inactivePolicy: InactivePolicy;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
