import { parseDuration } from './duration';
import { idleClock } from './idleClock';

describe('parseDuration (ISO 8601 durations of weeks, days and time)', () => {
  test.each([
    ['P7D', 7 * 86_400_000],
    ['P30D', 30 * 86_400_000],
    ['P90D', 90 * 86_400_000],
    ['P1W', 7 * 86_400_000],
    ['PT2S', 2000],
    ['PT0S', 0],
    ['PT0.5S', 500],
    ['PT1,5S', 1500],
    ['P1DT12H', 36 * 3_600_000],
    ['PT90M', 90 * 60_000],
  ])('%s → %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  test.each(['', 'P', 'PT', '7D', 'P1Y', 'P1M', 'P-1D', 'P1D2H', 'p7d', 'P7DT', 'PT1H ', 'P99999999999D', 'P1.5.5D', 'P3650000D'])(
    '%p is not one',
    (text) => {
      expect(parseDuration(text)).toBeUndefined();
    },
  );
});

const at = (iso: string) => new Date(iso);
const DAY = 86_400_000;

describe('idleClock', () => {
  const rule = { afterMs: 30 * DAY, warnBeforeMs: 7 * DAY, enabledAt: at('2026-01-01T00:00:00Z') };
  test.each([
    {
      name: 'measured from the last activity when it is the latest',
      person: { lastSeenAt: at('2026-03-01T00:00:00Z'), provisionedAt: at('2025-06-01T00:00:00Z') },
      now: '2026-03-20T00:00:00Z',
      expected: { since: '2026-03-01T00:00:00.000Z', idleAt: '2026-03-31T00:00:00.000Z', warnAt: '2026-03-24T00:00:00.000Z', status: 'active' },
    },
    {
      name: 'inside the warning window',
      person: { lastSeenAt: at('2026-03-01T00:00:00Z'), provisionedAt: at('2025-06-01T00:00:00Z') },
      now: '2026-03-25T00:00:00Z',
      expected: { since: '2026-03-01T00:00:00.000Z', idleAt: '2026-03-31T00:00:00.000Z', warnAt: '2026-03-24T00:00:00.000Z', status: 'warning' },
    },
    {
      name: 'past the limit (exactly at it counts)',
      person: { lastSeenAt: at('2026-03-01T00:00:00Z'), provisionedAt: at('2025-06-01T00:00:00Z') },
      now: '2026-03-31T00:00:00Z',
      expected: { since: '2026-03-01T00:00:00.000Z', idleAt: '2026-03-31T00:00:00.000Z', warnAt: '2026-03-24T00:00:00.000Z', status: 'idle' },
    },
    {
      name: 'never seen: measured from provisioning',
      person: { lastSeenAt: null, provisionedAt: at('2026-02-01T00:00:00Z') },
      now: '2026-03-04T00:00:00Z',
      expected: { since: '2026-02-01T00:00:00.000Z', idleAt: '2026-03-03T00:00:00.000Z', warnAt: '2026-02-24T00:00:00.000Z', status: 'idle' },
    },
    {
      name: 'enabling a rule flags nobody at once: measured from enabled_at when that is the latest',
      person: { lastSeenAt: at('2024-01-01T00:00:00Z'), provisionedAt: at('2023-01-01T00:00:00Z') },
      now: '2026-01-01T00:00:01Z',
      expected: { since: '2026-01-01T00:00:00.000Z', idleAt: '2026-01-31T00:00:00.000Z', warnAt: '2026-01-24T00:00:00.000Z', status: 'active' },
    },
  ])('$name', ({ person, now, expected }) => {
    const c = idleClock(person, rule, at(now));
    expect({ since: c.since.toISOString(), idleAt: c.idleAt.toISOString(), warnAt: c.warnAt?.toISOString(), status: c.status }).toEqual(expected);
  });

  test('a warning longer than the limit is due from the clock start, never before it', () => {
    const c = idleClock({ lastSeenAt: at('2026-03-01T00:00:00Z'), provisionedAt: at('2025-01-01T00:00:00Z') }, { ...rule, warnBeforeMs: 60 * DAY }, at('2026-03-01T00:00:01Z'));
    expect(c.warnAt?.toISOString()).toBe('2026-03-01T00:00:00.000Z');
    expect(c.status).toBe('warning');
  });

  test('without warn_before there is no warning', () => {
    const c = idleClock({ lastSeenAt: null, provisionedAt: at('2026-03-01T00:00:00Z') }, { afterMs: DAY, enabledAt: rule.enabledAt }, at('2026-03-01T12:00:00Z'));
    expect(c).toEqual({ since: at('2026-03-01T00:00:00Z'), idleAt: at('2026-03-02T00:00:00Z'), status: 'active' });
  });
});
