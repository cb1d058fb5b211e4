import { ActivitySignal } from '../recordActivity';

/**
 * Okta System Log event types that mean the person signed in: an SSO into an app, and a
 * session started with Okta (https://developer.okta.com/docs/reference/api/event-types/).
 */
export const SIGN_IN_EVENT_TYPES = ['user.authentication.sso', 'user.session.start'] as const;

/** What an event hook delivery holds: sign-in signals, and the index of each event they came from. */
export type OktaSignIns = { signals: { event: number; signal: ActivitySignal }[]; events: number };

/**
 * The sign-in signals of one event hook delivery (`{"data": {"events": [...]}}`, Okta's
 * event hook request, https://developer.okta.com/docs/concepts/event-hooks/): each
 * sign-in event names its person twice — `actor.id`, the Okta user id Okta sends as SCIM
 * `externalId`, and `actor.alternateId`, their login (SCIM `userName`) — at its
 * `published` time. Other event types, and events without a person or a time, give none.
 */
export function oktaSignIns(directoryId: string, events: unknown[]): OktaSignIns {
  const signals: OktaSignIns['signals'] = [];
  events.forEach((raw, event) => {
    if (typeof raw !== 'object' || raw === null) return;
    const e = raw as { eventType?: unknown; published?: unknown; actor?: { id?: unknown; alternateId?: unknown; type?: unknown } | null };
    if (!(SIGN_IN_EVENT_TYPES as readonly unknown[]).includes(e.eventType)) return;
    if (typeof e.published !== 'string' || Number.isNaN(Date.parse(e.published))) return;
    if (e.actor?.type !== undefined && e.actor.type !== 'User') return;
    const occurred_at = new Date(e.published);
    const signal = (user: ActivitySignal['user']) => signals.push({ event, signal: { directory_id: directoryId, user, occurred_at, kind: 'sign_in' } });
    if (usable(e.actor?.id)) signal({ external_id: e.actor!.id as string });
    if (usable(e.actor?.alternateId)) signal({ user_name: e.actor!.alternateId as string });
  });
  return { signals, events: events.length };
}

function usable(v: unknown): boolean {
  return typeof v === 'string' && v.length > 0 && v.length <= 1000 && !v.includes('\u0000');
}
