import { Entity } from '@backstage/catalog-model';
import {
  compileGovernancePolicies,
  compileRule,
  compileScorecardChecks,
  createRuleContext,
  DataProductEvaluator,
  evaluateGovernance,
  evaluateRule,
  evaluateScorecard,
  RuleDeadline,
} from '.';

/*
 * The wall-clock bound of evaluation: rules run under the deadline of their product, checked
 * before each rule and at each element a comprehension reads. The clock here is not time: it
 * moves one millisecond each time it is read, so that what a deadline stops does not depend
 * on the speed of the machine.
 */

/** A clock that moves 1 ms each time it is read, and counts its readings. */
function tickingClock() {
  const clock = { readings: 0, now: () => clock.readings++ };
  return clock;
}

const TIMED_OUT =
  'timed out: the rules of one evaluation may run for 100 ms in all';

const items = Array.from({ length: 3000 }, (_, i) => ({ name: `item-${i}` }));
const context = createRuleContext({
  entity: { metadata: { name: 'probe' } },
  facts: {
    probe: {
      items,
      byName: Object.fromEntries(items.map(i => [i.name, true])),
    },
  },
  now: '2026-01-15T12:00:00Z',
});

const evaluate = (rule: string, deadline?: RuleDeadline) =>
  evaluateRule(compileRule({ id: 'r', rule }), context, { deadline });

describe('a deadline', () => {
  it.each([
    ['all', "facts.probe.items.all(i, i.name.startsWith('item-'))", 'pass'],
    ['exists', "facts.probe.items.exists(i, i.name == 'item-2999')", 'pass'],
    ['exists_one', "facts.probe.items.exists_one(i, i.name == 'x')", 'fail'],
    ['map', 'facts.probe.items.map(i, i.name).size() == 3000', 'pass'],
    [
      'filter',
      "facts.probe.items.filter(i, i.name == 'x').size() == 0",
      'pass',
    ],
    [
      'keys of a map',
      "facts.probe.byName.all(k, k.startsWith('item-'))",
      'pass',
    ],
    // an error in the body of an exists is kept until the end: the stop is not
    [
      'a quantifier that absorbs errors',
      'facts.probe.items.exists(i, i.x)',
      'error',
    ],
    // `||` absorbs the error of the stop: the rule still ends in error
    [
      'an error absorbed by ||',
      "facts.probe.items.all(i, i.name != 'x') || true",
      'pass',
    ],
    [
      'a comprehension nested in another',
      "['a', 'b'].all(x, facts.probe.items.exists(i, i.name == x))",
      'fail',
    ],
    [
      'a chain of comprehensions',
      "facts.probe.items.filter(i, true).map(i, i.name).all(n, n != '')",
      'pass',
    ],
  ])(
    'stops %s over 3,000 items, which alone ends in its outcome',
    (_, rule, alone) => {
      expect(evaluate(rule).outcome).toBe(alone);
      const clock = tickingClock();
      expect(evaluate(rule, new RuleDeadline(100, clock.now))).toEqual({
        outcome: 'error',
        message: TIMED_OUT,
      });
      // Stopped at the reading that found the time up (the clock is read when the deadline is
      // set, then every 16 elements), long before the end of the list.
      expect(clock.readings).toBe(101);
    },
  );

  it('lets a rule that ends in time keep its outcome', () => {
    const clock = tickingClock();
    expect(
      evaluate(
        "facts.probe.items.exists(i, i.name == 'item-10')",
        new RuleDeadline(100, clock.now),
      ),
    ).toEqual({ outcome: 'pass' });
  });

  it('does not start a rule once it has passed', () => {
    const clock = tickingClock();
    const deadline = new RuleDeadline(100, clock.now);
    clock.readings = 100;
    // A rule that may cost 100,000 steps reads the clock before it starts.
    const costly = compileRule({
      id: 'costly',
      appliesTo: "facts.probe.items.exists(i, i.name.matches('^item-0$'))",
      rule: 'true',
    });
    expect(costly.cost).toBeGreaterThanOrEqual(100_000);
    expect(evaluateRule(costly, context, { deadline })).toEqual({
      outcome: 'error',
      message: TIMED_OUT,
    });
    // A cheap one, once a reading found the time up.
    const cheap = compileRule({ id: 'cheap', rule: 'true' });
    expect(evaluateRule(cheap, context, { deadline })).toEqual({
      outcome: 'error',
      message: TIMED_OUT,
    });
  });

  it('reads the clock about once per 100,000 steps of cheap rules', () => {
    const clock = tickingClock();
    const deadline = new RuleDeadline(100, clock.now);
    const cheap = compileRule({
      id: 'cheap',
      rule: 'entity.metadata.name != ""',
    });
    for (let i = 0; i < 1000; i++) {
      expect(evaluateRule(cheap, context, { deadline })).toEqual({
        outcome: 'pass',
      });
    }
    expect(clock.readings).toBeLessThanOrEqual(
      1 + Math.ceil((1000 * cheap.cost) / 100_000),
    );
  });

  it('stops a long appliesTo', () => {
    const clock = tickingClock();
    const rule = compileRule({
      id: 'r',
      appliesTo: "facts.probe.items.all(i, i.name != '')",
      rule: 'true',
    });
    expect(
      evaluateRule(rule, context, {
        deadline: new RuleDeadline(100, clock.now),
      }),
    ).toEqual({ outcome: 'error', message: `appliesTo: ${TIMED_OUT}` });
  });

  it('ends the checks and policies after the one it stops in error; those before keep their outcomes', () => {
    const rules = [
      {
        id: 'before',
        title: 'Before',
        rule: "entity.metadata.name == 'probe'",
      },
      {
        id: 'long',
        title: 'Long',
        rule: "facts.probe.items.all(i, i.name != '')",
      },
      { id: 'after', title: 'After', rule: 'true' },
    ];
    const outcomes = (results: Array<{ id: string; outcome: string }>) =>
      results.map(r => [r.id, r.outcome]);
    const expected = [
      ['before', 'pass'],
      ['long', 'error'],
      ['after', 'error'],
    ];

    const checks = compileScorecardChecks(rules, []);
    const scorecard = evaluateScorecard(checks, rules, [], context, {
      deadline: new RuleDeadline(100, tickingClock().now),
    });
    expect(outcomes(scorecard.checks)).toEqual(expected);
    expect(scorecard.score).toBe(33.3);

    const policies = compileGovernancePolicies(rules, { origin: 'global' });
    const governance = evaluateGovernance(policies, context, {
      deadline: new RuleDeadline(100, tickingClock().now),
    });
    expect(outcomes(governance.results)).toEqual(expected);
    expect(governance.compliant).toBe(false);
  });

  it('cannot be reached by rules: the function that checks it is no function of theirs', () => {
    expect(() =>
      compileRule({ id: 'r', rule: 'checkedRange([1]).all(x, true)' }),
    ).toThrow(/^Rule r: rule: .*checkedRange/);
  });
});

describe("a product's time limit", () => {
  const domain = (name: string, rules: string[]): Entity => ({
    apiVersion: 'datamesh-portal.io/v1alpha1',
    kind: 'Domain',
    metadata: { name, namespace: 'default' },
    spec: {
      owner: 'x',
      policies: rules.map((rule, i) => ({ id: `${name}-${i}`, rule })),
    },
  });
  // Each policy reads 3,000 elements, about 190 readings of the clock: within its cost bound,
  // long together (300 readings).
  const hostile = domain(
    'hostile',
    Array.from(
      { length: 10 },
      () => "facts.probe.items.all(i, i.name.startsWith('item-'))",
    ),
  );
  const calm = domain('calm', ["entity.metadata.name == 'calm-product'"]);
  const domains = new Map(
    [hostile, calm].map(d => [`domain:default/${d.metadata.name}`, d]),
  );
  const findDomain = (ref: string) => domains.get(ref);
  const product = (name: string, inDomain: Entity) => ({
    entity: { metadata: { name } },
    domain: inDomain,
    facts: { probe: { items } },
  });

  it('starts the clock once the policies in force are resolved and compiled', () => {
    let now = 0;
    // A policy that may cost 100,000 steps or more: the clock is read before it runs.
    const own = domain('child', [
      "facts.probe.items.exists(i, i.name.matches('^item-0$'))",
    ]);
    const child = { ...own, spec: { ...own.spec, subdomainOf: 'calm' } };
    const evaluator = new DataProductEvaluator(
      { levels: [], checks: [], policies: [] },
      { timeLimitMs: 100, clock: () => now },
    );
    // Finding (and compiling) the domains in force takes 1 s of this clock.
    const verdict = evaluator.evaluate(product('calm-product', child), ref => {
      now += 1000;
      return findDomain(ref);
    });
    expect(verdict.governance.results).toEqual([
      expect.objectContaining({ id: 'calm-0', outcome: 'pass' }),
      expect.objectContaining({ id: 'child-0', outcome: 'pass' }),
    ]);
  });

  it("stops one product's rules at its limit; the next product has its own", () => {
    const clock = tickingClock();
    const evaluator = new DataProductEvaluator(
      {
        levels: [],
        checks: [{ id: 'named', title: 'Named', rule: 'has(entity.metadata)' }],
        policies: [],
      },
      { timeLimitMs: 300, clock: clock.now },
    );
    const noisy = evaluator.evaluate(
      product('hostile-product', hostile),
      findDomain,
    );
    expect(noisy.scorecard.checks).toEqual([{ id: 'named', outcome: 'pass' }]);
    expect(noisy.governance.results.map(r => r.outcome)).toEqual([
      'pass',
      'error',
      ...Array(8).fill('error'),
    ]);
    expect(noisy.governance.results[1].message).toBe(
      'timed out: the rules of one evaluation may run for 300 ms in all',
    );
    expect(noisy.governance.compliant).toBe(false);
    const readings = clock.readings;

    const quiet = evaluator.evaluate(product('calm-product', calm), findDomain);
    expect(quiet.scorecard.checks).toEqual([{ id: 'named', outcome: 'pass' }]);
    expect(quiet.governance).toEqual({
      compliant: true,
      results: [expect.objectContaining({ id: 'calm-0', outcome: 'pass' })],
    });
    expect(clock.readings - readings).toBeLessThan(10);
  });
});
