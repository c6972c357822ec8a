import { serviceLevelDurationMs } from './serviceLevelDuration';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('serviceLevelDurationMs', () => {
  it('reads a value with a unit, short or long, any case, a numeric string as its number', () => {
    expect(serviceLevelDurationMs(4, 'd')).toBe(4 * DAY);
    expect(serviceLevelDurationMs('24', 'Hours')).toBe(24 * HOUR);
    expect(serviceLevelDurationMs(1.5, 'h')).toBe(1.5 * HOUR);
    expect(serviceLevelDurationMs(250, 'ms')).toBe(250);
    expect(serviceLevelDurationMs(0, 'm')).toBe(0);
  });

  it('counts average months and years: a year is longer than 365 days', () => {
    expect(serviceLevelDurationMs(1, 'y')).toBeGreaterThan(365 * DAY);
    expect(serviceLevelDurationMs(1, 'y')).toBeLessThan(366 * DAY);
    expect(serviceLevelDurationMs(12, 'mo')).toBe(
      serviceLevelDurationMs(1, 'year'),
    );
  });

  it('reads an ISO-8601 value without a unit as the same duration', () => {
    expect(serviceLevelDurationMs('PT1H', undefined)).toBe(HOUR);
    expect(serviceLevelDurationMs('P1DT12H', undefined)).toBe(1.5 * DAY);
    expect(serviceLevelDurationMs('P1Y', undefined)).toBe(
      serviceLevelDurationMs(1, 'y'),
    );
  });

  it('says why a value or unit is not a duration', () => {
    expect(serviceLevelDurationMs(4, 'parsecs')).toBe(
      'its unit "parsecs" is not one of s, m, h, d, w, mo, y',
    );
    expect(serviceLevelDurationMs(4, undefined)).toBe(
      'its unit undefined is not one of s, m, h, d, w, mo, y',
    );
    for (const value of [-1, 'soon', '', null, Infinity, { n: 1 }]) {
      expect(serviceLevelDurationMs(value, 'd')).toBe(
        `its value ${JSON.stringify(value)} is not a positive number`,
      );
    }
    expect(serviceLevelDurationMs('P-1D', undefined)).toMatch(
      /is not a positive number/,
    );
  });
});
