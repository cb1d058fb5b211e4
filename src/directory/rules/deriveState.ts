import { readScimPath } from './scimPath';
import { StatusRule } from './statusMapping';

export type UserState = 'active' | 'inactive';

/** Why a state was chosen, for the audit log. */
export type StateVerdict = {
  state: UserState;
  /** Human-readable reasons, e.g. `active=false`, `employeeStatus "Terminated" → inactive`. */
  reasons: string[];
  /** Status values no rule knows; they never change state on their own. */
  unknown: { attribute: string; value: string }[];
  /** True when `active` and a status rule disagreed (the more restrictive, inactive, won). */
  conflict: boolean;
};

/**
 * Parses SCIM `active` (RFC 7643 §4.1.1, boolean); Entra sends the strings "True"/"False"
 * in any case. Returns undefined when absent or not recognisable.
 */
export function parseActive(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === 'true';
  return undefined;
}

/**
 * Derives a directory user's state from what the IdP pushed: `active` (absent on
 * create means active) and the directory's status rules. The more restrictive answer
 * wins; an unknown status value keeps `current` (or what `active` says on create).
 */
export function deriveState(resource: Record<string, unknown>, rules: StatusRule[], current?: UserState): StateVerdict {
  const reasons: string[] = [];
  const unknown: StateVerdict['unknown'] = [];
  const active = parseActive(resource.active);
  const fromActive: UserState | undefined = active === undefined ? undefined : active ? 'active' : 'inactive';
  if (fromActive) reasons.push(`active=${active}`);

  const fromRules: UserState[] = [];
  for (const rule of rules) {
    const raw = readScimPath(resource, rule.attribute);
    if (raw === undefined || raw === null || raw === '') continue;
    const value = String(typeof raw === 'object' ? ((raw as { value?: unknown }).value ?? '') : raw).trim();
    if (value === '') continue;
    const v = value.toLowerCase();
    if (rule.inactive.some((x) => x.toLowerCase() === v)) fromRules.push('inactive');
    else if (rule.active.some((x) => x.toLowerCase() === v)) fromRules.push('active');
    else if (rule.otherwise === 'inactive') fromRules.push('inactive');
    else {
      unknown.push({ attribute: rule.attribute, value });
      continue;
    }
    reasons.push(`${rule.attribute} "${value}" → ${fromRules[fromRules.length - 1]}`);
  }

  const opinions = [...(fromActive ? [fromActive] : []), ...fromRules];
  const conflict = new Set(opinions).size > 1;
  let state: UserState;
  if (opinions.includes('inactive')) state = 'inactive';
  // An unknown status value must not flip an existing user to active through another signal.
  else if (unknown.length > 0 && current) state = current;
  else if (opinions.includes('active')) state = 'active';
  else state = current ?? 'active';
  if (unknown.length > 0) reasons.push(`unknown status value(s); state kept unless another signal says inactive`);
  if (opinions.length === 0) reasons.push(current ? `no state signal; kept ${current}` : 'no state signal; created active');
  return { state, reasons, unknown, conflict };
}
