import { EntityManager } from 'typeorm';

/** The graphile-worker task that makes one attempt at removing a person's app assignment in the IdP. */
export const IDP_UNASSIGN_TASK = 'idp_unassign';

/** What an idp_unassign job carries: the person (their IdP record), their directory user, and the idle episode. */
export type IdpUnassignPayload = { scim_user_id: string; directory_user_id: string; idle_since: string };

/**
 * Queues an attempt in the caller's transaction, so it exists exactly when what queued it
 * commits: the idle scan's flag, or the attempt before it with its answer. One key per
 * person keeps at most one attempt waiting.
 */
export async function queueIdpUnassign(m: EntityManager, payload: IdpUnassignPayload, delaySeconds = 0): Promise<void> {
  await m.query(
    `SELECT FROM graphile_worker.add_job($1, $2::json, run_at => now() + make_interval(secs => $3), job_key => $4, job_key_mode => 'replace')`,
    [IDP_UNASSIGN_TASK, JSON.stringify(payload), delaySeconds, `idp_unassign:${payload.scim_user_id}`],
  );
}
