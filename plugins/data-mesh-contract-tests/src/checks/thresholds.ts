import { OdcsQualityRule } from '@datamesh-portal/plugin-data-mesh-common';

type Comparison = {
  field: string;
  symbol: string;
  holds: (measured: number | string, bound: any) => boolean;
};

const numberOf = (value: unknown) =>
  typeof value === 'number' ? value : Number(value);

const equal = (measured: number | string, bound: unknown) =>
  typeof bound === 'number' || typeof measured === 'number'
    ? numberOf(measured) === numberOf(bound)
    : String(measured) === String(bound);

const within = (measured: number | string, [low, high]: number[]) =>
  numberOf(measured) >= low && numberOf(measured) <= high;

/** The ODCS operators; the `...ThanOrEqualTo` spellings are those of ODCS before v3.0.2. */
const COMPARISONS: Comparison[] = [
  { field: 'mustBe', symbol: '=', holds: equal },
  { field: 'mustNotBe', symbol: '!=', holds: (m, b) => !equal(m, b) },
  { field: 'mustBeGreaterThan', symbol: '>', holds: (m, b) => numberOf(m) > b },
  { field: 'mustBeGreaterOrEqualTo', symbol: '>=', holds: (m, b) => numberOf(m) >= b },
  { field: 'mustBeGreaterThanOrEqualTo', symbol: '>=', holds: (m, b) => numberOf(m) >= b },
  { field: 'mustBeLessThan', symbol: '<', holds: (m, b) => numberOf(m) < b },
  { field: 'mustBeLessOrEqualTo', symbol: '<=', holds: (m, b) => numberOf(m) <= b },
  { field: 'mustBeLessThanOrEqualTo', symbol: '<=', holds: (m, b) => numberOf(m) <= b },
  { field: 'mustBeBetween', symbol: 'between', holds: within },
  { field: 'mustNotBeBetween', symbol: 'not between', holds: (m, b) => !within(m, b) },
]; // prettier-ignore

/** A rule's expectation: its operators, readable, and whether a measurement meets them. */
export interface Threshold {
  expected: string;
  holds(measured: number | string): boolean;
}

/**
 * The threshold of a quality rule, or a reason it has none that can be checked: every
 * operator it names must hold; a rule without any is refused.
 */
export function thresholdOf(
  rule: OdcsQualityRule,
  unit: string,
): Threshold | string {
  const present = COMPARISONS.filter(({ field }) => rule[field] !== undefined);
  if (present.length === 0) {
    return 'it names no operator (mustBe, mustBeLessThan, mustBeBetween...)';
  }
  for (const { field, symbol } of present) {
    const bound = rule[field];
    if (symbol.includes('between')) {
      if (
        !Array.isArray(bound) ||
        bound.length !== 2 ||
        !bound.every(n => typeof n === 'number') ||
        bound[0] > bound[1]
      ) {
        return `${field} must be two numbers, smallest first`;
      }
    } else if (symbol !== '=' && symbol !== '!=' && typeof bound !== 'number') {
      return `${field} must be a number, got ${JSON.stringify(bound)}`;
    }
  }
  const suffix = unit ? ` ${unit}` : '';
  return {
    expected: present
      .map(({ field, symbol }) => {
        const bound = rule[field] as unknown;
        return Array.isArray(bound)
          ? `${symbol} ${bound[0]} and ${bound[1]}${suffix}`
          : `${symbol} ${
              typeof bound === 'string' ? bound : JSON.stringify(bound)
            }${suffix}`;
      })
      .join(' and '),
    holds: measured =>
      present.every(({ field, holds }) => holds(measured, rule[field])),
  };
}
