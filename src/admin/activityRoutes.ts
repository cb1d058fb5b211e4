import { Router } from 'express';
import { z } from 'zod';
import { recordActivity } from '../activity/recordActivity';
import { ACTIVITY_KINDS } from '../db/tables/personActivity';
import { parseInput } from '../validation';
import { AdminDeps } from './deps';
import { route, runCommand } from './edge';

const text = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((s) => !s.includes('\u0000'), 'must not contain NUL characters');

const person = z
  .object({ id: text(100), external_id: text(1000), user_name: text(1000), email: text(1000) })
  .partial()
  .strict()
  .refine((u) => Object.values(u).filter((v) => v !== undefined).length === 1, 'give exactly one of id, external_id, user_name, email');

/** RFC 3339 date-time with an explicit offset (`Z` or `±hh:mm`), as JSON dates are sent. */
const rfc3339 = z.iso.datetime({ offset: true });

const activityBody = z
  .object({
    signals: z
      .array(z.object({ directory_id: text(100), user: person, occurred_at: rfc3339, kind: z.enum(ACTIVITY_KINDS) }).strict())
      .max(1000),
  })
  .strict();

/** /api/v1/activity: sign-in and usage signals that keep each person's last-seen time. */
export function activityRoutes(deps: AdminDeps): Router {
  const r = Router();
  r.post(
    '/activity',
    route(async (req, res) => {
      const { signals } = parseInput(activityBody, req.body);
      const parsed = signals.map((s) => ({ ...s, user: s.user as { id: string }, occurred_at: new Date(s.occurred_at) }));
      const outcome = await runCommand(deps, req, (ctx) => recordActivity(ctx, parsed, new Date()));
      res.json(outcome);
    }),
  );
  return r;
}
