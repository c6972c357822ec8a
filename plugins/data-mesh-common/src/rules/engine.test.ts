import {
  compileRule,
  compileRules,
  createRuleContext,
  evaluateRule,
  RuleCompileError,
  RuleContextInput,
} from '.';

const NOW = '2026-01-15T12:00:00Z';

const product: RuleContextInput = {
  entity: {
    apiVersion: 'datamesh-portal.io/v1alpha1',
    kind: 'DataProduct',
    metadata: { name: 'orders', description: 'Orders per customer' },
    spec: {
      owner: 'group:sales',
      domain: 'sales',
      status: 'active',
      purpose: 'All orders of every customer, for analytics.',
      slos: { freshness: 'PT24H', availability: 99.9 },
      outputPorts: [{ name: 'orders', type: 'table', contract: 'c' }],
    },
  },
  facts: { ci: { testsFailed: 0, testsPassed: 12 } },
  observedAt: { ci: '2026-01-15T11:00:00Z' },
  now: NOW,
};

function outcome(rule: string, input: RuleContextInput = product) {
  return evaluateRule(compileRule({ id: 'r', rule }), input);
}

function compileError(definitions: Parameters<typeof compileRules>[0]) {
  try {
    compileRules(definitions);
  } catch (e) {
    expect(e).toBeInstanceOf(RuleCompileError);
    return e as RuleCompileError;
  }
  throw new Error('expected a RuleCompileError');
}

describe('compiling rules', () => {
  it('refuses a syntax error with the rule id, field and position', () => {
    const error = compileError([
      { id: 'has-purpose', rule: 'has(entity.spec.purpose) && ' },
    ]);
    expect(error.message).toBe(
      'Rule has-purpose: rule: Unexpected token: EOF at line 1, column 29',
    );
    expect(error.problems).toEqual([
      {
        ruleId: 'has-purpose',
        field: 'rule',
        message: 'Unexpected token: EOF',
        offset: 28,
        line: 1,
        column: 29,
      },
    ]);
  });

  it('gives lines and columns in multi-line rules', () => {
    const error = compileError([
      {
        id: 'multi',
        rule: 'has(entity.spec.purpose) &&\n  size(entity.spec.purpose) >=',
      },
    ]);
    expect(error.message).toMatch(
      /^Rule multi: rule: .* at line 2, column \d+$/,
    );
  });

  it('refuses an unknown variable at its position', () => {
    const error = compileError([{ id: 'x', rule: 'entity.spec.a == entiti' }]);
    expect(error.message).toBe(
      'Rule x: rule: Unknown variable: entiti at line 1, column 18',
    );
  });

  it('refuses a rule whose type is known not to be bool', () => {
    expect(compileError([{ id: 'a', rule: 'size(entity.spec)' }]).message).toBe(
      'Rule a: rule: must be a bool expression, not int at line 1, column 1',
    );
    expect(
      compileError([{ id: 'b', rule: "'yes'", appliesTo: 'true' }]).message,
    ).toBe(
      'Rule b: rule: must be a bool expression, not string at line 1, column 1',
    );
  });

  it('refuses a type error such as comparing a string with an int', () => {
    expect(compileError([{ id: 't', rule: "'a' < 1" }]).message).toMatch(
      /^Rule t: rule: no such overload: string < int at line 1, column 1$/,
    );
  });

  it('names the appliesTo field', () => {
    expect(
      compileError([{ id: 'p', appliesTo: 'has(facts.ci', rule: 'true' }])
        .message,
    ).toBe('Rule p: appliesTo: Expected RPAREN, got EOF at line 1, column 13');
  });

  it('reports the problems of every rule at once', () => {
    const error = compileError([
      { id: 'ok', rule: 'true' },
      { id: 'one', rule: 'entity.spec.x ==' },
      { id: 'two', rule: 'nope', appliesTo: '1 +' },
      { id: 'ok', rule: 'false' },
      { id: 'three', rule: '' },
    ]);
    expect(error.problems.map(p => `${p.ruleId}/${p.field}`)).toEqual([
      'one/rule',
      'two/rule',
      'two/appliesTo',
      'ok/id',
      'three/rule',
    ]);
    expect(error.message.split('\n')).toHaveLength(5);
  });

  it('accepts dyn rules, with their worst-case cost', () => {
    const rule = compileRule({ id: 'd', rule: 'entity.spec.personalData' });
    expect(rule).toMatchObject({
      id: 'd',
      rule: 'entity.spec.personalData',
      cost: 3,
    });
  });
});

describe('evaluating rules', () => {
  it('passes and fails', () => {
    expect(outcome('entity.spec.status == "active"')).toEqual({
      outcome: 'pass',
    });
    expect(outcome('entity.spec.status == "retired"')).toEqual({
      outcome: 'fail',
    });
  });

  it('skips a rule whose appliesTo is false', () => {
    const rule = compileRule({
      id: 'r',
      appliesTo: 'has(facts.contract_tests)',
      rule: 'facts.contract_tests.failed == 0',
    });
    expect(evaluateRule(rule, product)).toEqual({ outcome: 'skipped' });
    expect(
      evaluateRule(rule, {
        ...product,
        facts: { contract_tests: { failed: 0 } },
      }),
    ).toEqual({ outcome: 'pass' });
  });

  it('turns a missing field into an error of that rule only', () => {
    const [missing, fine] = compileRules([
      { id: 'missing', rule: 'size(entity.spec.usage) > 0' },
      { id: 'fine', rule: 'size(entity.spec.purpose) > 0' },
    ]);
    const context = createRuleContext(product);
    expect(evaluateRule(missing, context)).toEqual({
      outcome: 'error',
      message: 'no such key: usage',
    });
    expect(evaluateRule(fine, context)).toEqual({ outcome: 'pass' });
  });

  it('reports a missing fact source, and errors of appliesTo', () => {
    expect(outcome('facts.dbt.failed == 0')).toEqual({
      outcome: 'error',
      message: 'no such key: dbt',
    });
    const rule = compileRule({
      id: 'r',
      appliesTo: 'entity.spec.personalData',
      rule: 'true',
    });
    expect(evaluateRule(rule, product)).toEqual({
      outcome: 'error',
      message: 'appliesTo: no such key: personalData',
    });
  });

  it('turns a non-bool result into an error', () => {
    expect(outcome('entity.spec.purpose')).toEqual({
      outcome: 'error',
      message: 'expected a bool, got string',
    });
    expect(
      evaluateRule(
        compileRule({ id: 'r', appliesTo: 'entity.spec.slos', rule: 'true' }),
        product,
      ),
    ).toEqual({
      outcome: 'error',
      message: 'appliesTo: expected a bool, got map',
    });
  });

  it('reads JSON numbers as doubles that compare with ints and doubles', () => {
    expect(outcome('size(entity.spec.purpose) >= 20').outcome).toBe('pass');
    expect(outcome('entity.spec.slos.availability >= 99.5').outcome).toBe(
      'pass',
    );
    expect(outcome('entity.spec.slos.availability >= 99').outcome).toBe('pass');
    expect(outcome('entity.spec.slos.availability < 99').outcome).toBe('fail');
    expect(outcome('facts.ci.testsFailed == 0').outcome).toBe('pass');
    expect(outcome('facts.ci.testsFailed != 0').outcome).toBe('fail');
    expect(outcome('facts.ci.testsPassed > 10').outcome).toBe('pass');
    expect(
      outcome('facts.ci.testsPassed + facts.ci.testsFailed == 12.0').outcome,
    ).toBe('pass');
    expect(outcome('int(facts.ci.testsPassed) % 5 == 2').outcome).toBe('pass');
    expect(outcome('facts.ci.testsPassed + 1 > 0')).toEqual({
      outcome: 'error',
      message: 'no such overload: dyn<double> + int',
    });
  });

  it('has timestamps and durations', () => {
    expect(outcome("now - observedAt.ci < duration('24h')").outcome).toBe(
      'pass',
    );
    expect(outcome("now - observedAt.ci < duration('30m')").outcome).toBe(
      'fail',
    );
    expect(
      outcome('now - observedAt.ci <= isoDuration(entity.spec.slos.freshness)')
        .outcome,
    ).toBe('pass');
    expect(
      outcome(
        "timestamp('2026-01-01T00:00:00Z') < now && now.getFullYear() == 2026",
      ).outcome,
    ).toBe('pass');
    expect(outcome("now - observedAt.dbt < duration('1h')")).toEqual({
      outcome: 'error',
      message: 'no such key: dbt',
    });
    expect(outcome("isoDuration('24 hours') > duration('1h')")).toEqual({
      outcome: 'error',
      message:
        'isoDuration() requires an ISO-8601 duration such as PT24H, got "24 hours"',
    });
  });

  it('accepts observedAt and now as dates, strings or epoch milliseconds', () => {
    const base = Date.parse(NOW);
    for (const [observed, now] of [
      [new Date(base - 1000), new Date(base)],
      [base - 1000, base],
      ['2026-01-15T11:59:59.000Z', NOW],
      ['2026-01-15T13:59:59+02:00', NOW],
    ] as const) {
      const context = createRuleContext({
        ...product,
        observedAt: { ci: observed },
        now,
      });
      expect(
        evaluateRule(
          compileRule({
            id: 'r',
            rule: "now - observedAt.ci == duration('1s')",
          }),
          context,
        ),
      ).toEqual({ outcome: 'pass' });
    }
    expect(
      outcome("now - observedAt.ci < duration('1h')", {
        ...product,
        observedAt: { ci: 'last tuesday' },
      }),
    ).toEqual({
      outcome: 'error',
      message: 'observedAt.ci is not a valid timestamp',
    });
  });

  it('has() tells present fields from missing ones', () => {
    expect(outcome('has(entity.spec.purpose)').outcome).toBe('pass');
    expect(outcome('has(entity.spec.usage)').outcome).toBe('fail');
    expect(outcome('has(entity.spec.deprecation.sunset)')).toEqual({
      outcome: 'error',
      message: 'no such key: deprecation',
    });
    expect(
      outcome(
        'has(entity.spec.deprecation) && has(entity.spec.deprecation.sunset)',
      ).outcome,
    ).toBe('fail');
  });

  it('evaluates the resolved domain, owner and upstream products', () => {
    expect(outcome('domain != null || owner != null').outcome).toBe('fail');
    const related = {
      ...product,
      domain: { kind: 'Domain', metadata: { name: 'sales' } },
      owner: { kind: 'Group', metadata: { name: 'sales' } },
      upstream: [
        {
          kind: 'DataProduct',
          metadata: { name: 'a' },
          spec: { status: 'active' },
        },
      ],
    };
    expect(outcome('domain != null && owner != null', related).outcome).toBe(
      'pass',
    );
    expect(
      outcome("upstream.all(u, u.spec.status == 'active')", related).outcome,
    ).toBe('pass');
    expect(
      outcome("upstream.exists(u, u.metadata.name == 'b')", related).outcome,
    ).toBe('fail');
  });

  it('reports an invalid context as an error of every rule', () => {
    expect(outcome('true', { ...product, upstream: 'x' as any })).toEqual({
      outcome: 'error',
      message: 'invalid context: upstream must be a list',
    });
    expect(() => createRuleContext({ entity: [] as any })).toThrow(
      'entity must be an object',
    );
  });

  it('refuses a rule that is not compiled by the engine', () => {
    expect(() =>
      evaluateRule(
        { id: 'x', rule: 'true', cost: 1 },
        createRuleContext(product),
      ),
    ).toThrow(TypeError);
  });
});
