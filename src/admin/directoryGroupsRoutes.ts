import { Router } from 'express';
import { z } from 'zod';
import { getDirectoryGroup } from '../directory/getDirectoryGroup';
import { listDirectoryGroups } from '../directory/listDirectoryGroups';
import { listDirectoryUsers } from '../directory/listDirectoryUsers';
import { presentDirectoryGroup } from '../directory/presentDirectoryGroup';
import { listParams, parseInput } from '../validation';
import { AdminDeps } from './deps';
import { presentDirectoryUserView } from './directoryUsersRoutes';
import { route, runCommand } from './edge';

const directoryGroupListParams = listParams.extend({ directory_id: z.string().min(1).optional() }).strict();

/** /api/v1/directory-groups and their members, read-only (the IdP writes them over SCIM). */
export function directoryGroupsRoutes(deps: AdminDeps): Router {
  const r = Router();

  r.get(
    '/directory-groups',
    route(async (req, res) => {
      const { directory_id, ...params } = parseInput(directoryGroupListParams, req.query);
      const page = await runCommand(deps, req, (ctx) =>
        listDirectoryGroups(ctx, { ...params, directoryId: directory_id }),
      );
      res.json({ data: page.rows.map(presentDirectoryGroup), list_metadata: { after: page.after } });
    }),
  );

  r.get(
    '/directory-groups/:id',
    route(async (req, res) => {
      const group = await runCommand(deps, req, (ctx) => getDirectoryGroup(ctx, req.params.id));
      res.json(presentDirectoryGroup(group));
    }),
  );

  r.get(
    '/directory-groups/:id/users',
    route(async (req, res) => {
      const params = parseInput(listParams.strict(), req.query);
      const page = await runCommand(deps, req, (ctx) => listDirectoryUsers(ctx, { ...params, groupId: req.params.id }));
      res.json({ data: page.rows.map(presentDirectoryUserView), list_metadata: { after: page.after } });
    }),
  );

  return r;
}
