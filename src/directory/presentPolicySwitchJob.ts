import { PolicySwitchJob } from '../entities/PolicySwitchJob';

/** A policy switch job as the admin API and CLI show it. */
export type PolicySwitchJobView = {
  object: 'policy_switch_job';
  id: string;
  environment_id: string;
  from_policy: string;
  to_policy: string;
  status: PolicySwitchJob['status'];
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
export function presentPolicySwitchJob(j: PolicySwitchJob): PolicySwitchJobView {
  return {
    object: 'policy_switch_job',
    id: j.id,
    environment_id: j.environmentId,
    from_policy: j.fromPolicy,
    to_policy: j.toPolicy,
    status: j.status,
    total: j.total,
    processed: j.processed,
    reason: j.reason,
    created_at: j.createdAt.toISOString(),
    updated_at: j.updatedAt.toISOString(),
    completed_at: j.completedAt ? j.completedAt.toISOString() : null,
  };
}

/** The short form embedded in the PATCH /environments/{id} response. */
export function summarizePolicySwitchJob(j: PolicySwitchJob): PolicySwitchJobSummary {
  return { id: j.id, status: j.status, total: j.total, processed: j.processed };
}
