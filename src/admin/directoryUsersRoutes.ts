import { Router } from 'express';
import { z } from 'zod';
import { getDirectoryUser } from '../directory/getDirectoryUser';
import { DirectoryUserView, LIFECYCLES, listDirectoryUsers } from '../directory/listDirectoryUsers';
import { presentDirectoryUser } from '../directory/presentDirectoryUser';
import { listParams, parseInput } from '../validation';
import { AdminDeps } from './deps';
import { route, runCommand } from './edge';

const directoryUserListParams = listParams
  .extend({
    directory_id: z.string().min(1).optional(),
    state: z.enum(['active', 'inactive']).optional(),
    lifecycle: z.enum(LIFECYCLES).optional(),
    idle: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  })
  .strict();

/** A directory user as the admin API shows it: the event shape plus its lifecycle and activity. */
export function presentDirectoryUserView(v: DirectoryUserView) {
  const iso = (d: Date | null) => (d === null ? null : new Date(d).toISOString());
  return {
    ...presentDirectoryUser(v.user, v.groups),
    lifecycle: v.lifecycle,
    last_seen_at: iso(v.activity.last_seen_at),
    idle_since: iso(v.activity.idle_since),
    idle_action: v.activity.idle_since === null ? null : (v.activity.idle_action ?? null),
  };
}

/** /api/v1/directory-users: the people apps see, read-only (the IdP writes them over SCIM). */
export function directoryUsersRoutes(deps: AdminDeps): Router {
  const r = Router();

  r.get(
    '/directory-users',
    route(async (req, res) => {
      const { directory_id, ...params } = parseInput(directoryUserListParams, req.query);
      const page = await runCommand(deps, req, (ctx) =>
        listDirectoryUsers(ctx, { ...params, directoryId: directory_id }),
      );
      res.json({ data: page.rows.map(presentDirectoryUserView), list_metadata: { after: page.after } });
    }),
  );

  r.get(
    '/directory-users/:id',
    route(async (req, res) => {
      const view = await runCommand(deps, req, (ctx) => getDirectoryUser(ctx, req.params.id));
      res.json(presentDirectoryUserView(view));
    }),
  );

  return r;
}
