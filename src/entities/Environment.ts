import { Column, Entity, PrimaryColumn } from 'typeorm';
import { EnvironmentRow, INACTIVE_POLICIES, InactivePolicy } from '../db/tables/environments';

// Kept only while src/directory/switchInactivePolicy.ts and src/cli/setPolicyCommand.ts
// use this entity; the table's one definition is src/db/tables/environments.ts.
export { INACTIVE_POLICIES };

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

/** The row an entity was read from, for code that already takes rows (presenters). */
export function environmentRowOf(e: Environment): EnvironmentRow {
  return {
    id: e.id,
    name: e.name,
    inactive_policy: e.inactivePolicy,
    created_at: e.createdAt,
    updated_at: e.updatedAt,
  };
}
