import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A switch of an environment's inactive policy, applied to existing users in resumable batches. */
@Entity({ name: 'policy_switch_jobs' })
export class PolicySwitchJob {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ name: 'environment_id', type: 'text' })
  environmentId: string;

  @Column({ name: 'from_policy', type: 'text' })
  fromPolicy: string;

  @Column({ name: 'to_policy', type: 'text' })
  toPolicy: string;

  @Column({ type: 'text' })
  reason: string;

  @Column({ type: 'text' })
  actor: string;

  @Column({ type: 'text' })
  status: 'running' | 'completed' | 'superseded';

  @Column({ type: 'integer' })
  total: number;

  @Column({ type: 'integer' })
  processed: number;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt: Date | null;
}
