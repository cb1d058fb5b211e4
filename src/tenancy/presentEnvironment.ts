import { EnvironmentRow } from '../db/tables/environments';

/** An environment as the admin API and CLI show it. */
export type EnvironmentView = {
  object: 'environment';
  id: string;
  name: string;
  inactive_policy: EnvironmentRow['inactive_policy'];
  created_at: string;
  updated_at: string;
};

/** Serialises an environment for the admin API. */
export function presentEnvironment(row: EnvironmentRow): EnvironmentView {
  return {
    object: 'environment',
    id: row.id,
    name: row.name,
    inactive_policy: row.inactive_policy,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}
