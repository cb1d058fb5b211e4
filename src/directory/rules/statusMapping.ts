import { Provider } from '../../db/tables/directories';

/**
 * One rule: where a status lives in the SCIM resource, and which values mean active or
 * inactive. A value in neither list keeps the current state, unless `otherwise` says
 * the system treats every other value as inactive (JumpCloud does).
 */
export type StatusRule = { attribute: string; active: string[]; inactive: string[]; otherwise?: 'keep' | 'inactive' };

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

// HR systems mark leavers with words like these (BambooHR, HiBob, Personio, Workday,
// SAP SuccessFactors, ADP, Namely, Paylocity); they push them as an employment status.
const HR_ACTIVE = ['active', 'employed', 'hired', 'onboarding', 'on leave', 'leave', 'leave of absence'];
const HR_INACTIVE = ['inactive', 'terminated', 'offboarded', 'departed', 'former', 'resigned', 'retired', 'deceased'];

const hrRule = (attribute: string): StatusRule => ({ attribute, active: HR_ACTIVE, inactive: HR_INACTIVE });

/**
 * The preset rules per provider; editable per directory through the admin API. Okta's
 * app-user statuses: STAGED, PROVISIONED (no password set yet) and ACTIVE are all
 * active; SUSPENDED and DEPROVISIONED are inactive. JumpCloud: active and staged are
 * active; suspended and the rest inactive.
 */
export const STATUS_PRESETS: Record<Provider, StatusRule[]> = {
  okta: [
    {
      attribute: 'urn:okta:scim:schemas:core:1.0:User:status',
      active: ['STAGED', 'PROVISIONED', 'ACTIVE', 'RECOVERY', 'PASSWORD_EXPIRED', 'LOCKED_OUT'],
      inactive: ['SUSPENDED', 'DEPROVISIONED'],
    },
    hrRule(`${ENTERPRISE}:employeeStatus`),
  ],
  jumpcloud: [
    {
      attribute: 'urn:jumpcloud:scim:schemas:1.0:User:state',
      active: ['active', 'staged'],
      inactive: ['suspended', 'disabled', 'deleted'],
      otherwise: 'inactive',
    },
    hrRule(`${ENTERPRISE}:employeeStatus`),
  ],
  entra: [hrRule(`${ENTERPRISE}:employeeStatus`)],
  onelogin: [hrRule(`${ENTERPRISE}:employeeStatus`)],
  google: [hrRule(`${ENTERPRISE}:employeeStatus`)],
  generic: [hrRule(`${ENTERPRISE}:employeeStatus`), hrRule('employeeStatus')],
};
