import { DataSource, EntityManager } from 'typeorm';
import { recordAudit } from '../audit/recordAudit';
import { queryReturning } from '../db/returning';
import { WebhookDeliveryRow } from '../db/tables/webhookDeliveries';
import { WebhookEndpointRow } from '../db/tables/webhookEndpoints';
import { AttemptOutcome } from './httpDelivery';
import { ClaimedDelivery } from './claimDelivery';
import { nextAttemptDelayMs } from './retrySchedule';

export type AttemptPolicy = { retryBaseSeconds: number; maxAttempts: number; disableAfterHours: number };

/**
 * Stores the outcome of one attempt. Ignored if the claim was lost meanwhile (lease
 * expired and another worker re-claimed: its attempt counter moved on). Success
 * clears the endpoint's failing streak; a failure schedules the next attempt or marks
 * the delivery failed, and an endpoint failing for `disableAfterHours` is disabled.
 */
export async function recordAttempt(
  ds: DataSource,
  claim: ClaimedDelivery,
  outcome: AttemptOutcome,
  policy: AttemptPolicy,
  then?: (m: EntityManager, result: 'succeeded' | 'retrying' | 'failed') => Promise<void>,
): Promise<'succeeded' | 'retrying' | 'failed' | 'stale'> {
  return ds.transaction(async (m) => {
    // Continuing with the endpoint's next delivery claims under the endpoint row lock, in
    // the same order as claimDelivery (endpoint, then deliveries), so no second claimer
    // can slip in between and no lock cycle can form.
    if (then) await m.query(`SELECT 1 FROM webhook_endpoints WHERE id = $1 FOR UPDATE`, [claim.endpoint_id]);
    const result = await record(m, claim, outcome, policy);
    if (result !== 'stale' && then) await then(m, result);
    return result;
  });
}

async function record(
  m: EntityManager,
  claim: ClaimedDelivery,
  outcome: AttemptOutcome,
  policy: AttemptPolicy,
): Promise<'succeeded' | 'retrying' | 'failed' | 'stale'> {
  const delay = outcome.ok ? undefined : nextAttemptDelayMs(claim.attempts, policy);
  const status = outcome.ok ? 'succeeded' : delay === undefined ? 'failed' : 'pending';
  const updated = await queryReturning<Pick<WebhookDeliveryRow, 'id'>>(
    m,
    `UPDATE webhook_deliveries
        SET status = $3, last_status_code = $4, last_error = $5, lease_expires_at = NULL, updated_at = now(),
            delivered_at = CASE WHEN $3 = 'succeeded' THEN now() ELSE delivered_at END,
            next_attempt_at = CASE WHEN $3 = 'pending' THEN now() + make_interval(secs => $6) ELSE next_attempt_at END
      WHERE id = $1 AND status = 'delivering' AND attempts = $2
      RETURNING id`,
    [claim.id, claim.attempts, status, outcome.statusCode, outcome.error, (delay ?? 0) / 1000],
  );
  if (updated.length === 0) return 'stale';
  if (outcome.ok) {
    await m.query(`UPDATE webhook_endpoints SET failing_since = NULL WHERE id = $1 AND failing_since IS NOT NULL`, [claim.endpoint_id]);
    return 'succeeded';
  }
  await m.query(`UPDATE webhook_endpoints SET failing_since = coalesce(failing_since, now()) WHERE id = $1`, [claim.endpoint_id]);
  await disableIfFailingTooLong(m, claim.endpoint_id, policy.disableAfterHours);
  return status === 'failed' ? 'failed' : 'retrying';
}

async function disableIfFailingTooLong(m: import('typeorm').EntityManager, endpointId: string, hours: number): Promise<void> {
  const disabled = await queryReturning<Pick<WebhookEndpointRow, 'id' | 'environment_id'> & { failing_since: Date }>(
    m,
    `UPDATE webhook_endpoints
        SET enabled = false, updated_at = now(),
            disabled_reason = 'every delivery failed for ' || $2 || ' hours'
      WHERE id = $1 AND enabled AND failing_since <= now() - make_interval(secs => $2 * 3600)
      RETURNING id, environment_id, failing_since`,
    [endpointId, hours],
  );
  if (disabled.length === 0) return;
  await recordAudit(
    { manager: m, actor: { kind: 'system', name: 'webhook-worker' } },
    {
      environmentId: disabled[0].environment_id,
      action: 'webhook_endpoint.disabled',
      targetType: 'webhook_endpoint',
      targetId: endpointId,
      reason: `every delivery failed since ${new Date(disabled[0].failing_since).toISOString()}`,
      details: { failing_hours: hours },
    },
  );
}
