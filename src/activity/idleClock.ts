/** What an idle rule measures a person against. */
export type IdleLimits = {
  /** The idle limit (`after`), in milliseconds. */
  afterMs: number;
  /** How long before the limit a warning is due (`warn_before`), in milliseconds. */
  warnBeforeMs?: number;
  /** When the rule was created or last changed: nobody is measured from before it. */
  enabledAt: Date;
};

/** Where a person stands against an idle rule at a given time. */
export type IdleClock = {
  /** The clock's start: the latest of last activity, provisioning and the rule's start. */
  since: Date;
  /** When the person crosses (or crossed) the limit. */
  idleAt: Date;
  /** When the warning is due, if the rule warns. */
  warnAt?: Date;
  status: 'active' | 'warning' | 'idle';
};

/**
 * The idle clock of one person (README, "Inactive without a status"). It starts at the
 * latest of their last activity, their directory user's creation, and the rule's
 * `enabled_at`, so enabling a rule flags nobody at once, and a person never seen is
 * measured from when they were provisioned or from when the rule began.
 */
export function idleClock(person: { lastSeenAt: Date | null; provisionedAt: Date }, rule: IdleLimits, now: Date): IdleClock {
  const since = new Date(Math.max(person.lastSeenAt?.getTime() ?? 0, person.provisionedAt.getTime(), rule.enabledAt.getTime()));
  const idleAt = new Date(since.getTime() + rule.afterMs);
  const warnAt = rule.warnBeforeMs === undefined ? undefined : new Date(Math.max(since.getTime(), idleAt.getTime() - rule.warnBeforeMs));
  const status = now >= idleAt ? 'idle' : warnAt && now >= warnAt ? 'warning' : 'active';
  return { since, idleAt, ...(warnAt ? { warnAt } : {}), status };
}
