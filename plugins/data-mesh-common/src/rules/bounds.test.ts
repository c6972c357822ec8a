import {
  compileRule,
  compileRules,
  createRuleContext,
  DEFAULT_RULE_CONTEXT_LIMITS,
  DEFAULT_RULE_LIMITS,
  evaluateRule,
  RuleCompileError,
} from '.';
import { CompileRuleOptions } from './engine';

function compileMessage(rule: string, options?: CompileRuleOptions): string {
  try {
    compileRules([{ id: 'r', rule }], options);
  } catch (e) {
    expect(e).toBeInstanceOf(RuleCompileError);
    return (e as Error).message;
  }
  throw new Error('expected a RuleCompileError');
}

const OVER_BUDGET =
  /^Rule r: rule: may cost up to [\d,]+ steps on a context within its limits \(lists of up to 4096 items, entities of up to 262144 characters\), more than the budget of 1,000,000 at line 1, column \d+$/;

const items = Array.from({ length: 1000 }, (_, i) => ({ name: `item-${i}` }));

const context = createRuleContext({
  entity: {
    metadata: { name: 'big' },
    spec: {
      items,
      numbers: Array.from({ length: 1000 }, (_, i) => i),
      text: 'x'.repeat(100_000),
    },
  },
  now: '2026-01-15T12:00:00Z',
});

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

  it('takes other limits', () => {
    expect(() =>
      compileRule(
        { id: 'r', rule: '[1].all(x, [1].all(y, true))' },
        { limits: { maxComprehensionNesting: 1 } },
      ),
    ).toThrow(/nested more than 1 deep/);
  });
});

describe('matches(): RE2 patterns, matched in linear time', () => {
  it('refuses patterns that are not literals or not RE2', () => {
    expect(compileMessage('entity.spec.text.matches(entity.spec.text)')).toBe(
      'Rule r: rule: the pattern of matches() must be a string literal at line 1, column 26',
    );
    // RE2 has no backreferences or lookarounds
    expect(compileMessage("entity.spec.text.matches('(a)\\\\1')")).toBe(
      'Rule r: rule: invalid regular expression: invalid escape sequence: `\\1` at line 1, column 26',
    );
    expect(compileMessage("entity.spec.text.matches('a(?=b)')")).toMatch(
      /^Rule r: rule: invalid regular expression: invalid or unsupported Perl syntax/,
    );
    expect(compileMessage("entity.spec.text.matches('[')")).toMatch(
      /^Rule r: rule: invalid regular expression: missing closing \]/,
    );
  });

  it('reads RE2 syntax, which JavaScript regular expressions do not', () => {
    const rule = compileRule({
      id: 'r',
      rule: "entity.metadata.name.matches('(?i)^BIG$') && entity.metadata.name.matches('^\\\\pL+$') && !entity.metadata.name.matches('[[:digit:]]')",
    });
    expect(evaluateRule(rule, context)).toEqual({ outcome: 'pass' });
  });

  it('cannot call the function that compiles patterns', () => {
    expect(compileMessage("entity.metadata.name.matches(regex('a'))")).toMatch(
      /^Rule r: rule: found no matching overload for 'regex\(string\)'/,
    );
  });

  const hostile = (text: string) =>
    createRuleContext({ entity: { spec: { text } } });

  it('matches a*a*a*a*b, which backtracks in O(n^4), on a long input', () => {
    const rule = compileRule({
      id: 'quartic',
      rule: "entity.spec.text.matches('a*a*a*a*b')",
    });
    expect(evaluateRule(rule, hostile('a'.repeat(200_000)))).toEqual({
      outcome: 'fail',
    });
    expect(evaluateRule(rule, hostile(`${'a'.repeat(200_000)}b`))).toEqual({
      outcome: 'pass',
    });
  });

  it('refuses ^((a{1,9}){1,9}){1,9}$ on a context string at load: it compiles to 1641 instructions', () => {
    expect(
      compileMessage("entity.spec.text.matches('^((a{1,9}){1,9}){1,9}$')"),
    ).toMatch(OVER_BUDGET);
  });

  it('matches ^((a{1,9}){1,9}){1,9}$ on inputs small enough for its cost', () => {
    const rule = compileRule({
      id: 'nested',
      rule: "entity.metadata.name.matches('^((a{1,9}){1,9}){1,9}$')",
    });
    const named = (name: string) =>
      createRuleContext({ entity: { metadata: { name } } });
    expect(evaluateRule(rule, named(`${'a'.repeat(20)}!`))).toEqual({
      outcome: 'fail',
    });
    expect(evaluateRule(rule, named('a'.repeat(63)))).toEqual({
      outcome: 'pass',
    });
    const small = { maxEntitySize: 10_000 };
    const onText = compileRule(
      {
        id: 'nested-text',
        rule: "entity.spec.text.matches('^((a{1,9}){1,9}){1,9}$')",
      },
      { contextLimits: small },
    );
    const text = (t: string) =>
      createRuleContext({ entity: { spec: { text: t } } }, small);
    expect(evaluateRule(onText, text('a'.repeat(729)))).toEqual({
      outcome: 'pass',
    });
    expect(evaluateRule(onText, text('a'.repeat(730)))).toEqual({
      outcome: 'fail',
    });
    expect(evaluateRule(onText, text(`${'a'.repeat(9_000)}!`))).toEqual({
      outcome: 'fail',
    });
  });
});

describe('worst-case cost, estimated at load time', () => {
  it('refuses nested comprehensions over context lists', () => {
    expect(
      compileMessage(
        'entity.spec.items.all(a, entity.spec.items.exists(b, b.name == a.name))',
      ),
    ).toMatch(OVER_BUDGET);
    expect(
      compileMessage(
        'entity.spec.numbers.all(n, entity.spec.numbers.exists(m, m == n))',
      ),
    ).toMatch(OVER_BUDGET);
    expect(
      compileMessage('entity.spec.numbers.all(n, n in entity.spec.numbers)'),
    ).toMatch(OVER_BUDGET);
  });

  it('refuses rules that build large strings or lists', () => {
    for (const rule of [
      'entity.spec.items.map(i, entity.spec.text + entity.spec.text + entity.spec.text).join("").size() > 0',
      'size(entity.spec.items.map(i, entity.spec.items.map(j, j))) > 0',
      'entity.spec.items.all(i, size(entity.spec.text + string(i)) > 0)',
      'size(entity.spec.text.split("").map(c, entity.spec.text)) > 0',
    ]) {
      expect(compileMessage(rule)).toMatch(OVER_BUDGET);
    }
  });

  it('charges a comprehension reading each element once the size of its list, not its length times the largest element', () => {
    const rule = compileRule({
      id: 'r',
      rule: 'entity.spec.items.all(a, size(a.name) > 0 && a.name.contains("-"))',
    });
    // per element a constant, plus the size of the list once for the strings of its elements
    expect(rule.cost).toBeLessThan(
      DEFAULT_RULE_CONTEXT_LIMITS.maxItems * 20 +
        DEFAULT_RULE_CONTEXT_LIMITS.maxEntitySize,
    );
    expect(evaluateRule(rule, context)).toEqual({ outcome: 'pass' });
    // the same string read in every iteration is charged every time
    expect(
      compileMessage('entity.spec.items.all(a, size(entity.spec.text) > 0)'),
    ).toMatch(OVER_BUDGET);
  });

  it('knows how long the identifying fields of an entity are', () => {
    const name = compileRule({
      id: 'r',
      rule: 'upstream.all(u, size(u.metadata.name) > 0)',
    });
    const description = compileRule({
      id: 'r',
      rule: 'upstream.all(u, size(u.metadata.description) > 0)',
    });
    expect(name.cost * 5).toBeLessThan(description.cost);
  });

  it('lets rules within the budget run, and takes another budget', () => {
    const rule = compileRule({
      id: 'fine',
      rule: 'entity.spec.items.all(a, a.name.startsWith("item-")) && size(entity.spec.text) == 100000',
    });
    expect(rule.cost).toBeLessThanOrEqual(
      DEFAULT_RULE_LIMITS.maxEvaluationCost,
    );
    expect(evaluateRule(rule, context)).toEqual({ outcome: 'pass' });
    expect(
      compileMessage('entity.spec.items.all(a, true)', {
        limits: { maxEvaluationCost: 100 },
      }),
    ).toMatch(
      /^Rule r: rule: may cost up to [\d,]+ steps .* more than the budget of 100 at line 1, column 1$/,
    );
  });
});

describe('a pushed list of 3,000 items (issue 15)', () => {
  const pushed = Array.from({ length: 3000 }, (_, i) => ({
    name: `item-${i}`,
  }));
  const probe = createRuleContext({
    entity: { metadata: { name: 'probe' } },
    facts: { probe: { items: pushed } },
  });

  it('refuses nested comprehensions over it at load', () => {
    let error: RuleCompileError | undefined;
    try {
      compileRules([
        { id: 'fine', rule: 'true' },
        {
          id: 'hostile',
          rule: 'facts.probe.items.all(a, facts.probe.items.exists(b, b.name == a.name))',
        },
      ]);
    } catch (e) {
      error = e as RuleCompileError;
    }
    expect(error?.problems).toEqual([
      {
        ruleId: 'hostile',
        field: 'rule',
        message: expect.stringMatching(/^may cost up to [\d,]+ steps/),
        // the outer comprehension: the smallest part over budget
        offset: 0,
        line: 1,
        column: 1,
      },
    ]);
  });

  it('evaluates one comprehension over it', () => {
    const rule = compileRule({
      id: 'r',
      rule: "facts.probe.items.exists(i, i.name == 'item-2999')",
    });
    expect(evaluateRule(rule, probe)).toEqual({ outcome: 'pass' });
  });

  it('refuses a longer list for the rules that read facts, and only those', () => {
    const longer = createRuleContext({
      entity: { metadata: { name: 'probe' } },
      facts: { probe: { items: [...pushed, ...pushed] } },
    });
    expect(
      evaluateRule(compileRule({ id: 'r', rule: 'has(facts.probe)' }), longer),
    ).toEqual({
      outcome: 'error',
      message:
        'invalid context: facts.probe.items has 6000 items, more than the limit of 4096',
    });
    expect(
      evaluateRule(
        compileRule({ id: 'r', rule: "entity.metadata.name == 'probe'" }),
        longer,
      ),
    ).toEqual({ outcome: 'pass' });
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

  const outcome = (
    rule: string,
    input: Parameters<typeof createRuleContext>[0],
  ) => evaluateRule(compileRule({ id: 'r', rule }), createRuleContext(input));

  it('refuses a variable larger than the limits for the rules that read it', () => {
    const huge = {
      metadata: { name: 'x' },
      spec: { text: 'x'.repeat(300_000) },
    };
    expect(outcome('entity.metadata.name == "x"', { entity: huge })).toEqual({
      outcome: 'error',
      message:
        'invalid context: entity is larger than the limit of 262144 (maxEntitySize: one per JSON value and per character)',
    });
    expect(outcome('domain == null', { entity: {}, owner: huge })).toEqual({
      outcome: 'pass',
    });
    expect(outcome('owner != null', { entity: {}, owner: huge }).message).toBe(
      'invalid context: owner is larger than the limit of 262144 (maxEntitySize: one per JSON value and per character)',
    );
    const upstream = Array.from({ length: 10 }, () => ({
      spec: { text: 'x'.repeat(200_000) },
    }));
    expect(
      outcome('size(upstream) > 0', { entity: {}, upstream }).message,
    ).toBe(
      'invalid context: upstream is larger than the limit of 1048576 (maxUpstreamSize: one per JSON value and per character)',
    );
    expect(
      outcome('has(facts.big)', {
        entity: {},
        facts: { big: { text: 'x'.repeat(300_000) } },
      }).message,
    ).toBe(
      'invalid context: facts.big is larger than the limit of 262144 (maxFactsSize: one per JSON value and per character)',
    );
  });

  it('names the variable of an entity too large in each context, in a pass where a product is also the upstream product of others', () => {
    const product = {
      metadata: { name: 'p' },
      spec: { list: Array.from({ length: 5000 }, (_, i) => i) },
    };
    const rule = 'entity.metadata.name != "" && size(upstream) >= 0';
    for (let round = 0; round < 2; round++) {
      expect(outcome(rule, { entity: product }).message).toBe(
        'invalid context: entity.spec.list has 5000 items, more than the limit of 4096',
      );
      expect(
        outcome(rule, { entity: {}, upstream: [{}, product] }).message,
      ).toBe(
        'invalid context: upstream[1].spec.list has 5000 items, more than the limit of 4096',
      );
    }
  });

  it('holds entities to the lengths the catalog allows for their names', () => {
    expect(
      outcome('true && entity.metadata.name != ""', {
        entity: { metadata: { name: 'n'.repeat(64) } },
      }).message,
    ).toBe(
      'invalid context: entity.metadata.name is 64 characters long, more than the limit of 63',
    );
    expect(
      outcome('upstream.size() == 1', {
        entity: {},
        upstream: [{ kind: { long: 'x'.repeat(100) } }],
      }).message,
    ).toBe(
      'invalid context: upstream[0].kind is larger than a string of 63 characters',
    );
  });

  it('refuses values that are not JSON, whose fields are not data', () => {
    expect(
      outcome('has(facts.ci)', {
        entity: {},
        facts: { ci: { at: new Date() as any } },
      }).message,
    ).toBe('invalid context: facts.ci.at is not JSON');
    expect(
      outcome('entity.spec.n == 1.0', {
        entity: { spec: { n: 1, m: new Map() as any } },
      }).message,
    ).toBe('invalid context: entity.spec.m is not JSON');
  });

  it('evaluates a rule only on contexts within the limits its cost was estimated for', () => {
    const rule = compileRule({ id: 'r', rule: 'true' });
    const larger = createRuleContext({ entity: {} }, { maxItems: 10_000 });
    expect(evaluateRule(rule, larger)).toEqual({
      outcome: 'error',
      message:
        'invalid context: its limits are larger than those the rule was compiled for',
    });
    const smaller = createRuleContext({ entity: {} }, { maxItems: 10 });
    expect(evaluateRule(rule, smaller)).toEqual({ outcome: 'pass' });
  });
});
