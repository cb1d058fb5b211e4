import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Who did what administrative action, when, and why. Never holds a secret. */
@Entity({ name: 'audit_log' })
export class AuditEntry {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ name: 'environment_id', type: 'text', nullable: true })
  environmentId: string | null;

  @Column({ type: 'text' })
  actor: string;

  @Column({ type: 'text' })
  action: string;

  @Column({ name: 'target_type', type: 'text' })
  targetType: string;

  @Column({ name: 'target_id', type: 'text' })
  targetId: string;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  details: Record<string, unknown>;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
