import { retryAfterMs } from './entraGraph';

const now = new Date('2026-01-10T12:00:00Z');

describe('retryAfterMs (RFC 9110 §10.2.3: seconds or an HTTP date, bounded)', () => {
  test.each([
    ['7', 7000],
    [' 0 ', 0],
    ['Sat, 10 Jan 2026 12:00:30 GMT', 30_000],
    ['Sat, 10 Jan 2026 11:00:00 GMT', 0], // a date in the past: at once
    ['3600', 120_000], // at most two minutes
    [undefined, 5000], // none given
    ['soon', 5000], // unreadable
  ])('%p → %d ms', (value, ms) => {
    expect(retryAfterMs(value, now)).toBe(ms);
  });
});
