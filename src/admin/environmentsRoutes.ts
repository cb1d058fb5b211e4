import { Router } from 'express';
import { createApiKey, createApiKeyInput } from '../tenancy/createApiKey';
import { createEnvironment, createEnvironmentInput } from '../tenancy/createEnvironment';
import { findEnvironment } from '../tenancy/findEnvironment';
import { listApiKeys } from '../tenancy/listApiKeys';
import { listEnvironments } from '../tenancy/listEnvironments';
import { revokeApiKey } from '../tenancy/revokeApiKey';
import { updateEnvironment, updateEnvironmentInput } from '../tenancy/updateEnvironment';
import { presentApiKey } from '../tenancy/presentApiKey';
import { presentEnvironment } from '../tenancy/presentEnvironment';
import { summarizePolicySwitchJob } from '../directory/presentPolicySwitchJob';
import { listParams, parseInput } from '../validation';
import { AdminDeps } from './deps';
import { route, runCommand } from './edge';

/** /api/v1/environments and their API keys. */
export function environmentsRoutes(deps: AdminDeps): Router {
  const r = Router();

  r.post(
    '/environments',
    route(async (req, res) => {
      const input = parseInput(createEnvironmentInput, req.body);
      const env = await runCommand(deps, req, (ctx) => createEnvironment(ctx, input));
      res.status(201).json(presentEnvironment(env));
    }),
  );

  r.get(
    '/environments',
    route(async (req, res) => {
      const params = parseInput(listParams.strict(), req.query);
      const page = await runCommand(deps, req, (ctx) => listEnvironments(ctx, params));
      res.json({ data: page.rows.map(presentEnvironment), list_metadata: { after: page.after } });
    }),
  );

  r.get(
    '/environments/:id',
    route(async (req, res) => {
      const env = await runCommand(deps, req, (ctx) => findEnvironment(ctx, req.params.id));
      res.json(presentEnvironment(env));
    }),
  );

  r.patch(
    '/environments/:id',
    route(async (req, res) => {
      const input = parseInput(updateEnvironmentInput, req.body);
      const { environment, policySwitchJob } = await runCommand(deps, req, (ctx) => updateEnvironment(ctx, req.params.id, input));
      // 200, not 202: the policy itself has changed when this answers; the job only
      // applies it to the users kept so far, and its progress is at /policy-switch-jobs/{id}.
      const job = policySwitchJob ? { policy_switch_job: summarizePolicySwitchJob(policySwitchJob) } : {};
      res.json({ ...presentEnvironment(environment), ...job });
    }),
  );

  r.post(
    '/environments/:id/api-keys',
    route(async (req, res) => {
      const input = parseInput(createApiKeyInput, req.body ?? {});
      const { apiKey, secret } = await runCommand(deps, req, (ctx) => createApiKey(ctx, req.params.id, input));
      res.status(201).json({ ...presentApiKey(apiKey), key: secret });
    }),
  );

  r.get(
    '/environments/:id/api-keys',
    route(async (req, res) => {
      const params = parseInput(listParams.strict(), req.query);
      const page = await runCommand(deps, req, (ctx) => listApiKeys(ctx, req.params.id, params));
      res.json({ data: page.rows.map(presentApiKey), list_metadata: { after: page.after } });
    }),
  );

  r.delete(
    '/environments/:id/api-keys/:keyId',
    route(async (req, res) => {
      const key = await runCommand(deps, req, (ctx) => revokeApiKey(ctx, req.params.id, req.params.keyId));
      res.json(presentApiKey(key));
    }),
  );

  return r;
}

