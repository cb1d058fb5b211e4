import { Router } from 'express';
import { getStatusMapping } from '../directory/getStatusMapping';
import { setStatusMapping, setStatusMappingInput } from '../directory/setStatusMapping';
import { parseInput } from '../validation';
import { AdminDeps } from './deps';
import { route, runCommand } from './edge';

/** /api/v1/directories/{id}/status-mapping: which status values mean active or inactive. */
export function statusMappingRoutes(deps: AdminDeps): Router {
  const r = Router();

  r.get(
    '/directories/:id/status-mapping',
    route(async (req, res) => {
      res.json(await runCommand(deps, req, (ctx) => getStatusMapping(ctx, req.params.id)));
    }),
  );

  r.put(
    '/directories/:id/status-mapping',
    route(async (req, res) => {
      const { rules } = parseInput(setStatusMappingInput, req.body);
      res.json(await runCommand(deps, req, (ctx) => setStatusMapping(ctx, req.params.id, rules)));
    }),
  );

  // Back to the provider's preset; answers the mapping now in force, like PUT.
  r.delete(
    '/directories/:id/status-mapping',
    route(async (req, res) => {
      res.json(await runCommand(deps, req, (ctx) => setStatusMapping(ctx, req.params.id, null)));
    }),
  );

  return r;
}
