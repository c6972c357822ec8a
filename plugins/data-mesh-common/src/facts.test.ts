import { describeInvalidFactSource } from './facts';

describe('describeInvalidFactSource', () => {
  it.each(['ci', 'dbt_tests', '_private', 'Warehouse2'])(
    'accepts %s',
    source => {
      expect(describeInvalidFactSource(source)).toBeUndefined();
    },
  );

  it.each([
    ['', /non-empty/],
    [42, /non-empty/],
    ['dbt-tests', /not an identifier/],
    ['2ci', /not an identifier/],
    ['in', /reserved/],
    ['x'.repeat(65), /longer than 64/],
    ['catalog', /computed by the portal/],
    // A rule cannot select it (found by the property test).
    ['__proto__', /cannot be read by rules/],
  ])('refuses %p', (source, message) => {
    expect(describeInvalidFactSource(source)).toMatch(message);
  });
});
