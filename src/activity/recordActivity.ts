import { ActivityKind } from '../db/tables/personActivity';
import { CommandContext, confinedEnvironment } from '../tenancy/context';
import { endIdleEpisodes } from './endIdleEpisodes';

/** How a signal names the person: exactly one of these. */
export type PersonKey = { id: string } | { external_id: string } | { user_name: string } | { email: string };

/** One activity signal, validated. */
export type ActivitySignal = { directory_id: string; user: PersonKey; occurred_at: Date; kind: ActivityKind };

/** Why a signal was not taken. */
export type IgnoredReason = 'unknown_user' | 'future' | 'unknown_directory';

/** The outcome of one batch: what was taken and what was ignored, by index. */
export type ActivityOutcome = { accepted: number; ignored: { index: number; reason: IgnoredReason }[] };

/** Signals dated later than this past the server's clock are refused as `future` (clock skew allowed). */
export const FUTURE_TOLERANCE_MS = 5 * 60_000;

/**
 * Records when people were last seen using the app. Signals arrive late and out of order:
 * a person's `last_seen_at` only moves forward, one row per person however many signals
 * arrive. A signal for a directory the actor cannot see, for nobody in the directory, or
 * dated in the future is ignored and reported, never an error for the batch. A signal
 * later than the start of a person's idle episode ends it (src/activity/endIdleEpisodes.ts).
 * Emits no event of its own: activity is high-volume, only idle events are news.
 */
export async function recordActivity(ctx: CommandContext, signals: ActivitySignal[], now: Date): Promise<ActivityOutcome> {
  const ignored: ActivityOutcome['ignored'] = [];
  const visible = await visibleDirectories(ctx, [...new Set(signals.map((s) => s.directory_id))]);
  const candidates: { index: number; signal: ActivitySignal }[] = [];
  signals.forEach((signal, index) => {
    if (!visible.has(signal.directory_id)) ignored.push({ index, reason: 'unknown_directory' });
    else if (signal.occurred_at.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) ignored.push({ index, reason: 'future' });
    else candidates.push({ index, signal });
  });
  const people = await resolvePeople(ctx, candidates);
  // The latest signal per person; ON CONFLICT may touch a row only once per statement.
  const latest = new Map<string, { directoryId: string; at: Date; kind: ActivityKind }>();
  for (const { index, signal } of candidates) {
    const person = people.get(index);
    if (!person) {
      ignored.push({ index, reason: 'unknown_user' });
      continue;
    }
    const seen = latest.get(person);
    if (!seen || signal.occurred_at > seen.at) latest.set(person, { directoryId: signal.directory_id, at: signal.occurred_at, kind: signal.kind });
  }
  if (latest.size > 0) {
    // In id order, the order every writer of person_activity takes row locks in, so two
    // batches naming the same people wait for each other instead of deadlocking.
    const ids = [...latest.keys()].sort();
    await ctx.manager.query(
      `INSERT INTO person_activity (scim_user_id, directory_id, last_seen_at, last_kind)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::text[])
       ON CONFLICT (scim_user_id) DO UPDATE
         SET last_seen_at = EXCLUDED.last_seen_at, last_kind = EXCLUDED.last_kind, updated_at = now()
       WHERE person_activity.last_seen_at IS NULL OR person_activity.last_seen_at < EXCLUDED.last_seen_at`,
      [ids, ids.map((id) => latest.get(id)!.directoryId), ids.map((id) => latest.get(id)!.at.toISOString()), ids.map((id) => latest.get(id)!.kind)],
    );
    await endIdleEpisodes(ctx, ids);
  }
  ignored.sort((a, b) => a.index - b.index);
  return { accepted: signals.length - ignored.length, ignored };
}

// Another environment's directory is as unknown as one that does not exist.
async function visibleDirectories(ctx: CommandContext, ids: string[]): Promise<Set<string>> {
  const confined = confinedEnvironment(ctx.actor);
  const rows: { id: string }[] = await ctx.manager.query(
    `SELECT id FROM directories WHERE id = ANY($1::text[]) AND ($2::text IS NULL OR environment_id = $2)`,
    [ids, confined ?? null],
  );
  return new Set(rows.map((r) => r.id));
}

type Candidate = { index: number; signal: ActivitySignal };

// One indexed query per kind of identifier, for the whole batch; the person is their
// IdP record (scim_users), which outlives a directory user erased under secure.
async function resolvePeople(ctx: CommandContext, candidates: Candidate[]): Promise<Map<number, string>> {
  const found = new Map<number, string>();
  const byKind = (key: string) => candidates.filter((c) => key in c.signal.user);
  const run = async (list: Candidate[], sql: string) => {
    if (list.length === 0) return;
    const rows: { idx: number; scim_user_id: string }[] = await ctx.manager.query(sql, [
      list.map((c) => c.index),
      list.map((c) => c.signal.directory_id),
      list.map((c) => Object.values(c.signal.user)[0] as string),
    ]);
    for (const r of rows) if (!found.has(r.idx)) found.set(r.idx, r.scim_user_id);
  };
  const WANTED = `unnest($1::int[], $2::text[], $3::text[]) AS w(idx, directory_id, value)`;
  await run(byKind('id'), `SELECT w.idx, du.scim_user_id FROM ${WANTED}
      JOIN directory_users du ON du.id = w.value AND du.directory_id = w.directory_id`);
  await run(byKind('external_id'), `SELECT w.idx, su.id AS scim_user_id FROM ${WANTED}
      JOIN scim_users su ON su.directory_id = w.directory_id AND su.external_id = w.value`);
  // userName is unique case-insensitively (RFC 7643 §4.1.1), and often the email too.
  const byName = [...byKind('user_name'), ...byKind('email')];
  await run(byName, `SELECT w.idx, su.id AS scim_user_id FROM ${WANTED}
      JOIN scim_users su ON su.directory_id = w.directory_id AND lower(su.user_name) = lower(w.value)`);
  const emails = byKind('email').filter((c) => !found.has(c.index));
  await run(emails, `SELECT w.idx, du.scim_user_id FROM ${WANTED}
      JOIN directory_users du ON du.directory_id = w.directory_id
     WHERE EXISTS (SELECT 1 FROM jsonb_array_elements(du.emails) e WHERE lower(e->>'value') = lower(w.value))`);
  return found;
}
