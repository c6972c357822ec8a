import { compileRule, evaluateRule } from '.';
import { isoDurationSeconds } from './environment';

const DAY = 86_400;

describe('isoDuration', () => {
  it.each([
    ['PT24H', DAY],
    ['P7D', 7 * DAY],
    ['P1W', 7 * DAY],
    ['P1Y', 365 * DAY],
    ['P1M', 30 * DAY],
    ['P1Y2M3W4DT5H6M7S', 38_898_367],
    ['PT1.5H', 5400],
    ['PT1,5H', 5400],
    ['PT0S', 0],
    ['PT36H', 36 * 3600],
  ])('reads %s as %d seconds (a year is 365 days, a month 30)', (text, s) => {
    expect(isoDurationSeconds(text)).toBe(s);
  });

  it('is undefined for text that is no such duration (see parseIsoDuration)', () => {
    expect(isoDurationSeconds('-PT1H')).toBeUndefined();
  });

  it('is a CEL duration in rules, and an error naming the value otherwise', () => {
    const rule = compileRule({
      id: 'r',
      rule: "isoDuration(entity.spec.freshness) == duration('90m')",
    });
    const withFreshness = (freshness: string) =>
      evaluateRule(rule, { entity: { spec: { freshness } } });
    expect(withFreshness('PT1H30M')).toEqual({ outcome: 'pass' });
    expect(withFreshness('PT1,5H')).toEqual({ outcome: 'pass' });
    expect(withFreshness('PT2H')).toEqual({ outcome: 'fail' });
    expect(withFreshness('-PT1H')).toEqual({
      outcome: 'error',
      message:
        'isoDuration() requires an ISO-8601 duration such as PT24H, got "-PT1H"',
    });
    expect(withFreshness('x'.repeat(200)).message).toBe(
      `isoDuration() requires an ISO-8601 duration such as PT24H, got "${'x'.repeat(
        79,
      )}…`,
    );
  });
});
