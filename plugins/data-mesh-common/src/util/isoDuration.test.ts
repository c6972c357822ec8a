import { parseIsoDuration } from './isoDuration';

describe('parseIsoDuration', () => {
  it.each([
    ['PT24H', { hours: 24 }],
    ['P7D', { days: 7 }],
    ['P1DT12H', { days: 1, hours: 12 }],
    [
      'P1Y2M3W4DT5H6M7.25S',
      {
        years: 1,
        months: 2,
        weeks: 3,
        days: 4,
        hours: 5,
        minutes: 6,
        seconds: 7.25,
      },
    ],
    ['PT1.5S', { seconds: 1.5 }],
    ['PT1,5H', { hours: 1.5 }],
    ['PT0S', { seconds: 0 }],
  ])('reads %s by unit', (text, units) => {
    expect(parseIsoDuration(text)).toEqual(units);
  });

  it.each([
    'P',
    'PT',
    'P1DT',
    '-PT1H',
    'PT-1H',
    'P1Y-1M',
    'pt1h',
    'PT1H ',
    '24h',
    '',
    `PT${'1'.repeat(70)}H`,
  ])('refuses %p', text => {
    expect(parseIsoDuration(text)).toBeUndefined();
  });
});
