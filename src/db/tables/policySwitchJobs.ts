/** A `policy_switch_jobs` row: a switch of an environment's inactive policy, applied to existing users in resumable batches. */
export type PolicySwitchJobRow = {
  id: string;
  environment_id: string;
  from_policy: string;
  to_policy: string;
  reason: string;
  actor: string;
  status: 'running' | 'completed' | 'superseded';
  total: number;
  processed: number;
  created_at: Date;
  updated_at: Date;
  completed_at: Date | null;
};
