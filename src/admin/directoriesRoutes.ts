import { Router } from 'express';
import { createDirectory, createDirectoryInput } from '../tenancy/createDirectory';
import { deleteDirectory } from '../tenancy/deleteDirectory';
import { findDirectory } from '../tenancy/findDirectory';
import { listDirectories } from '../tenancy/listDirectories';
import { listDirectoryTokens } from '../tenancy/listDirectoryTokens';
import { revokeDirectoryToken } from '../tenancy/revokeDirectoryToken';
import { rotateDirectoryToken } from '../tenancy/rotateDirectoryToken';
import { updateDirectory, updateDirectoryInput } from '../tenancy/updateDirectory';
import { presentDirectory, presentDirectoryToken } from '../tenancy/presentDirectory';
import { listParams, parseInput } from '../validation';
import { z } from 'zod';
import { AdminDeps } from './deps';
import { route, runCommand } from './edge';

const directoryListParams = listParams.extend({ environment_id: z.string().min(1).optional() }).strict();

/** /api/v1/directories and their SCIM tokens. */
export function directoriesRoutes(deps: AdminDeps): Router {
  const r = Router();
  const publicUrl = deps.config.publicUrl;

  r.post(
    '/directories',
    route(async (req, res) => {
      const input = parseInput(createDirectoryInput, req.body);
      const { directory, bearerToken } = await runCommand(deps, req, (ctx) => createDirectory(ctx, input));
      res.status(201).json({ ...presentDirectory(directory, publicUrl), bearer_token: bearerToken });
    }),
  );

  r.get(
    '/directories',
    route(async (req, res) => {
      const { environment_id, ...params } = parseInput(directoryListParams, req.query);
      const page = await runCommand(deps, req, (ctx) =>
        listDirectories(ctx, { ...params, environmentId: environment_id }),
      );
      res.json({ data: page.rows.map((d) => presentDirectory(d, publicUrl)), list_metadata: { after: page.after } });
    }),
  );

  r.get(
    '/directories/:id',
    route(async (req, res) => {
      const directory = await runCommand(deps, req, (ctx) => findDirectory(ctx, req.params.id));
      res.json(presentDirectory(directory, publicUrl));
    }),
  );

  r.patch(
    '/directories/:id',
    route(async (req, res) => {
      const input = parseInput(updateDirectoryInput, req.body);
      const directory = await runCommand(deps, req, (ctx) => updateDirectory(ctx, req.params.id, input));
      res.json(presentDirectory(directory, publicUrl));
    }),
  );

  r.delete(
    '/directories/:id',
    route(async (req, res) => {
      await runCommand(deps, req, (ctx) => deleteDirectory(ctx, req.params.id));
      res.status(204).end();
    }),
  );

  r.post(
    '/directories/:id/tokens',
    route(async (req, res) => {
      const { token, secret } = await runCommand(deps, req, (ctx) => rotateDirectoryToken(ctx, req.params.id));
      res.status(201).json({ ...presentDirectoryToken(token), bearer_token: secret });
    }),
  );

  r.get(
    '/directories/:id/tokens',
    route(async (req, res) => {
      const params = parseInput(listParams.strict(), req.query);
      const page = await runCommand(deps, req, (ctx) => listDirectoryTokens(ctx, req.params.id, params));
      res.json({ data: page.rows.map(presentDirectoryToken), list_metadata: { after: page.after } });
    }),
  );

  r.delete(
    '/directories/:id/tokens/:tokenId',
    route(async (req, res) => {
      const token = await runCommand(deps, req, (ctx) =>
        revokeDirectoryToken(ctx, req.params.id, req.params.tokenId),
      );
      res.json(presentDirectoryToken(token));
    }),
  );

  return r;
}
