import {
  compileRule,
  compileRules,
  createRuleContext,
  DEFAULT_RULE_LIMITS,
  evaluateRule,
  RuleCompileError,
} from '.';
import { describeUnsafePattern } from './structure';

function compileMessage(rule: string): string {
  try {
    compileRules([{ id: 'r', rule }]);
  } catch (e) {
    expect(e).toBeInstanceOf(RuleCompileError);
    return (e as Error).message;
  }
  throw new Error('expected a RuleCompileError');
}

const big = Array.from({ length: 1000 }, (_, i) => ({ name: `item-${i}` }));

const context = createRuleContext({
  entity: {
    metadata: { name: 'big' },
    spec: {
      items: big,
      numbers: Array.from({ length: 1000 }, (_, i) => i),
      text: 'x'.repeat(100_000),
    },
  },
  now: '2026-01-15T12:00:00Z',
});

function timed<T>(fn: () => T): { result: T; ms: number } {
  const start = performance.now();
  const result = fn();
  return { result, ms: performance.now() - start };
}

describe('structural limits at compile time', () => {
  it('refuses too many AST nodes', () => {
    const rule = Array.from({ length: 300 }, () => 'true').join(' && ');
    expect(compileMessage(rule)).toMatch(
      /^Rule r: rule: Exceeded maxAstNodes \(500\) at line 1, column \d+$/,
    );
  });

  it('refuses too deep nesting', () => {
    const rule = `${'('.repeat(40)}true${')'.repeat(40)}`;
    expect(compileMessage(rule)).toMatch(
      /^Rule r: rule: Exceeded maxDepth \(32\) at line 1, column \d+$/,
    );
  });

  it('refuses comprehensions nested more than two deep', () => {
    expect(
      compileMessage(
        'entity.spec.items.all(a, entity.spec.items.all(b, entity.spec.items.exists(c, c == a)))',
      ),
    ).toBe(
      'Rule r: rule: comprehensions are nested more than 2 deep at line 1, column 51',
    );
    // chaining is not nesting
    expect(() =>
      compileRule({
        id: 'r',
        rule: 'entity.spec.items.filter(a, has(a.name)).map(a, a.name).all(n, n != "")',
      }),
    ).not.toThrow();
    expect(
      compileMessage('cel.bind(a, 1, cel.bind(b, 2, [1].all(x, x == a + b)))'),
    ).toMatch(/comprehensions are nested more than 2 deep/);
  });

  it('refuses overlong rules and large literals', () => {
    expect(compileMessage(`'${'x'.repeat(5000)}' != ''`)).toBe(
      'Rule r: rule: is 5008 characters long, more than the limit of 4000',
    );
    const list = `[${Array.from({ length: 101 }, (_, i) => i).join(', ')}]`;
    expect(compileMessage(`1 in ${list}`)).toMatch(/Exceeded maxListElements/);
  });

  it('refuses matches() patterns that are not literals or can backtrack', () => {
    expect(compileMessage('entity.spec.text.matches(entity.spec.text)')).toBe(
      'Rule r: rule: the pattern of matches() must be a string literal at line 1, column 26',
    );
    expect(compileMessage("entity.spec.text.matches('(x+)+y')")).toMatch(
      /exponential time/,
    );
    expect(compileMessage("entity.spec.text.matches('(a|ab)*c')")).toMatch(
      /exponential time/,
    );
    expect(compileMessage("entity.spec.text.matches('(a)\\\\1')")).toMatch(
      /backreferences/,
    );
    expect(compileMessage("entity.spec.text.matches('[')")).toMatch(
      /invalid regular expression/,
    );
    expect(describeUnsafePattern('^[a-z0-9-]+(\\.[a-z]+)?$')).toBeUndefined();
    expect(describeUnsafePattern('^(ab)+$')).toBeUndefined();
    expect(describeUnsafePattern('^(a{2,})*$')).toBeDefined();
    expect(describeUnsafePattern('[(]+(x)')).toBeUndefined();
  });

  it('takes other limits', () => {
    expect(() =>
      compileRule(
        { id: 'r', rule: '[1].all(x, [1].all(y, true))' },
        { limits: { maxComprehensionNesting: 1 } },
      ),
    ).toThrow(/nested more than 1 deep/);
  });
});

describe('evaluation budget', () => {
  it('stops nested comprehensions over a big list quickly', () => {
    const rule = compileRule({
      id: 'pathological',
      rule: 'entity.spec.items.all(a, entity.spec.items.exists(b, b.name == a.name))',
    });
    const { result, ms } = timed(() => evaluateRule(rule, context));
    expect(result).toEqual({
      outcome: 'error',
      message: `evaluation exceeded its budget of ${DEFAULT_RULE_LIMITS.maxEvaluationCost} steps`,
    });
    expect(ms).toBeLessThan(1000);
  });

  it('counts the lists scanned by in', () => {
    const rule = compileRule({
      id: 'scan',
      rule: 'entity.spec.numbers.all(n, entity.spec.numbers.exists(m, m == n) && n in entity.spec.numbers)',
    });
    const { result, ms } = timed(() => evaluateRule(rule, context));
    expect(result.message).toMatch(/exceeded its budget/);
    expect(ms).toBeLessThan(1000);
  });

  it('bounds strings built by a rule', () => {
    const rule = compileRule({
      id: 'repeat',
      rule: 'entity.spec.items.map(i, entity.spec.text + entity.spec.text + entity.spec.text).join("").size() > 0',
    });
    const { result, ms } = timed(() => evaluateRule(rule, context));
    expect(result.message).toMatch(/exceeded its budget/);
    expect(ms).toBeLessThan(1000);
  });

  it('lets rules within the budget run', () => {
    const rule = compileRule({
      id: 'fine',
      rule: 'entity.spec.items.all(a, a.name.startsWith("item-")) && size(entity.spec.text) == 100000',
    });
    expect(evaluateRule(rule, context)).toEqual({ outcome: 'pass' });
    const tight = compileRule(
      { id: 'tight', rule: 'entity.spec.items.all(a, true)' },
      { limits: { maxEvaluationCost: 100 } },
    );
    expect(evaluateRule(tight, context).message).toBe(
      'evaluation exceeded its budget of 100 steps',
    );
  });
});

describe('context limits', () => {
  it('refuses too many upstream products or fact sources', () => {
    const upstream = Array.from({ length: 1001 }, () => ({ spec: {} }));
    const rule = compileRule({ id: 'r', rule: 'true' });
    expect(evaluateRule(rule, { entity: { spec: {} }, upstream }).message).toBe(
      'invalid context: upstream has 1001 products, more than the limit of 1000',
    );
    expect(() =>
      createRuleContext({ entity: {}, upstream }, { maxUpstream: 2000 }),
    ).not.toThrow();
    const facts = Object.fromEntries(
      Array.from({ length: 300 }, (_, i) => [`s${i}`, {}]),
    );
    expect(() => createRuleContext({ entity: {}, facts })).toThrow(
      'facts has 300 sources, more than the limit of 256',
    );
  });
});
