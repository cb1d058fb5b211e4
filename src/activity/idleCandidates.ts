import { EntityManager } from 'typeorm';
import { DirectoryUserRow } from '../db/tables/directoryUsers';
import { IdleRuleRow } from '../db/tables/idleRules';

/** A directory user measured against the directory's idle rule. */
export type IdleCandidate = {
  user: DirectoryUserRow;
  last_seen_at: Date | null;
  idle_since: Date | null;
  idle_warned_at: Date | null;
  /** When the person crosses (or crossed) the limit: the clock's start plus `after`. */
  idle_at: Date;
  /** When the warning is due, if the rule warns. */
  warn_at: Date | null;
};

// The idle clock of src/activity/idleClock.ts, in SQL so a scan over 100,000 people reads
// only the due ones: it starts at the latest of last activity, the directory user's
// creation and the rule's enabled_at. Excluded people (by id or by group) never appear.
const CLOCK = `GREATEST(coalesce(pa.last_seen_at, '-infinity'), du.created_at, r.enabled_at)`;
const FROM = `
  FROM directory_users du
  JOIN idle_rules r ON r.directory_id = du.directory_id
  JOIN scim_users su ON su.id = du.scim_user_id
  LEFT JOIN person_activity pa ON pa.scim_user_id = du.scim_user_id
 WHERE du.directory_id = $1
   AND NOT (du.id = ANY (r.exclude_user_ids))
   AND NOT EXISTS (
     SELECT 1 FROM directory_groups g JOIN scim_group_members gm ON gm.group_id = g.scim_group_id
      WHERE g.id = ANY (r.exclude_group_ids) AND gm.directory_id = du.directory_id AND gm.user_id = du.scim_user_id)`;
const COLUMNS = `du.*, pa.last_seen_at, pa.idle_since, pa.idle_warned_at,
       ${CLOCK} + r.after_ms * interval '1 millisecond' AS idle_at,
       CASE WHEN r.warn_before_ms IS NULL THEN NULL
            ELSE GREATEST(${CLOCK}, ${CLOCK} + (r.after_ms - r.warn_before_ms) * interval '1 millisecond') END AS warn_at`;

/**
 * Active people of the directory due for the rule at `now` and not yet handled in this
 * episode: past the limit, or inside the warning window and not yet warned. Their IdP
 * records are locked FOR UPDATE SKIP LOCKED (the order SCIM writes lock in), so two scans
 * never handle one person and a person a SCIM write holds is left for the next scan.
 */
export async function lockDueCandidates(m: EntityManager, directoryId: string, now: Date, limit: number): Promise<IdleCandidate[]> {
  return splitRows(
    await m.query(
      `SELECT ${COLUMNS} ${FROM}
         AND du.state = 'active' AND pa.idle_since IS NULL
         AND (${CLOCK} + r.after_ms * interval '1 millisecond' <= $2
              OR (r.warn_before_ms IS NOT NULL AND pa.idle_warned_at IS NULL
                  AND ${CLOCK} + (r.after_ms - r.warn_before_ms) * interval '1 millisecond' <= $2))
       ORDER BY du.id
       LIMIT $3
         FOR UPDATE OF su SKIP LOCKED`,
      [directoryId, now, limit],
    ),
  );
}

/**
 * Who is idle at `asOf`: people already flagged in an episode that is still open, and
 * active people whose clock crosses the limit by then; one page in id order.
 */
export async function idleAt(m: EntityManager, directoryId: string, asOf: Date, page: { after?: string; limit: number }): Promise<IdleCandidate[]> {
  return splitRows(
    await m.query(
      `SELECT ${COLUMNS} ${FROM}
         AND (pa.idle_since IS NOT NULL
              OR (du.state = 'active' AND ${CLOCK} + r.after_ms * interval '1 millisecond' <= $2))
         AND ($3::text IS NULL OR du.id > $3)
       ORDER BY du.id
       LIMIT $4`,
      [directoryId, asOf, page.after ?? null, page.limit],
    ),
  );
}

type Row = DirectoryUserRow & Omit<IdleCandidate, 'user'>;

function splitRows(rows: Row[]): IdleCandidate[] {
  return rows.map(({ last_seen_at, idle_since, idle_warned_at, idle_at, warn_at, ...user }) => ({
    user,
    last_seen_at,
    idle_since,
    idle_warned_at,
    idle_at,
    warn_at,
  }));
}
