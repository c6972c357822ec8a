import { formatIsoDuration } from './format';

describe('formatIsoDuration', () => {
  it.each([
    ['PT24H', '24 hours'],
    ['PT1H', '1 hour'],
    ['P1DT12H', '1 day 12 hours'],
    [
      'P1Y2M3W4DT5H6M7S',
      '1 year 2 months 3 weeks 4 days 5 hours 6 minutes 7 seconds',
    ],
    ['PT1.5S', '1.5 seconds'],
    ['P1DT0H', '1 day'],
    ['PT0S', '0 seconds'],
  ])('says %s as "%s"', (duration, words) => {
    expect(formatIsoDuration(duration)).toBe(words);
  });

  it.each(['daily', '24h', '-PT1H', ''])('leaves %p as it is', text => {
    expect(formatIsoDuration(text)).toBe(text);
  });
});
