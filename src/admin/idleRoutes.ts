import { Router } from 'express';
import { z } from 'zod';
import { clearIdleRule } from '../activity/clearIdleRule';
import { getIdleRule } from '../activity/getIdleRule';
import { idleRuleInput } from '../activity/idleRuleInput';
import { idpCallsFromConfig } from '../activity/idp/idpCalls';
import { presentIdleRule } from '../activity/presentIdleRule';
import { previewIdleUsers } from '../activity/previewIdleUsers';
import { runIdleScan } from '../activity/runIdleScan';
import { setIdleRule } from '../activity/setIdleRule';
import { listParams, parseInput } from '../validation';
import { AdminDeps } from './deps';
import { actorOf, route, runCommand } from './edge';

const previewParams = listParams.extend({ as_of: z.iso.datetime({ offset: true }).optional() }).strict();

/** /api/v1/directories/{id}/idle-rule, …/idle-users and …/idle-scan: people who stopped using the app. */
export function idleRoutes(deps: AdminDeps): Router {
  const r = Router();
  // Entra sign-ins are pulled before a scan; one token cache for this app's scans.
  const idp = idpCallsFromConfig(deps.config);

  r.put(
    '/directories/:id/idle-rule',
    route(async (req, res) => {
      const input = parseInput(idleRuleInput, req.body);
      const rule = await runCommand(deps, req, (ctx) => setIdleRule(ctx, req.params.id, input));
      res.json(presentIdleRule(rule));
    }),
  );

  r.get(
    '/directories/:id/idle-rule',
    route(async (req, res) => {
      res.json(presentIdleRule(await runCommand(deps, req, (ctx) => getIdleRule(ctx, req.params.id))));
    }),
  );

  r.delete(
    '/directories/:id/idle-rule',
    route(async (req, res) => {
      await runCommand(deps, req, (ctx) => clearIdleRule(ctx, req.params.id));
      res.status(204).end();
    }),
  );

  r.get(
    '/directories/:id/idle-users',
    route(async (req, res) => {
      const { as_of, ...page } = parseInput(previewParams, req.query);
      const asOf = as_of === undefined ? new Date() : new Date(as_of);
      const preview = await runCommand(deps, req, (ctx) => previewIdleUsers(ctx, req.params.id, { ...page, asOf }));
      res.json({ data: preview.rows, list_metadata: { after: preview.after } });
    }),
  );

  r.post(
    '/directories/:id/idle-scan',
    route(async (req, res) => {
      // Its own transactions, one per batch (src/activity/runIdleScan.ts); answers when done.
      const results = await runIdleScan(deps.dataSource, actorOf(req), req.params.id, { idp, batchSize: deps.config.idleScanBatchSize });
      res.json({ data: results });
    }),
  );

  return r;
}
