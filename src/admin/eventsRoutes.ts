import { Router } from 'express';
import { listEvents, listEventsInput } from '../events/listEvents';
import { assignAllPositions } from '../events/assignPositions';
import { presentEvent } from '../events/presentEvent';
import { parseInput } from '../validation';
import { AdminDeps } from './deps';
import { route, runCommand } from './edge';

/** GET /api/v1/events: the ordered event log, cursor-paged by position. */
export function eventsRoutes(deps: AdminDeps): Router {
  const r = Router();
  r.get(
    '/events',
    route(async (req, res) => {
      const input = parseInput(listEventsInput, req.query);
      // Position what has committed since the sequencer last ran, so a poll sees it now.
      await assignAllPositions(deps.dataSource, { afterAssign: deps.afterPositions });
      const page = await runCommand(deps, req, (ctx) => listEvents(ctx, input));
      res.json({ data: page.rows.map(presentEvent), list_metadata: { after: page.after } });
    }),
  );
  return r;
}
