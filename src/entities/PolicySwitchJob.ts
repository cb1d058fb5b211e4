import { Column, Entity, PrimaryColumn } from 'typeorm';
import { PolicySwitchJobRow } from '../db/tables/policySwitchJobs';

// Kept only while the policy-switch code (src/directory/*PolicySwitch*, src/jobs/policySwitchRunner.ts,
// src/cli/setPolicyCommand.ts) uses this entity; the table's one definition is src/db/tables/policySwitchJobs.ts.

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
  status: PolicySwitchJobRow['status'];

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

/** The row an entity was read from, for code that already takes rows (presenters). */
export function policySwitchJobRowOf(j: PolicySwitchJob): PolicySwitchJobRow {
  return {
    id: j.id,
    environment_id: j.environmentId,
    from_policy: j.fromPolicy,
    to_policy: j.toPolicy,
    reason: j.reason,
    actor: j.actor,
    status: j.status,
    total: j.total,
    processed: j.processed,
    created_at: j.createdAt,
    updated_at: j.updatedAt,
    completed_at: j.completedAt,
  };
}
