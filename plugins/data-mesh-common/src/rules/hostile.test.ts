import { Entity } from '@backstage/catalog-model';
import { JsonObject } from '@backstage/types';
import { DataProductEvaluator, RuleCompileError, RuleContextInput } from '.';

/*
 * Hostile rules on every path a rule takes (issue 15): a domain policy's rule and its
 * appliesTo, a global policy and a scorecard check, each evaluated by DataProductEvaluator as
 * the pass, the dry run and the command-line check do. A domain's hostile policy costs the
 * products of that domain an `error` outcome, and a product of another domain evaluated in the
 * same pass nothing; a global check or policy that is refused stops the evaluator from being
 * created, naming it; one that compiles but meets hostile data ends in `error` for that
 * product only.
 */

const pushed = Array.from({ length: 3000 }, (_, i) => ({ name: `item-${i}` }));

interface HostileCase {
  /** What the rule does. */
  title: string;
  rule: string;
  /** The hostile product's facts, added to its entity. */
  facts?: Record<string, JsonObject>;
  /** The hostile product's name. */
  name?: string;
  /** How compiling refuses it, if it does. */
  refused?: RegExp;
  /** Its outcome on the hostile product, and the message of an error. */
  outcome: 'error' | 'fail';
  message?: RegExp;
  /** Whether it uses up the product's time: the rules after it end in error too. */
  usesUpTime?: boolean;
}

const CASES: HostileCase[] = [
  {
    title: 'reads __proto__',
    rule: 'entity.__proto__ == null',
    refused: /__proto__ is not a field a rule may read/,
    outcome: 'error',
  },
  {
    title: 'reads constructor',
    rule: 'entity.constructor == null',
    outcome: 'error',
    message: /^no such key: constructor$/,
  },
  {
    title: 'nests comprehensions over a pushed list of 3,000 items',
    rule: 'facts.probe.items.all(a, facts.probe.items.exists(b, b.name == a.name))',
    facts: { probe: { items: pushed } },
    refused: /may cost up to [\d,]+ steps .* more than the budget of 1,000,000/,
    outcome: 'error',
  },
  {
    title: 'matches ^((a{1,9}){1,9}){1,9}$ on pushed text',
    rule: "facts.probe.text.matches('^((a{1,9}){1,9}){1,9}$')",
    facts: { probe: { text: `${'a'.repeat(20)}!` } },
    refused: /may cost up to [\d,]+ steps .* more than the budget of 1,000,000/,
    outcome: 'error',
  },
  {
    title: 'matches ^((a{1,9}){1,9}){1,9}$ on a name of 20 characters',
    rule: "entity.metadata.name.matches('^((a{1,9}){1,9}){1,9}$')",
    name: `${'a'.repeat(20)}-`,
    outcome: 'fail',
  },
  {
    title: 'matches a*a*a*a*b on 200 characters',
    rule: "facts.probe.text.matches('a*a*a*a*b')",
    facts: { probe: { text: 'a'.repeat(200) } },
    outcome: 'fail',
  },
  {
    title: 'reads a pushed list of 6,000 items',
    rule: 'size(facts.probe.items) > 0',
    facts: { probe: { items: [...pushed, ...pushed] } },
    outcome: 'error',
    message:
      /^invalid context: facts.probe.items has 6000 items, more than the limit of 4096$/,
  },
  {
    title: 'runs past the time limit within its cost bound',
    rule: "facts.probe.items.all(i, i.name.startsWith('item-'))",
    facts: { probe: { items: pushed } },
    outcome: 'error',
    message:
      /^timed out: the rules of one evaluation may run for 50 ms in all$/,
    usesUpTime: true,
  },
];

// The clock moves 1 ms each time it is read (every 16 elements of a comprehension): 3,000
// elements take about 190 ms of it, against a limit of 50 ms.
let readings = 0;
const options = { timeLimitMs: 50, clock: () => readings++ };

const domainOf = (name: string, policies: JsonObject[]): Entity => ({
  apiVersion: 'datamesh-portal.io/v1alpha1',
  kind: 'Domain',
  metadata: { name, namespace: 'default' },
  spec: { owner: 'group:x', policies },
});
const calmDomain = domainOf('calm', [
  { id: 'calm-named', rule: "entity.metadata.name == 'calm'" },
]);

const productOf = (
  name: string,
  domain: Entity,
  facts: Record<string, JsonObject> = {},
): RuleContextInput => ({
  entity: {
    apiVersion: 'datamesh-portal.io/v1alpha1',
    kind: 'DataProduct',
    metadata: { name },
    spec: { domain: domain.metadata.name },
  },
  domain,
  facts,
});

const outcomes = (results: Array<{ id: string; outcome: string }>) =>
  Object.fromEntries(results.map(r => [r.id, r.outcome]));

/**
 * What the hostile policy's result should match on the hostile product: as a rule, its
 * outcome and message; as an appliesTo, the same (an evaluation error prefixed with
 * `appliesTo: `), or `skipped` when it is false.
 */
function expectedResult(
  hostile: HostileCase,
  field: 'rule' | 'appliesTo',
): { outcome: string; message?: unknown } {
  if (field === 'appliesTo' && hostile.outcome === 'fail') {
    return { outcome: 'skipped' };
  }
  // A context beyond its limits is refused before the appliesTo runs: no prefix.
  const prefix =
    field === 'appliesTo' &&
    !hostile.message?.source.includes('invalid context')
      ? 'appliesTo: '
      : '';
  if (hostile.refused) {
    // A domain's policy that does not compile is an error of its own.
    return {
      outcome: 'error',
      message: expect.stringMatching(
        new RegExp(
          `^the policy does not compile: Rule hostile: ${field}: .*${hostile.refused.source}`,
        ),
      ),
    };
  }
  return hostile.message
    ? {
        outcome: hostile.outcome,
        message: expect.stringMatching(
          new RegExp(`^${prefix}${hostile.message.source.replace(/^\^/, '')}`),
        ),
      }
    : { outcome: hostile.outcome };
}

describe.each(CASES)('a rule that $title', hostile => {
  it.each(['rule', 'appliesTo'] as const)(
    "as a domain policy's %s: an error for its products only",
    field => {
      const policy =
        field === 'rule'
          ? { id: 'hostile', rule: hostile.rule }
          : { id: 'hostile', appliesTo: hostile.rule, rule: 'true' };
      const hostileDomain = domainOf('hostile', [
        policy,
        { id: 'hostile-named', rule: 'has(entity.metadata.name)' },
      ]);
      const domains = new Map(
        [hostileDomain, calmDomain].map(d => [
          `domain:default/${d.metadata.name}`,
          d,
        ]),
      );
      const evaluator = new DataProductEvaluator(
        {
          levels: [],
          checks: [{ id: 'named', title: 'Named', rule: 'true' }],
          policies: [{ id: 'global-named', rule: 'true' }],
        },
        options,
      );
      // One pass: the hostile product, then one of another domain.
      const [noisy, quiet] = [
        productOf(hostile.name ?? 'hostile', hostileDomain, hostile.facts),
        productOf('calm', calmDomain),
      ].map(input => evaluator.evaluate(input, ref => domains.get(ref)));

      expect(
        noisy.governance.results.find(r => r.id === 'hostile'),
      ).toMatchObject(expectedResult(hostile, field));
      expect(noisy.scorecard.checks).toEqual([
        { id: 'named', outcome: 'pass' },
      ]);
      expect(outcomes(quiet.governance.results)).toEqual({
        'global-named': 'pass',
        'calm-named': 'pass',
      });
      expect(quiet.scorecard).toMatchObject({
        score: 100,
        checks: [{ id: 'named', outcome: 'pass' }],
      });
    },
  );
});

/** The rules of an evaluator with a calm check and policy, and the hostile rule as `kind`. */
function globalRules(hostile: HostileCase, kind: string) {
  const hostileRule = { id: 'hostile', title: 'Hostile', rule: hostile.rule };
  return {
    levels: [],
    checks: [
      { id: 'calm-check', title: 'Calm', rule: 'true' },
      ...(kind === 'a scorecard check' ? [hostileRule] : []),
    ],
    policies: [
      { id: 'calm-policy', rule: 'true' },
      ...(kind === 'a global policy' ? [hostileRule] : []),
    ],
  };
}

describe.each(CASES.filter(c => c.refused))('a rule that $title', hostile => {
  it.each(['a scorecard check', 'a global policy'])(
    'as %s: refused when the evaluator is created, naming it',
    kind => {
      const create = () =>
        new DataProductEvaluator(globalRules(hostile, kind), options);
      expect(create).toThrow(RuleCompileError);
      expect(create).toThrow(hostile.refused!);
      expect(create).toThrow(/^Rule hostile: rule: /);
    },
  );
});

describe.each(CASES.filter(c => !c.refused))('a rule that $title', hostile => {
  it.each(['a scorecard check', 'a global policy'])(
    'as %s: an error for the hostile product only',
    kind => {
      const evaluator = new DataProductEvaluator(
        globalRules(hostile, kind),
        options,
      );
      const [noisy, quiet] = [
        productOf(hostile.name ?? 'hostile', calmDomain, hostile.facts),
        // The calm product has facts, and they are within the limits.
        productOf('calm', calmDomain, { probe: { items: [], text: 'ab' } }),
      ].map(input => evaluator.evaluate(input, () => undefined));
      const results = [...noisy.scorecard.checks, ...noisy.governance.results];
      expect(results.find(r => r.id === 'hostile')).toMatchObject(
        expectedResult(hostile, 'rule'),
      );
      // Checks run before policies: a check that uses up the time leaves none to them.
      expect(outcomes(results)).toMatchObject({
        'calm-check': 'pass',
        'calm-policy':
          hostile.usesUpTime && kind === 'a scorecard check' ? 'error' : 'pass',
      });
      expect(
        outcomes([...quiet.scorecard.checks, ...quiet.governance.results]),
      ).toEqual({
        'calm-check': 'pass',
        'calm-policy': 'pass',
        'calm-named': 'pass',
        // A rule such as `entity.constructor == null` errs on any product.
        hostile: expect.any(String),
      });
    },
  );
});
