import { CommandContext, DirectoryTenant } from '../../tenancy/context';
import { recordActivity } from '../recordActivity';
import { oktaSignIns } from './oktaEvents';

/** What a delivery brought: sign-in events matched to a person, and the rest (other types, unknown people). */
export type OktaHookOutcome = { accepted: number; ignored: number };

/**
 * Records the sign-ins of one Okta event hook delivery as `sign_in` activity of the
 * directory's people (src/activity/recordActivity.ts: last-seen times only move forward,
 * and a sign-in ends an idle episode). An event counts as accepted when it named someone
 * in the directory; everything else is acknowledged and ignored.
 */
export async function recordOktaEvents(ctx: CommandContext, tenant: DirectoryTenant, events: unknown[], now: Date): Promise<OktaHookOutcome> {
  const { signals } = oktaSignIns(tenant.directoryId, events);
  const outcome = await recordActivity(ctx, signals.map((s) => s.signal), now);
  const ignoredSignals = new Set(outcome.ignored.map((i) => i.index));
  const matched = new Set(signals.filter((_, i) => !ignoredSignals.has(i)).map((s) => s.event));
  return { accepted: matched.size, ignored: events.length - matched.size };
}
