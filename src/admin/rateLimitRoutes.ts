import { Router } from 'express';
import { findApiKeyRateLimit } from '../tenancy/findApiKeyRateLimit';
import { findDirectory } from '../tenancy/findDirectory';
import { presentRateLimit, setRateLimitInput } from '../tenancy/presentRateLimit';
import { API_KEY_RATE_LIMIT, SCIM_TOKEN_RATE_LIMIT } from '../tenancy/rateLimits';
import { setApiKeyRateLimit } from '../tenancy/setApiKeyRateLimit';
import { setDirectoryRateLimit } from '../tenancy/setDirectoryRateLimit';
import { parseInput } from '../validation';
import { AdminDeps } from './deps';
import { route, runCommand } from './edge';

/**
 * /api/v1/directories/{id}/rate-limit (its SCIM tokens) and
 * /api/v1/environments/{id}/api-keys/{keyId}/rate-limit: the budget in force; PUT sets an
 * override and DELETE returns to the default (both answer the limit now in force).
 */
export function rateLimitRoutes(deps: AdminDeps): Router {
  const r = Router();
  const directory = '/directories/:id/rate-limit';
  const apiKey = '/environments/:id/api-keys/:keyId/rate-limit';

  r.get(
    directory,
    route(async (req, res) => {
      const row = await runCommand(deps, req, (ctx) => findDirectory(ctx, req.params.id));
      res.json(presentRateLimit(row, SCIM_TOKEN_RATE_LIMIT));
    }),
  );
  r.put(
    directory,
    route(async (req, res) => {
      const input = parseInput(setRateLimitInput, req.body);
      res.json(await runCommand(deps, req, (ctx) => setDirectoryRateLimit(ctx, req.params.id, input)));
    }),
  );
  r.delete(
    directory,
    route(async (req, res) => {
      res.json(await runCommand(deps, req, (ctx) => setDirectoryRateLimit(ctx, req.params.id, null)));
    }),
  );

  r.get(
    apiKey,
    route(async (req, res) => {
      const row = await runCommand(deps, req, (ctx) => findApiKeyRateLimit(ctx, req.params.id, req.params.keyId));
      res.json(presentRateLimit(row, API_KEY_RATE_LIMIT));
    }),
  );
  r.put(
    apiKey,
    route(async (req, res) => {
      const input = parseInput(setRateLimitInput, req.body);
      res.json(await runCommand(deps, req, (ctx) => setApiKeyRateLimit(ctx, req.params.id, req.params.keyId, input)));
    }),
  );
  r.delete(
    apiKey,
    route(async (req, res) => {
      res.json(await runCommand(deps, req, (ctx) => setApiKeyRateLimit(ctx, req.params.id, req.params.keyId, null)));
    }),
  );

  return r;
}
