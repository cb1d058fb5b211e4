import { StateVerdict, UserState } from './deriveState';

/**
 * Where a decision about a person's state came from:
 * - `idp`: the identity provider's push — SCIM `active` and the directory's status rules,
 *   combined by `deriveState` (its reasons name each);
 * - `idle`: no sign-in for longer than the directory's idle limit;
 * - `pull`: a directory pull that no longer finds the person, or finds them suspended;
 * - `support`: a person acting through the admin API, the CLI or the console.
 */
export type SignalSource = 'idp' | 'idle' | 'pull' | 'support';

/** What one source last said about a person. */
export type Signal = {
  state: UserState;
  reason: string;
  /** When the source said it (ISO 8601). */
  at: string;
  /** For `idp`: the `active` value the IdP last sent (null when it never sent one). */
  active?: boolean | null;
};

/** Every source's standing decision about one person; a source with nothing to say is absent. */
export type StateSignals = Partial<Record<SignalSource, Signal>>;

/** What a source says now. */
export type SignalChange =
  /** An IdP push, with `deriveState`'s verdict and the `active` value it carried. */
  | { source: 'idp'; verdict: StateVerdict; active: boolean | undefined }
  /** Another source sets (`inactive`) or lifts (`active`) its own decision. */
  | { source: 'idle' | 'pull' | 'support'; state: UserState; reason: string }
  /** Nothing new (e.g. a policy switch re-applying the policy to the standing decisions). */
  | { source: 'none' };

/** The outcome: the signals to store, the resulting state, and what the audit log says about it. */
export type Resolution = {
  signals: StateSignals;
  state: UserState;
  /** The sources whose `inactive` decision stands (empty when active). */
  heldBy: SignalSource[];
  /** Sources whose standing `inactive` was lifted by an explicit reactivation of another. */
  lifted: SignalSource[];
  /** One line per source that has a say, e.g. `idle: inactive (no sign-in for 31 days)`. */
  reasons: string[];
};

const ORDER: SignalSource[] = ['idp', 'pull', 'idle', 'support'];

/**
 * The product's rule for a person's state when several sources have a say:
 * - the more restrictive wins: inactive when any source's standing decision is inactive;
 * - a source's decision holds until that same source lifts it, or someone explicitly
 *   reactivates the person — the IdP turning `active` from false to true, or a support
 *   action — which lifts every other source's standing `inactive` (never the IdP's own,
 *   which only the IdP can lift: it would push it again);
 * - a push that merely repeats `active: true` lifts nothing.
 * With the IdP the only source, the state is exactly `deriveState`'s verdict.
 */
export function resolveState(stored: StateSignals, change: SignalChange, at: string): Resolution {
  const signals: StateSignals = { ...stored };
  let reactivatedBy: SignalSource | undefined;
  if (change.source === 'idp') {
    const before = stored.idp?.active;
    const active = change.active ?? before ?? null;
    // RFC 7643 §4.1.1 `active`: only a change from false to true is a reactivation.
    if (before === false && change.active === true) reactivatedBy = 'idp';
    const next = { state: change.verdict.state, reason: change.verdict.reasons.join('; '), active };
    const prev = stored.idp;
    // An unchanged signal keeps its time, so a push that repeats the IdP's view stores nothing new.
    signals.idp = prev && prev.state === next.state && prev.reason === next.reason && prev.active === next.active ? prev : { ...next, at };
  } else if (change.source !== 'none') {
    if (change.state === 'inactive') signals[change.source] = { state: 'inactive', reason: change.reason, at };
    else {
      delete signals[change.source];
      if (change.source === 'support') reactivatedBy = 'support';
    }
  }
  const lifted: SignalSource[] = [];
  if (reactivatedBy) {
    for (const source of ORDER) {
      if (source === 'idp' || source === reactivatedBy || signals[source]?.state !== 'inactive') continue;
      delete signals[source];
      lifted.push(source);
    }
  }
  const present = ORDER.filter((s) => signals[s] !== undefined);
  const heldBy = present.filter((s) => signals[s]!.state === 'inactive');
  return {
    signals,
    state: heldBy.length > 0 ? 'inactive' : 'active',
    heldBy,
    lifted,
    reasons: present.map((s) => `${s}: ${signals[s]!.state} (${signals[s]!.reason})`),
  };
}

/**
 * Reads stored signals back from JSON (unknown until checked); anything unreadable is
 * dropped rather than trusted. `idpFallback` stands in for rows written before signals
 * were stored: the IdP's last `active` and the state it led to.
 */
export function parseSignals(value: unknown, idpFallback?: { active: boolean; state: UserState; at: string }): StateSignals {
  const out: StateSignals = {};
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const source of ORDER) {
      const s = (value as Record<string, unknown>)[source];
      if (typeof s !== 'object' || s === null) continue;
      const { state, reason, at, active } = s as Record<string, unknown>;
      if ((state !== 'active' && state !== 'inactive') || typeof reason !== 'string' || typeof at !== 'string') continue;
      out[source] = { state, reason, at, ...(source === 'idp' ? { active: typeof active === 'boolean' ? active : null } : {}) };
    }
  }
  if (!out.idp && idpFallback) {
    out.idp = { state: idpFallback.state, reason: 'recorded before state signals were kept', at: idpFallback.at, active: idpFallback.active };
  }
  return out;
}
