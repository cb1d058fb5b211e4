/**
 * An ISO 8601 duration (ISO 8601-1 §5.5.2) of weeks, days, hours, minutes and seconds —
 * `P7D`, `P30D`, `PT2S`, `P1W`, `P1DT12H`, `PT0.5S` — in milliseconds, or undefined when
 * the text is not one. Years and months are refused: their length depends on the
 * calendar, and an idle limit must mean the same span for everyone.
 */
export function parseDuration(text: string): number | undefined {
  const m = DURATION.exec(text);
  if (!m || text === 'P' || text.endsWith('T')) return undefined;
  const [, w, d, h, min, s] = m;
  if ([w, d, h, min, s].every((x) => x === undefined)) return undefined;
  const n = (x: string | undefined) => (x === undefined ? 0 : Number(x.replace(',', '.')));
  const ms = (((n(w) * 7 + n(d)) * 24 + n(h)) * 60 + n(min)) * 60_000 + n(s) * 1000;
  return Number.isFinite(ms) && ms <= MAX_MS ? Math.round(ms) : undefined;
}

const NUM = '(\\d{1,9}(?:[.,]\\d{1,9})?)';
const DURATION = new RegExp(`^P(?:${NUM}W)?(?:${NUM}D)?(?:T(?:${NUM}H)?(?:${NUM}M)?(?:${NUM}S)?)?$`);
// Ten years: far beyond any idle limit, and safely inside PostgreSQL's interval range.
const MAX_MS = 10 * 366 * 24 * 3600 * 1000;
