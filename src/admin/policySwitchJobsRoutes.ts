import { Router } from 'express';
import { findPolicySwitchJob } from '../directory/findPolicySwitchJob';
import { listPolicySwitchJobs } from '../directory/listPolicySwitchJobs';
import { presentPolicySwitchJob } from '../directory/presentPolicySwitchJob';
import { listParams, parseInput } from '../validation';
import { AdminDeps } from './deps';
import { route, runCommand } from './edge';

/** /api/v1/policy-switch-jobs: the progress of inactive-policy switches (started by PATCH /environments/{id}). */
export function policySwitchJobsRoutes(deps: AdminDeps): Router {
  const r = Router();

  r.get(
    '/policy-switch-jobs/:id',
    route(async (req, res) => {
      const job = await runCommand(deps, req, (ctx) => findPolicySwitchJob(ctx, req.params.id));
      res.json(presentPolicySwitchJob(job));
    }),
  );

  r.get(
    '/environments/:id/policy-switch-jobs',
    route(async (req, res) => {
      const params = parseInput(listParams.strict(), req.query);
      const page = await runCommand(deps, req, (ctx) => listPolicySwitchJobs(ctx, req.params.id, params));
      res.json({ data: page.rows.map(presentPolicySwitchJob), list_metadata: { after: page.after } });
    }),
  );

  return r;
}
