import { isJsonObject } from '../../util/isJsonObject';
import { listOf } from '../schemaProperties';
import { OdcsQualityRule } from '../types';
import { ChangeList, describeChange } from './changes';
import { ContentIds, pairUp, quote, text } from './compare';
import {
  diffCustomProperties,
  diffFields,
  FieldChange,
  itemLabel,
} from './fields';

/** The comparison operators of ODCS quality rules. */
const OPERATORS = [
  'mustBe',
  'mustNotBe',
  'mustBeGreaterThan',
  'mustBeGreaterOrEqualTo',
  'mustBeLessThan',
  'mustBeLessOrEqualTo',
  'mustBeBetween',
  'mustNotBeBetween',
] as const;

/** A range of accepted numbers; the ends are open or closed. */
type Interval = { lo: number; loIn: boolean; hi: number; hiIn: boolean };

const below = (x: number, inclusive: boolean): Interval => ({
  lo: -Infinity,
  loIn: false,
  hi: x,
  hiIn: inclusive,
});
const above = (x: number, inclusive: boolean): Interval => ({
  lo: x,
  loIn: inclusive,
  hi: Infinity,
  hiIn: false,
});

const isNumber = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);

const isPair = (value: unknown): value is [number, number] =>
  Array.isArray(value) &&
  value.length === 2 &&
  isNumber(value[0]) &&
  isNumber(value[1]);

/**
 * The numbers a rule's threshold accepts, as disjoint intervals; undefined when the rule has
 * no numeric threshold (no operator, or one comparing text).
 */
function acceptedNumbers(rule: OdcsQualityRule): Interval[] | undefined {
  const present = OPERATORS.filter(op => rule[op] !== undefined);
  if (present.length !== 1) return undefined;
  const [operator] = present;
  const value = rule[operator];
  switch (operator) {
    case 'mustBe':
      return isNumber(value)
        ? [{ lo: value, loIn: true, hi: value, hiIn: true }]
        : undefined;
    case 'mustNotBe':
      return isNumber(value)
        ? [below(value, false), above(value, false)]
        : undefined;
    case 'mustBeGreaterThan':
      return isNumber(value) ? [above(value, false)] : undefined;
    case 'mustBeGreaterOrEqualTo':
      return isNumber(value) ? [above(value, true)] : undefined;
    case 'mustBeLessThan':
      return isNumber(value) ? [below(value, false)] : undefined;
    case 'mustBeLessOrEqualTo':
      return isNumber(value) ? [below(value, true)] : undefined;
    case 'mustBeBetween':
      return isPair(value)
        ? [
            {
              lo: Math.min(...value),
              loIn: true,
              hi: Math.max(...value),
              hiIn: true,
            },
          ]
        : undefined;
    default:
      return isPair(value)
        ? [below(Math.min(...value), false), above(Math.max(...value), false)]
        : undefined;
  }
}

function contains(outer: Interval, inner: Interval): boolean {
  const lowOk =
    outer.lo < inner.lo ||
    (outer.lo === inner.lo && (outer.loIn || !inner.loIn));
  const highOk =
    outer.hi > inner.hi ||
    (outer.hi === inner.hi && (outer.hiIn || !inner.hiIn));
  return lowOk && highOk;
}

/** Whether every number `a` accepts, `b` accepts. */
function acceptsAll(b: Interval[], a: Interval[]): boolean {
  return a.every(inner => b.some(outer => contains(outer, inner)));
}

/** The threshold of a rule as written: `mustBeLessThan 10`. */
function threshold(rule: OdcsQualityRule): string {
  const present = OPERATORS.filter(op => rule[op] !== undefined);
  return present.length
    ? present.map(op => `${op} ${quote(rule[op])}`).join(', ')
    : 'no threshold';
}

/** Loosened when the new threshold accepts values the old did not; tightened when the reverse. */
function compareThresholds(
  list: ChangeList,
  path: string,
  subject: string,
  oldRule: OdcsQualityRule,
  newRule: OdcsQualityRule,
): void {
  const oldOperators = Object.fromEntries(
    OPERATORS.map(op => [op, oldRule[op]]),
  );
  const newOperators = Object.fromEntries(
    OPERATORS.map(op => [op, newRule[op]]),
  );
  if (list.ids.same(oldOperators, newOperators)) return;
  const change = `threshold changed from ${threshold(oldRule)} to ${threshold(
    newRule,
  )}`;
  const a = acceptedNumbers(oldRule);
  const b = acceptedNumbers(newRule);
  if (a && b) {
    const looser = acceptsAll(b, a);
    const tighter = acceptsAll(a, b);
    if (looser && tighter) return;
    if (tighter) {
      list.add(
        'quality-rule-tightened',
        path,
        `${subject}: ${change}: it accepts less`,
      );
      return;
    }
    list.add(
      'quality-rule-loosened',
      path,
      `${subject}: ${change}: it accepts ${
        looser ? 'more' : 'values it did not'
      }`,
    );
    return;
  }
  list.add(
    'quality-rule-loosened',
    path,
    `${subject}: ${change}: whether that loosens it is not known, so it counts as loosened`,
  );
}

/** Severities of quality rules, from the mildest. */
const RULE_SEVERITIES = ['info', 'warning', 'error'];

function compareSeverities({
  list,
  path,
  subject,
  oldValue,
  newValue,
}: FieldChange) {
  const a = RULE_SEVERITIES.indexOf(String(oldValue).toLowerCase());
  const b = RULE_SEVERITIES.indexOf(String(newValue).toLowerCase());
  const change = describeChange('severity', oldValue, newValue);
  if (a >= 0 && b >= 0 && b > a) {
    list.add('quality-rule-tightened', path, `${subject}: ${change}`);
  } else {
    list.add(
      'quality-rule-loosened',
      path,
      `${subject}: ${change}${
        a >= 0 && b >= 0
          ? ''
          : ': not a severity the diff orders, so it counts as loosened'
      }`,
    );
  }
}

/** A change of what a rule measures: nobody can tell whether it loosens the rule. */
function redefined({
  list,
  path,
  subject,
  field,
  oldValue,
  newValue,
}: FieldChange) {
  list.add(
    'quality-rule-loosened',
    path,
    `${subject}: ${describeChange(
      field,
      oldValue,
      newValue,
    )}: whether that loosens the rule is not known, so it counts as loosened`,
  );
}

/** `arguments.validValues` compared as sets; other arguments redefine the rule. */
function compareArguments(change: FieldChange) {
  const { list, path, subject, oldValue, newValue } = change;
  const oldArgs = isJsonObject(oldValue) ? oldValue : {};
  const newArgs = isJsonObject(newValue) ? newValue : {};
  const { validValues: oldValid, ...oldRest } = oldArgs;
  const { validValues: newValid, ...newRest } = newArgs;
  if (!list.ids.same(oldValid, newValid)) {
    const values = (v: unknown): unknown[] => {
      if (Array.isArray(v)) return v;
      return v === undefined ? [] : [v];
    };
    const { ids } = list;
    const oldSet = new Set(values(oldValid).map(v => ids.of(v)));
    const newSet = new Set(values(newValid).map(v => ids.of(v)));
    const addedValues = values(newValid).filter(v => !oldSet.has(ids.of(v)));
    const removedValues = values(oldValid).filter(v => !newSet.has(ids.of(v)));
    const parts = [
      addedValues.length ? `extended with ${quote(addedValues)}` : '',
      removedValues.length ? `narrowed: no longer ${quote(removedValues)}` : '',
    ].filter(Boolean);
    list.add(
      'valid-values-changed',
      `${path}.validValues`,
      `${subject}: valid values ${parts.join('; ') || 'changed'}`,
    );
  }
  if (!list.ids.same(oldRest, newRest)) {
    redefined({ ...change, oldValue: oldRest, newValue: newRest });
  }
}

/** How each field of a quality rule is compared; the operators are compared together. */
function ruleFields(isText: boolean) {
  return {
    id: 'ignore',
    ...Object.fromEntries(OPERATORS.map(op => [op, 'ignore' as const])),
    arguments: compareArguments,
    type: redefined,
    metric: redefined,
    rule: redefined,
    query: redefined,
    engine: redefined,
    implementation: redefined,
    unit: redefined,
    severity: compareSeverities,
    // A text rule is its description.
    description: isText ? redefined : 'documentation-changed',
    name: 'documentation-changed',
    tags: 'documentation-changed',
    authoritativeDefinitions: 'documentation-changed',
    businessImpact: 'documentation-changed',
    dimension: 'documentation-changed',
    schedule: 'metadata-changed',
    scheduler: 'metadata-changed',
    method: 'metadata-changed',
    customProperties: diffCustomProperties,
  } as const;
}

/** What a rule is called in paths and messages: its id, name, metric or type. */
function ruleLabel(rule: OdcsQualityRule, index: number): string {
  return itemLabel(
    text(rule.id) ??
      text(rule.name) ??
      text(rule.metric) ??
      text(rule.rule) ??
      text(rule.type),
    index,
  );
}

/** What identifies a rule that has no id or name: its kind and what it measures. */
function signature(rule: OdcsQualityRule, ids: ContentIds): string {
  return JSON.stringify([
    rule.type ?? 'library',
    rule.metric ?? rule.rule,
    rule.query,
    rule.engine,
    ids.of(rule.implementation),
    ids.of(rule.arguments),
  ]);
}

/**
 * Compares the quality rules of a schema object or property (`owner` names it in messages):
 * rules are paired by id, then name, then what they measure; a removed rule is loosened, an
 * added one tightened.
 */
export function diffQualityRules(
  list: ChangeList,
  path: string,
  owner: string,
  oldRules: unknown,
  newRules: unknown,
): void {
  const olds = listOf<OdcsQualityRule>(oldRules);
  const news = listOf<OdcsQualityRule>(newRules);
  const { pairs, removed, added } = pairUp(olds, news, [
    rule => text(rule.id),
    rule => text(rule.name),
    rule => signature(rule, list.ids),
    rule =>
      JSON.stringify([
        rule.type ?? 'library',
        rule.metric ?? rule.rule ?? rule.query,
      ]),
  ]);
  for (const { item: rule, index } of removed) {
    const label = ruleLabel(rule, index);
    list.add(
      'quality-rule-loosened',
      `${path}[${label}]`,
      `${owner}: quality rule ${label} (${threshold(rule)}) removed`,
    );
  }
  for (const { item: rule, index } of added) {
    const label = ruleLabel(rule, index);
    list.add(
      'quality-rule-tightened',
      `${path}[${label}]`,
      `${owner}: quality rule ${label} (${threshold(rule)}) added`,
    );
  }
  for (const { before: oldRule, after: newRule, index } of pairs) {
    const label = ruleLabel(newRule, index);
    const rulePath = `${path}[${label}]`;
    const subject = `${owner}: quality rule ${label}`;
    compareThresholds(list, rulePath, subject, oldRule, newRule);
    diffFields(
      list,
      rulePath,
      subject,
      oldRule,
      newRule,
      ruleFields(newRule.type === 'text'),
      { defaults: { type: 'library' } },
    );
  }
}
