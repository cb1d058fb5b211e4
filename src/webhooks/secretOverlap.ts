/** How long a rotated-out signing secret keeps signing when no overlap is given. */
export const DEFAULT_SECRET_OVERLAP_SECONDS = 24 * 3600;

/** The longest overlap accepted: a subscriber that needs longer than a week should rotate again. */
export const MAX_SECRET_OVERLAP_SECONDS = 7 * 24 * 3600;

const DURATION = /^P(?:(\d{1,4})W)?(?:(\d{1,4})D)?(?:T(?:(\d{1,6})H)?(?:(\d{1,8})M)?(?:(\d{1,9})S)?)?$/;

/**
 * Reads an overlap given as an ISO 8601 duration (ISO 8601-1:2019 §5.5.2; the RFC 3339
 * Appendix A grammar) in seconds: weeks, days, hours, minutes and whole seconds, e.g.
 * `PT24H`, `P1DT12H`, `PT0S`. Years and months are refused (their length depends on the
 * calendar), and so are fractions. Returns a message instead when the value is not
 * accepted.
 */
export function parseSecretOverlap(value: string): { seconds: number } | { problem: string } {
  const m = DURATION.exec(value);
  // "P" and "PT" alone match the pattern but name no duration.
  if (!m || value === 'P' || value.endsWith('T')) {
    return { problem: 'must be an ISO 8601 duration of weeks, days, hours, minutes or seconds, like PT24H or PT0S' };
  }
  const [w, d, h, min, s] = m.slice(1).map((part) => Number(part ?? 0));
  const seconds = (((w * 7 + d) * 24 + h) * 60 + min) * 60 + s;
  if (seconds > MAX_SECRET_OVERLAP_SECONDS) return { problem: 'must be at most P7D (one week)' };
  return { seconds };
}
