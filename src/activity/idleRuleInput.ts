import { z } from 'zod';
import { IDLE_ACTIONS } from '../db/tables/idleRules';
import { parseDuration } from './duration';

const duration = (what: string, min: number) =>
  z
    .string()
    .max(40)
    .refine((s) => parseDuration(s) !== undefined, `${what} must be an ISO 8601 duration of weeks, days or time, e.g. P30D or PT12H`)
    .refine((s) => (parseDuration(s) ?? 0) >= min, `${what} must be ${min === 0 ? 'zero or more' : 'longer than zero'}`);

const ids = (prefix: string) =>
  z
    .array(z.string().regex(new RegExp(`^${prefix}_[0-9A-HJKMNP-TV-Z]{26}$`), `must be ${prefix} ids`))
    .max(1000)
    .default([]);

/** The body of PUT /api/v1/directories/{id}/idle-rule. */
export const idleRuleInput = z
  .object({
    after: duration('after', 1),
    action: z.enum(IDLE_ACTIONS),
    warn_before: duration('warn_before', 0).optional(),
    exclude: z.object({ user_ids: ids('directory_user'), group_ids: ids('directory_group') }).strict().optional(),
  })
  .strict();

export type IdleRuleInput = z.infer<typeof idleRuleInput>;
