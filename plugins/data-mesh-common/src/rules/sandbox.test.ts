import {
  compileRule,
  createRuleContext,
  evaluateRule,
  RuleCompileError,
  RuleContext,
} from '.';
import {
  compileExpressionForTest,
  evaluateRuleExpressionForTest,
} from './engine';

/**
 * A rule sees its context and nothing else: no prototypes, no globals, no functions outside
 * the CEL environment, no I/O. Every attempt to reach further is refused when the rule is
 * compiled or ends in an evaluation error; never a value from outside the context. Both
 * evaluation paths are checked: the compiled closures and the cel-js interpreter.
 */

const context = createRuleContext({
  entity: {
    apiVersion: 'datamesh-portal.io/v1alpha1',
    kind: 'DataProduct',
    metadata: { name: 'orders', tags: ['sales'] },
    spec: { owner: 'group:sales', n: 1, text: 'abc' },
  },
  domain: { kind: 'Domain', metadata: { name: 'sales' } },
  facts: { ci: { failed: 0 } },
  observedAt: { ci: '2026-01-15T11:00:00Z' },
  upstream: [{ metadata: { name: 'events' } }],
  now: '2026-01-15T12:00:00Z',
});

type Verdict =
  | { compiled: false; message: string }
  | { compiled: true; closures?: string; interpreter: string };

/** What becomes of an expression: its compile error, or the error of each evaluation path. */
function verdict(expression: string, ctx: RuleContext = context): Verdict {
  let rule;
  try {
    rule = compileExpressionForTest(expression);
  } catch (e) {
    expect(e).toBeInstanceOf(RuleCompileError);
    return { compiled: false, message: (e as Error).message };
  }
  const closures = evaluateRuleExpressionForTest(rule, ctx);
  const interpreter = evaluateRuleExpressionForTest(rule, ctx, {
    interpreter: true,
  });
  const describe = (r: { value?: unknown; error?: string }) =>
    r.error !== undefined
      ? `error: ${r.error}`
      : `value: ${String(r.value)} (${typeof r.value})`;
  return {
    compiled: true,
    ...(closures.native ? { closures: describe(closures) } : {}),
    interpreter: describe(interpreter),
  };
}

/**
 * How an expression is refused: `compile error` (with the rule, field and position), or
 * `evaluation error` when both paths (or the interpreter the closures defer to) end in one;
 * anything else describes the value it reached.
 */
function refusal(expression: string, ctx?: RuleContext): string {
  const v = verdict(expression, ctx);
  if (!v.compiled) {
    return /^Rule test: rule: .+ at line 1, column \d+$/.test(v.message)
      ? 'compile error'
      : v.message;
  }
  const outcomes = [v.closures, v.interpreter].filter(o => o !== undefined);
  return outcomes.every(o => o!.startsWith('error: '))
    ? 'evaluation error'
    : JSON.stringify(v);
}

describe('rules cannot reach outside their context', () => {
  describe('prototypes and constructors of maps are refused', () => {
    it.each([
      'entity.constructor',
      'entity.__proto__',
      'entity.prototype',
      'entity.toString',
      'entity.valueOf',
      'entity.hasOwnProperty',
      'entity.spec.__proto__',
      'entity.spec.constructor',
      'entity.metadata.__proto__',
      'entity.__proto__.constructor',
      'entity.__proto__.hasOwnProperty',
      "entity['__proto__']",
      "entity['constructor']",
      "entity.spec['__proto__']",
      'dyn(entity).constructor',
      'domain.__proto__',
      'domain.constructor',
      'upstream[0].__proto__',
      'upstream[0].constructor',
      'facts.__proto__',
      'facts.constructor',
      'facts.ci.__proto__',
      'facts.ci.constructor',
      "facts['__proto__']",
      'observedAt.__proto__',
      "observedAt['constructor']",
      "{'a': 1}.__proto__",
      "{'a': 1}.constructor",
      "{'a': 1}['__proto__']",
      'size(entity.__proto__)',
      'size(facts.ci.__proto__) == 0',
    ])('%s', expression => {
      expect(refusal(expression)).toMatch(/^(compile|evaluation) error$/);
    });

    it.each([
      'has(entity.constructor)',
      'has(entity.toString)',
      'has(entity.metadata.constructor)',
      'has(facts.ci.constructor)',
      'has(domain.valueOf)',
      "'__proto__' in entity",
      "'constructor' in entity",
      "'toString' in entity.spec",
      "'__proto__' in facts",
      "'valueOf' in observedAt",
      "'constructor' in {'a': 1}",
    ])('%s is false: nothing inherited is present', expression => {
      const rule = compileRule({ id: 'r', rule: expression });
      expect(evaluateRule(rule, context)).toEqual({ outcome: 'fail' });
      expect(verdict(expression)).toEqual({
        compiled: true,
        closures: 'value: false (boolean)',
        interpreter: 'value: false (boolean)',
      });
    });

    it('reads an own __proto__ key of JSON data as data, never the prototype', () => {
      const own = createRuleContext({
        entity: JSON.parse(
          '{"metadata":{"name":"x"},"spec":{"__proto__":{"polluted":true}}}',
        ),
        now: '2026-01-15T12:00:00Z',
      });
      // The own key is plain data; nothing reaches the prototype.
      expect(refusal('entity.spec.polluted', own)).toBe('evaluation error');
      expect(refusal('entity.metadata.constructor', own)).toBe(
        'evaluation error',
      );
      expect(
        evaluateRule(
          compileRule({ id: 'r', rule: "entity.spec['__proto__'].polluted" }),
          own,
        ),
      ).toEqual({ outcome: 'pass' });
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('cannot pollute a prototype from a map literal', () => {
      const v = verdict("{'__proto__': {'polluted': true}}.polluted");
      expect(v).toEqual(
        expect.objectContaining({
          compiled: true,
          interpreter: expect.stringMatching(/^error: /),
        }),
      );
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.prototype).not.toHaveProperty('polluted');
    });
  });

  describe('lists, strings, numbers and timestamps have no properties', () => {
    it.each([
      "'abc'.constructor",
      "'abc'.length",
      "'abc'.__proto__",
      'upstream.length',
      'upstream.__proto__',
      'upstream.constructor',
      '[1, 2].map(x, x).constructor',
    ])('%s does not compile', expression => {
      expect(verdict(expression)).toEqual({
        compiled: false,
        message: expect.stringMatching(/^Rule test: rule: .+ at line 1/),
      });
    });

    it.each([
      'entity.metadata.tags.constructor',
      'entity.metadata.tags.length',
      'entity.metadata.tags.__proto__',
      'entity.metadata.tags[0].constructor',
      'entity.metadata.name.__proto__',
      'entity.metadata.name.length',
      'entity.spec.text.constructor',
      'entity.spec.n.constructor',
      'now.constructor',
      "duration('1s').constructor",
      "timestamp('2026-01-01T00:00:00Z').constructor",
      'observedAt.ci.constructor',
    ])('%s is refused', expression => {
      expect(refusal(expression)).toMatch(/^(compile|evaluation) error$/);
    });
  });

  describe('the prototypes of timestamps and durations are out of reach', () => {
    it.each([
      'now.__proto__',
      'has(now.__proto__)',
      'observedAt.ci.__proto__',
      "duration('1s').__proto__",
      'entity.__proto__',
      'has(entity.__proto__)',
      'has(facts.__proto__)',
      'facts.ci.__proto__',
      "{'a': 1}.__proto__",
    ])('%s does not compile', expression => {
      expect(verdict(expression)).toEqual({
        compiled: false,
        message: expect.stringContaining(
          '__proto__ is not a field a rule may read',
        ),
      });
    });

    // A key computed at run time: the closures refuse it. (The cel-js interpreter alone would
    // answer the class's prototype, an object no operator accepts.)
    const keyed = createRuleContext({
      entity: { metadata: { name: '__proto__', other: 'constructor' } },
      observedAt: { ci: '2026-01-15T11:00:00Z' },
      now: '2026-01-15T12:00:00Z',
    });
    it.each([
      'now[entity.metadata.name]',
      "now['__proto__']",
      'observedAt.ci[entity.metadata.name]',
      "duration('1s')[entity.metadata.name]",
      "{'a': now}.a[entity.metadata.name]",
      '[now][0][entity.metadata.name]',
      'now[entity.metadata.other]',
      'entity[entity.metadata.name]',
    ])('%s ends in an error', expression => {
      const rule = compileExpressionForTest(expression);
      expect(rule.compiledToClosures).toBe(true);
      expect(evaluateRuleExpressionForTest(rule, keyed)).toEqual({
        error: expect.stringMatching(/^no such key: /),
        native: true,
      });
      const asRule = compileRule({
        id: 'r',
        rule: `type(${expression}) == google.protobuf.Timestamp`,
      });
      expect(evaluateRule(asRule, keyed)).toEqual({
        outcome: 'error',
        message: expect.stringMatching(/^no such key: /),
      });
    });
  });

  describe('names and functions outside the environment do not compile', () => {
    it.each([
      'this',
      'this.entity',
      'globalThis',
      'process',
      "process.env['HOME']",
      'process.exit(1)',
      "require('fs')",
      "require('child_process').execSync('id')",
      "import('fs')",
      "eval('1')",
      "Function('return process')()",
      'constructor',
      '__proto__',
      'Object.keys(entity)',
      'JSON.stringify(entity)',
      "fetch('http://example.com')",
      'setTimeout(entity, 1)',
      'entity.toString()',
      'entity.hasOwnProperty("spec")',
      'entity.constructor("x")',
      "'abc'.toUpperCase()",
      "'abc'.constructor.constructor('return process')()",
      'entity.metadata.tags.push(1)',
      'entity.spec.n.toFixed(2)',
      'now.getTime()',
      'size.constructor',
      "dyn(entity)['constructor']('x')",
    ])('%s', expression => {
      expect(verdict(expression)).toEqual({
        compiled: false,
        message: expect.stringMatching(/^Rule test: rule: .+/),
      });
    });
  });

  describe('huge strings, lists and rules stay within the limits', () => {
    const big = createRuleContext({
      entity: {
        metadata: { name: 'big' },
        spec: {
          items: Array.from({ length: 1000 }, (_, i) => i),
          text: 'x'.repeat(100_000),
        },
      },
      now: '2026-01-15T12:00:00Z',
    });

    it('refuses a rule longer than maxRuleLength', () => {
      expect(verdict(`'${'x'.repeat(5000)}' != ''`)).toEqual({
        compiled: false,
        message: expect.stringContaining('more than the limit of 4000'),
      });
    });

    it('refuses a list literal with more than maxListElements elements', () => {
      const list = `[${Array.from({ length: 101 }, () => '1').join(',')}]`;
      expect(verdict(`size(${list}) > 0`)).toEqual({
        compiled: false,
        message: expect.stringContaining('maxListElements'),
      });
    });

    it('refuses a map literal with more than maxMapEntries entries', () => {
      const map = `{${Array.from({ length: 101 }, (_, i) => `'k${i}': 1`).join(
        ',',
      )}}`;
      expect(verdict(`size(${map}) > 0`)).toEqual({
        compiled: false,
        message: expect.stringContaining('maxMapEntries'),
      });
    });

    it.each([
      // 1000 strings of 200,000 characters each
      'size(entity.spec.items.map(i, entity.spec.text + entity.spec.text)) > 0',
      // a list of a million elements
      'size(entity.spec.items.map(i, entity.spec.items.map(j, j))) > 0',
      // a string grown in a comprehension
      'entity.spec.items.all(i, size(entity.spec.text + string(i)) > 0)',
      // a million membership tests
      'entity.spec.items.all(i, i in entity.spec.items)',
    ])('stops %s at its evaluation budget', expression => {
      const rule = compileRule({ id: 'r', rule: expression });
      const start = performance.now();
      const result = evaluateRule(rule, big);
      expect(result).toEqual({
        outcome: 'error',
        message: expect.stringMatching(/budget/),
      });
      expect(performance.now() - start).toBeLessThan(2000);
    });
  });
});
