import { Environment } from '../entities/Environment';

/** An environment as the admin API and CLI show it. */
export type EnvironmentView = {
  object: 'environment';
  id: string;
  name: string;
  inactive_policy: Environment['inactivePolicy'];
  created_at: string;
  updated_at: string;
};

/** Serialises an environment for the admin API. */
export function presentEnvironment(e: Environment): EnvironmentView {
  return {
    object: 'environment',
    id: e.id,
    name: e.name,
    inactive_policy: e.inactivePolicy,
    created_at: e.createdAt.toISOString(),
    updated_at: e.updatedAt.toISOString(),
  };
}
