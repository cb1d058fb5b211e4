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
  })
  .strict();

/** A directory user as the admin API shows it: the event shape plus its lifecycle. */
export function presentDirectoryUserView(v: DirectoryUserView) {
  return { ...presentDirectoryUser(v.user, v.groups), lifecycle: v.lifecycle };
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
