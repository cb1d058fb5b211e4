import { Router } from 'express';
import { deleteIdpConnection } from '../activity/idp/deleteIdpConnection';
import { getIdpConnection } from '../activity/idp/getIdpConnection';
import { idpConnectionInput } from '../activity/idp/idpConnectionInput';
import { presentIdpConnection } from '../activity/idp/presentIdpConnection';
import { setIdpConnection } from '../activity/idp/setIdpConnection';
import { createOktaEventHook } from '../activity/oktaHook/createOktaEventHook';
import { parseInput } from '../validation';
import { AdminDeps } from './deps';
import { route, runCommand } from './edge';

/** /api/v1/directories/{id}/idp-connection and …/okta-event-hook: how dsync and the directory's IdP reach each other. */
export function idpConnectionRoutes(deps: AdminDeps): Router {
  const r = Router();
  const settings = { allowPrivateNetworks: deps.config.webhook.allowPrivateNetworks, secretsKey: deps.config.secretsKey };

  r.put(
    '/directories/:id/idp-connection',
    route(async (req, res) => {
      const input = parseInput(idpConnectionInput, req.body);
      const row = await runCommand(deps, req, (ctx) => setIdpConnection(ctx, req.params.id, input, settings));
      res.json(presentIdpConnection(row));
    }),
  );

  r.get(
    '/directories/:id/idp-connection',
    route(async (req, res) => {
      res.json(presentIdpConnection(await runCommand(deps, req, (ctx) => getIdpConnection(ctx, req.params.id))));
    }),
  );

  r.delete(
    '/directories/:id/idp-connection',
    route(async (req, res) => {
      await runCommand(deps, req, (ctx) => deleteIdpConnection(ctx, req.params.id));
      res.status(204).end();
    }),
  );

  r.post(
    '/directories/:id/okta-event-hook',
    route(async (req, res) => {
      res.json(await runCommand(deps, req, (ctx) => createOktaEventHook(ctx, req.params.id, deps.config.publicUrl)));
    }),
  );

  return r;
}
