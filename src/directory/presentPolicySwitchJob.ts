import { PolicySwitchJobRow } from '../db/tables/policySwitchJobs';

/** A policy switch job as the admin API and CLI show it. */
export type PolicySwitchJobView = {
  object: 'policy_switch_job';
  id: string;
  environment_id: string;
  from_policy: string;
  to_policy: string;
  status: PolicySwitchJobRow['status'];
  total: number;
  processed: number;
  reason: string;
  created_at: string;
  updated_at: string;
  completed_at: string | null;
};

/** The job's progress as embedded in the environment a PATCH switched. */
export type PolicySwitchJobSummary = Pick<PolicySwitchJobView, 'id' | 'status' | 'total' | 'processed'>;

/** Serialises a policy switch job (the actor is in the audit log, not here). */
export function presentPolicySwitchJob(j: PolicySwitchJobRow): PolicySwitchJobView {
  return {
    object: 'policy_switch_job',
    id: j.id,
    environment_id: j.environment_id,
    from_policy: j.from_policy,
    to_policy: j.to_policy,
    status: j.status,
    total: j.total,
    processed: j.processed,
    reason: j.reason,
    created_at: j.created_at.toISOString(),
    updated_at: j.updated_at.toISOString(),
    completed_at: j.completed_at ? j.completed_at.toISOString() : null,
  };
}

/** The short form embedded in the PATCH /environments/{id} response. */
export function summarizePolicySwitchJob(j: PolicySwitchJobRow): PolicySwitchJobSummary {
  return { id: j.id, status: j.status, total: j.total, processed: j.processed };
}
