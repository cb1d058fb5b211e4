import { parseSecretOverlap } from './secretOverlap';

const NOT_A_DURATION = { problem: 'must be an ISO 8601 duration of weeks, days, hours, minutes or seconds, like PT24H or PT0S' };

// {input, expected} rows: what an overlap given to a secret rotation means.
const cases: { input: string; expected: ReturnType<typeof parseSecretOverlap> }[] = [
  { input: 'PT24H', expected: { seconds: 86400 } },
  { input: 'PT0S', expected: { seconds: 0 } },
  { input: 'P0D', expected: { seconds: 0 } },
  { input: 'PT90M', expected: { seconds: 5400 } },
  { input: 'PT1H30M15S', expected: { seconds: 5415 } },
  { input: 'P1DT12H', expected: { seconds: 129600 } },
  { input: 'P1W', expected: { seconds: 604800 } },
  { input: 'P7D', expected: { seconds: 604800 } },
  { input: 'PT604800S', expected: { seconds: 604800 } },
  { input: 'P7DT1S', expected: { problem: 'must be at most P7D (one week)' } },
  { input: 'P2W', expected: { problem: 'must be at most P7D (one week)' } },
  { input: 'P1M', expected: NOT_A_DURATION }, // a month, not a minute: calendar lengths are refused
  { input: 'P1Y', expected: NOT_A_DURATION },
  { input: 'PT1.5H', expected: NOT_A_DURATION },
  { input: 'PT-1H', expected: NOT_A_DURATION },
  { input: 'P', expected: NOT_A_DURATION },
  { input: 'PT', expected: NOT_A_DURATION },
  { input: 'P1DT', expected: NOT_A_DURATION },
  { input: 'pt24h', expected: NOT_A_DURATION },
  { input: '24h', expected: NOT_A_DURATION },
  { input: '', expected: NOT_A_DURATION },
  { input: 'PT1H ', expected: NOT_A_DURATION },
];

test.each(cases)('$input', ({ input, expected }) => {
  expect(parseSecretOverlap(input)).toEqual(expected);
});
