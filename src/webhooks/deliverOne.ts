import { DataSource } from 'typeorm';
import { EVENT_COLUMNS, PositionedEvent, presentEvent } from '../events/presentEvent';
import { ClaimedDelivery, claimNextOf } from './claimDelivery';
import { AttemptOutcome, DeliveryAgents, postWebhook } from './httpDelivery';
import { AttemptPolicy, recordAttempt } from './recordAttempt';
import { SecretBox } from './secretBox';
import { signWebhook } from './verifyWebhook';

export type DeliveryOptions = AttemptPolicy & {
  timeoutMs: number;
  allowPrivateNetworks: boolean;
  agents?: DeliveryAgents;
  /** When set, the endpoint's next due delivery is claimed (lease of this many seconds) in the same transaction as the outcome. */
  continueLeaseSeconds?: number;
};

/**
 * Sends one claimed delivery — outside any transaction, so no connection is held
 * while waiting on the subscriber — then records the outcome, and with
 * `continueLeaseSeconds` claims the same endpoint's next delivery in that transaction.
 */
export async function deliverOne(
  ds: DataSource,
  box: SecretBox,
  claim: ClaimedDelivery,
  opts: DeliveryOptions,
): Promise<{ outcome: AttemptOutcome; result: Awaited<ReturnType<typeof recordAttempt>>; next?: ClaimedDelivery }> {
  let next: ClaimedDelivery | undefined;
  const record = (outcome: AttemptOutcome) =>
    recordAttempt(
      ds,
      claim,
      outcome,
      opts,
      opts.continueLeaseSeconds === undefined
        ? undefined
        : async (m) => {
            const claimed = await claimNextOf(m, claim.endpoint_id, opts.continueLeaseSeconds!);
            next = claimed;
          },
    ).then((result) => ({ outcome, result, next }));
  const rows: PositionedEvent[] = await ds.query(
    `SELECT ${EVENT_COLUMNS} FROM events e WHERE e.id = $1`,
    [claim.event_id],
  );
  if (rows.length === 0) {
    // Deleted by retention between claim and send: nothing to deliver.
    return record({ ok: true, statusCode: null, error: 'event no longer retained' });
  }
  const body = JSON.stringify(presentEvent(rows[0]));
  let signature: string;
  try {
    // During a rotation's overlap, one v1 signature per secret, the current one first.
    const sealed = [claim.secret_ciphertext, ...(claim.previous_secret_ciphertext ? [claim.previous_secret_ciphertext] : [])];
    signature = signWebhook(body, sealed.map((s) => box.open(s)));
  } catch {
    // Sealed under another key (SECRETS_KEY changed). Recorded as a failed attempt so it
    // is retried, then failed, and shows in last_error; thrown, the claim would only
    // expire and be taken again, without end.
    return record({ ok: false, statusCode: null, error: 'signing secret cannot be opened (was SECRETS_KEY changed?)' });
  }
  const outcome = await postWebhook(
    claim.url,
    body,
    {
      'Content-Type': 'application/json',
      'User-Agent': 'dsync-webhooks/1',
      'Dsync-Event-Id': claim.event_id,
      'Dsync-Signature': signature,
    },
    { timeoutMs: opts.timeoutMs, allowPrivateNetworks: opts.allowPrivateNetworks, agents: opts.agents },
  );
  return record(outcome);
}
