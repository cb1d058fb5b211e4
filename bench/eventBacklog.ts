import { Client } from 'pg';

/** Pending work, counted as the server's `dsync_event_backlog` gauge counts it, for this directory and endpoint. */
export type BacklogSample = { atS: number; unpositioned: number; pending: number };

/** How long a run waits for its events to be delivered before it reports them as not delivered. */
export const DRAIN_LIMIT_S = 120;

/**
 * Waits until the directory has no event without a position and the endpoint no
 * delivery pending or in flight; resolves with the wait in ms, or undefined after
 * DRAIN_LIMIT_S. A delivery is marked succeeded only after the subscriber answered, so
 * when this resolves the subscriber has every event.
 */
export async function waitForDrain(client: Client, directoryId: string, endpointId: string): Promise<number | undefined> {
  const started = Date.now();
  while (Date.now() - started < DRAIN_LIMIT_S * 1000) {
    const backlog = await backlogOf(client, directoryId, endpointId);
    if (backlog.unpositioned === 0 && backlog.pending === 0) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return undefined;
}

// What dsync_event_backlog counts (src/jobs/workerMetrics.ts), for this directory and
// endpoint. Asked over the bench's own connection, it costs the server nothing, and it works
// when the worker runs as its own process (the server then has no backlog gauge).
async function backlogOf(client: Client, directoryId: string, endpointId: string): Promise<{ unpositioned: number; pending: number }> {
  const { rows } = await client.query<{ unpositioned: string; pending: string }>(
    `SELECT (SELECT count(*) FROM events WHERE directory_id = $1 AND position IS NULL) AS unpositioned,
            (SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = $2 AND status IN ('pending', 'delivering')) AS pending`,
    [directoryId, endpointId],
  );
  return { unpositioned: Number(rows[0].unpositioned), pending: Number(rows[0].pending) };
}

/** Counts the backlog once a second (a count already in flight is not doubled) until stopped. */
export function sampleBacklog(client: Client, directoryId: string, endpointId: string, startedAt: number): { stop(): Promise<BacklogSample[]> } {
  const samples: BacklogSample[] = [];
  let inFlight: Promise<void> | undefined;
  const sample = () => {
    if (inFlight) return;
    const atS = (Date.now() - startedAt) / 1000;
    inFlight = backlogOf(client, directoryId, endpointId)
      .then((b) => void samples.push({ atS, ...b }))
      // A failed count leaves a gap in the series; the drain check reports a lost connection.
      .catch(() => undefined)
      .finally(() => (inFlight = undefined));
  };
  sample();
  const timer = setInterval(sample, 1000);
  return {
    async stop() {
      clearInterval(timer);
      await inFlight;
      return samples;
    },
  };
}
