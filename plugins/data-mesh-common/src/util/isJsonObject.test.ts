import { isJsonObject } from './isJsonObject';

describe('isJsonObject', () => {
  it('is true for objects only', () => {
    expect(isJsonObject({})).toBe(true);
    expect(isJsonObject({ a: 1 })).toBe(true);
    expect(isJsonObject(Object.create(null))).toBe(true);
  });

  it.each([[null], [undefined], [[]], [[{}]], ['{}'], [1], [true]])(
    'is false for %p',
    value => {
      expect(isJsonObject(value)).toBe(false);
    },
  );
});
