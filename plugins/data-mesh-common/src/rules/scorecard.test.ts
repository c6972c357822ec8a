import { JsonObject } from '@backstage/types';
import { ScorecardCheckDefinition } from '../api';
import {
  capScorecardLevel,
  compileScorecardChecks,
  createRuleContext,
  DataProductEvaluator,
  evaluateScorecard,
  RuleCompileError,
  RuleContextInput,
} from '.';

const LEVELS = ['bronze', 'silver', 'gold'];

/** A check whose outcome is set by the context: spec.<id> is true, false or missing. */
function check(
  id: string,
  level: string | undefined,
  weight?: number,
  appliesTo?: string,
): ScorecardCheckDefinition {
  return {
    id,
    title: id,
    level,
    weight,
    appliesTo,
    rule: `entity.spec.${id}`,
  };
}

function contextWith(values: JsonObject): RuleContextInput {
  return { entity: { metadata: { name: 'p' }, spec: values } };
}

function scorecard(
  definitions: ScorecardCheckDefinition[],
  values: JsonObject,
  levels = LEVELS,
) {
  const compiled = compileScorecardChecks(definitions, levels);
  return evaluateScorecard(compiled, definitions, levels, contextWith(values));
}

describe('evaluateScorecard', () => {
  const definitions = [
    check('b1', 'bronze', 2),
    check('b2', 'bronze'),
    check('s1', 'silver', 3),
    check('g1', 'gold', 4),
    check('n1', undefined, 2),
  ];

  it('scores 100 and reaches the top level when everything passes', () => {
    expect(
      scorecard(definitions, {
        b1: true,
        b2: true,
        s1: true,
        g1: true,
        n1: true,
      }),
    ).toEqual({
      score: 100,
      level: 'gold',
      checks: [
        { id: 'b1', outcome: 'pass' },
        { id: 'b2', outcome: 'pass' },
        { id: 's1', outcome: 'pass' },
        { id: 'g1', outcome: 'pass' },
        { id: 'n1', outcome: 'pass' },
      ],
    });
  });

  it('weighs the checks in the score', () => {
    // passing 2 + 1 + 2 of 12
    const card = scorecard(definitions, {
      b1: true,
      b2: true,
      s1: false,
      g1: false,
      n1: true,
    });
    expect(card.score).toBe(41.7);
    expect(card.level).toBe('bronze');
  });

  it('stops at the first level that does not fully pass', () => {
    // silver fails, so gold is not reached although it passes
    const card = scorecard(definitions, {
      b1: true,
      b2: true,
      s1: false,
      g1: true,
      n1: true,
    });
    expect(card.level).toBe('bronze');
    expect(card.score).toBe(75);
    expect(
      scorecard(definitions, {
        b1: false,
        b2: true,
        s1: true,
        g1: true,
        n1: true,
      }).level,
    ).toBeNull();
  });

  it('lets checks without a level count only towards the score', () => {
    const card = scorecard(definitions, {
      b1: true,
      b2: true,
      s1: true,
      g1: true,
      n1: false,
    });
    expect(card).toMatchObject({ score: 83.3, level: 'gold' });
  });

  it('counts an error as applicable and not passing', () => {
    const card = scorecard(definitions, {
      b1: true,
      s1: true,
      g1: true,
      n1: true,
    });
    expect(card.checks[1]).toEqual({
      id: 'b2',
      outcome: 'error',
      message: 'no such key: b2',
    });
    expect(card.score).toBe(91.7);
    expect(card.level).toBeNull();
  });

  it('leaves skipped checks out of the score and the levels', () => {
    const withSkips = [
      check('b1', 'bronze', 1),
      check('s1', 'silver', 1, 'entity.spec.applies'),
      check('g1', 'gold', 1),
    ];
    const card = scorecard(withSkips, {
      b1: true,
      s1: false,
      g1: true,
      applies: false,
    });
    expect(card).toEqual({
      score: 100,
      level: 'gold',
      checks: [
        { id: 'b1', outcome: 'pass' },
        { id: 's1', outcome: 'skipped' },
        { id: 'g1', outcome: 'pass' },
      ],
    });
    expect(
      scorecard(withSkips, { b1: true, s1: false, g1: true, applies: true }),
    ).toMatchObject({ score: 66.7, level: 'bronze' });
  });

  it('scores 100 when no check applies', () => {
    const card = scorecard(
      [check('a', 'bronze', 1, 'false'), check('b', undefined, 1, 'false')],
      {},
    );
    expect(card).toMatchObject({ score: 100, level: 'gold' });
  });

  it('ignores a weight of 0 in the score but not in the levels', () => {
    const card = scorecard([check('a', 'bronze', 1), check('b', 'bronze', 0)], {
      a: true,
      b: false,
    });
    expect(card).toMatchObject({ score: 100, level: null });
  });

  it('has no level without levels', () => {
    expect(scorecard([check('a', undefined)], { a: true }, [])).toMatchObject({
      score: 100,
      level: null,
    });
  });

  it('reports a check without a compiled rule, and an invalid context', () => {
    const definitions2 = [check('a', 'bronze'), check('b', 'bronze')];
    const compiled = compileScorecardChecks([definitions2[0]], LEVELS);
    const card = evaluateScorecard(
      compiled,
      definitions2,
      LEVELS,
      contextWith({ a: true }),
    );
    expect(card.checks[1]).toEqual({
      id: 'b',
      outcome: 'error',
      message: 'the check is not compiled',
    });
    const invalid = evaluateScorecard(compiled, [definitions2[0]], LEVELS, {
      entity: 'nope' as any,
    });
    expect(invalid).toEqual({
      score: 0,
      level: null,
      checks: [
        {
          id: 'a',
          outcome: 'error',
          message: 'invalid context: entity must be an object',
        },
      ],
    });
  });

  it('takes a prepared context', () => {
    const compiled = compileScorecardChecks(definitions, LEVELS);
    const context = createRuleContext(
      contextWith({ b1: true, b2: true, s1: true, g1: true, n1: true }),
    );
    expect(
      evaluateScorecard(compiled, definitions, LEVELS, context).score,
    ).toBe(100);
  });
});

describe('compileScorecardChecks', () => {
  it('refuses unknown levels, bad weights and duplicate levels with the rule errors', () => {
    let error: RuleCompileError | undefined;
    try {
      compileScorecardChecks(
        [
          check('a', 'platinum'),
          check('b', 'bronze', -1),
          { id: 'c', title: 'c', rule: 'entity.spec.c +' },
        ],
        ['bronze', 'bronze'],
      );
    } catch (e) {
      error = e as RuleCompileError;
    }
    expect(error).toBeInstanceOf(RuleCompileError);
    expect(error!.problems.map(p => `${p.ruleId}/${p.field}`)).toEqual([
      '(levels)/levels',
      'a/level',
      'b/weight',
      'c/rule',
    ]);
    expect(error!.message).toContain(
      'Rule a: level: "platinum" is not one of the levels bronze, bronze',
    );
  });
});

describe('the level cap of governance', () => {
  const gold = { score: 100, level: 'gold', checks: [] };
  const failing = {
    compliant: false,
    results: [
      {
        id: 'owner-is-group',
        severity: 'error' as const,
        enforcement: 'enforce' as const,
        origin: 'global' as const,
        outcome: 'fail' as const,
        blocking: true,
      },
      {
        id: 'name-convention',
        severity: 'warning' as const,
        enforcement: 'warn' as const,
        origin: 'global' as const,
        outcome: 'fail' as const,
        blocking: false,
      },
    ],
  };
  const compliant = { compliant: true, results: [] };

  it('holds a product that is not compliant below the top level, saying why', () => {
    const capped = capScorecardLevel(gold, LEVELS, failing, id =>
      id === 'owner-is-group' ? 'Owned by a team of the catalog' : undefined,
    );
    expect(capped).toEqual({
      score: 100,
      level: 'silver',
      checks: [],
      levelCap: {
        checksLevel: 'gold',
        policyIds: ['owner-is-group'],
        reason:
          'Held at silver, below gold: not compliant with the enforced policy “Owned by a team of the catalog”. Fix or waive it to hold gold.',
      },
    });
  });

  it('leaves a compliant product, and one below the cap, as its checks make it', () => {
    expect(capScorecardLevel(gold, LEVELS, compliant)).toEqual(gold);
    const bronze = { ...gold, score: 40, level: 'bronze' };
    expect(capScorecardLevel(bronze, LEVELS, failing)).toEqual(bronze);
    const none = { ...gold, score: 10, level: null };
    expect(capScorecardLevel(none, LEVELS, failing)).toEqual(none);
  });

  it('is applied again from the checks’ level once waivers make the product compliant', () => {
    const capped = capScorecardLevel(gold, LEVELS, failing);
    expect(capped.levelCap?.reason).toContain('“owner-is-group”');
    expect(capScorecardLevel(capped, LEVELS, compliant)).toEqual(gold);
    expect(capScorecardLevel(capped, LEVELS, failing)).toEqual(capped);
  });

  it('leaves no level with a single level', () => {
    expect(
      capScorecardLevel({ ...gold, level: 'ok' }, ['ok'], failing),
    ).toMatchObject({
      level: null,
      levelCap: {
        checksLevel: 'ok',
        reason: expect.stringMatching(/^Held without a level, below ok/),
      },
    });
  });
});

describe('DataProductEvaluator and the level cap', () => {
  const evaluator = new DataProductEvaluator({
    levels: LEVELS,
    checks: [check('documented', 'bronze')],
    policies: [
      {
        id: 'owned',
        title: 'Has an owner',
        severity: 'error',
        enforcement: 'enforce',
        rule: 'has(entity.spec.owner)',
      },
    ],
  });
  const product = contextWith({ documented: true });
  const now = new Date('2026-03-01T00:00:00Z');
  const waiver = (expiresAt: string) => ({
    id: 'w1',
    policyId: 'owned',
    status: 'approved' as const,
    expiresAt,
  });

  it('caps the level of a product failing an enforced policy, unless a waiver in force covers it', () => {
    expect(
      evaluator.evaluate(product, () => undefined).scorecard,
    ).toMatchObject({
      level: 'silver',
      levelCap: { checksLevel: 'gold', policyIds: ['owned'] },
    });
    expect(
      evaluator.evaluate(product, () => undefined, {
        waivers: [waiver('2026-04-01T00:00:00Z')],
        now,
      }).scorecard,
    ).toEqual({
      score: 100,
      level: 'gold',
      checks: [{ id: 'documented', outcome: 'pass' }],
    });
    expect(
      evaluator.evaluate(product, () => undefined, {
        waivers: [waiver('2026-02-01T00:00:00Z')],
        now,
      }).scorecard.level,
    ).toBe('silver');
    expect(
      evaluator.evaluate(
        contextWith({ documented: true, owner: 'group:a' }),
        () => undefined,
      ).scorecard,
    ).toEqual({
      score: 100,
      level: 'gold',
      checks: [{ id: 'documented', outcome: 'pass' }],
    });
  });
});
