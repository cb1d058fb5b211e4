import { PageParams, checkCursor } from '../db/pagination';
import { CommandContext } from '../tenancy/context';
import { getIdleRule } from './getIdleRule';
import { idleAt } from './idleCandidates';

/** One person the idle rule holds idle at the time asked about. */
export type IdlePreviewEntry = { directory_user_id: string; last_seen_at: string | null; idle_since: string; action: string };

/**
 * Who is idle at `asOf` (now by default) under the directory's rule: people flagged in an
 * episode still open, and active people whose clock crosses the limit by then, with when
 * they crossed (or will cross) it. Changes nothing.
 */
export async function previewIdleUsers(
  ctx: CommandContext,
  directoryId: string,
  params: PageParams & { asOf: Date },
): Promise<{ rows: IdlePreviewEntry[]; after: string | null }> {
  checkCursor(params.after, /^directory_user_[0-9A-Z]{26}$/);
  const rule = await getIdleRule(ctx, directoryId);
  const found = await idleAt(ctx.manager, directoryId, params.asOf, { after: params.after, limit: params.limit + 1 });
  const page = found.slice(0, params.limit);
  return {
    rows: page.map((c) => ({
      directory_user_id: c.user.id,
      last_seen_at: c.last_seen_at ? new Date(c.last_seen_at).toISOString() : null,
      idle_since: new Date(c.idle_since ?? c.idle_at).toISOString(),
      action: rule.action,
    })),
    after: found.length > params.limit ? page[page.length - 1].user.id : null,
  };
}
