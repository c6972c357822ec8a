import {
  compileRule,
  createRuleContext,
  evaluateRule,
  RuleCompileError,
  RuleContext,
} from '.';
import { Duration } from '@marcbachmann/cel-js/evaluator';

/**
 * A rule sees its context and nothing else: no prototypes, no globals, no functions outside
 * the CEL environment, no I/O. Every attempt to reach further is refused when the rule is
 * compiled or ends in an evaluation error; never a value from outside the context. There is
 * one evaluation path, cel-js's.
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

/**
 * What becomes of an expression of any type: `compile error` (with the rule, field and
 * position), `evaluation error` (with its message), or the value it reached. The expression
 * is evaluated inside a list literal, so a rule of type bool can hold it.
 */
function verdict(expression: string, ctx: RuleContext = context): string {
  let rule;
  try {
    rule = compileRule({ id: 'test', rule: `[${expression}].size() == 1` });
  } catch (e) {
    expect(e).toBeInstanceOf(RuleCompileError);
    return /^Rule test: rule: .+ at line 1, column \d+$/.test(
      (e as Error).message,
    )
      ? 'compile error'
      : (e as Error).message;
  }
  const result = evaluateRule(rule, ctx);
  return result.outcome === 'error'
    ? 'evaluation error'
    : `a value (${result.outcome})`;
}

function compileErrorOf(expression: string): string {
  try {
    compileRule({ id: 'test', rule: `[${expression}].size() == 1` });
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error(`${expression} compiled`);
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
      expect(verdict(expression)).toMatch(/^(compile|evaluation) error$/);
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
    });

    it('reads an own __proto__ key of JSON data as data, never the prototype', () => {
      const own = createRuleContext({
        entity: JSON.parse(
          '{"metadata":{"name":"x"},"spec":{"__proto__":{"polluted":true}}}',
        ),
        now: '2026-01-15T12:00:00Z',
      });
      // The own key is plain data; nothing reaches the prototype.
      expect(verdict('entity.spec.polluted', own)).toBe('evaluation error');
      expect(verdict('entity.metadata.constructor', own)).toBe(
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
      expect(verdict("{'__proto__': {'polluted': true}}.polluted")).toBe(
        'evaluation error',
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
      expect(verdict(expression)).toBe('compile error');
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
      expect(verdict(expression)).toMatch(/^(compile|evaluation) error$/);
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
      expect(compileErrorOf(expression)).toContain(
        '__proto__ is not a field a rule may read',
      );
    });

    // cel-js reads the fields of a timestamp or duration from the object, prototype included
    // (`duration('1s').seconds` is its class's getter): a rule may not read any.
    it.each([
      'now[entity.metadata.name]',
      "now['__proto__']",
      'now.seconds',
      'observedAt.ci[entity.metadata.name]',
      "duration('1s')[entity.metadata.name]",
      "duration('90s').seconds",
      "isoDuration('PT1H').nanos",
      "{'a': now}.a[entity.metadata.name]",
      '[now][0][entity.metadata.name]',
      "(now - duration('1h'))['constructor']",
      "cel.bind(t, now, t['__proto__'])",
      "[now].exists(t, t['constructor'] == t)",
      "[now].map(t, t)[0]['__proto__']",
      "(true ? now : now)['__proto__']",
      "type(now)['__proto__']",
      "cel['__proto__']",
    ])('%s does not compile', expression => {
      expect(compileErrorOf(expression)).toMatch(
        / cannot be read from a timestamp, duration or type: they have no fields at line 1, column \d+$/,
      );
    });

    it('reads computed keys of data, never of their prototype', () => {
      const keyed = createRuleContext({
        entity: { metadata: { name: '__proto__', other: 'constructor' } },
        now: '2026-01-15T12:00:00Z',
      });
      expect(verdict('entity[entity.metadata.name]', keyed)).toBe(
        'evaluation error',
      );
      expect(verdict('entity.metadata[entity.metadata.other]', keyed)).toBe(
        'evaluation error',
      );
    });
  });

  describe('__proto__ and constructor lookups never reach inherited properties (issue 15)', () => {
    // Every name a JSON object, a list, a string, a timestamp or a duration inherits.
    const inherited = [
      ...new Set(
        [
          Object.prototype,
          Array.prototype,
          String.prototype,
          Date.prototype,
          Duration.prototype,
        ].flatMap(p => Object.getOwnPropertyNames(p)),
      ),
    ];
    const withKey = (key: string) =>
      createRuleContext({
        entity: { metadata: { name: 'x', key, tags: ['a'] } },
        facts: { ci: { failed: 0 } },
        upstream: [{ metadata: { name: 'u' } }],
        observedAt: { ci: '2026-01-15T11:00:00Z' },
        now: '2026-01-15T12:00:00Z',
      });

    it.each([
      'entity',
      'entity.metadata',
      'entity.metadata.tags',
      'facts',
      'facts.ci',
      'upstream',
      'upstream[0]',
      'observedAt',
      "{'a': 1}",
      '[1]',
      "dyn('text')",
    ])('of %s: every inherited name is a missing key', value => {
      expect(inherited).toEqual(
        expect.arrayContaining(['__proto__', 'constructor', 'getTime']),
      );
      const read = compileRule({
        id: 'r',
        rule: `[${value}[entity.metadata.key]].size() == 1`,
      });
      const present = compileRule({
        id: 'r',
        rule: `entity.metadata.key in ${value}`,
      });
      for (const key of inherited) {
        expect([key, evaluateRule(read, withKey(key))]).toEqual([
          key,
          {
            outcome: 'error',
            message: expect.stringMatching(
              /^(no such key: |cannot index type 'string')/,
            ),
          },
        ]);
        expect([key, evaluateRule(present, withKey(key)).outcome]).toEqual([
          key,
          expect.stringMatching(/^(fail|error)$/),
        ]);
      }
    });

    it.each(['now', 'observedAt.ci', "duration('1s')", "isoDuration('P1D')"])(
      'of %s: no key may be read',
      value => {
        expect(compileErrorOf(`${value}[entity.metadata.key]`)).toContain(
          'cannot be read from a timestamp, duration or type',
        );
      },
    );
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
      "regex('a')",
    ])('%s', expression => {
      expect(verdict(expression)).toBe('compile error');
    });
  });

  describe('huge strings, lists and rules stay within the limits', () => {
    it('refuses a rule longer than maxRuleLength', () => {
      expect(verdict(`'${'x'.repeat(5000)}' != ''`)).toBe(
        'Rule test: rule: is 5022 characters long, more than the limit of 4000',
      );
    });

    it('refuses a list literal with more than maxListElements elements', () => {
      const list = `[${Array.from({ length: 101 }, () => '1').join(',')}]`;
      expect(compileErrorOf(`size(${list}) > 0`)).toContain('maxListElements');
    });

    it('refuses a map literal with more than maxMapEntries entries', () => {
      const map = `{${Array.from({ length: 101 }, (_, i) => `'k${i}': 1`).join(
        ',',
      )}}`;
      expect(compileErrorOf(`size(${map}) > 0`)).toContain('maxMapEntries');
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
    ])('refuses %s at load: it would exceed its budget', expression => {
      expect(() => compileRule({ id: 'r', rule: expression })).toThrow(
        /^Rule r: rule: may cost up to [\d,]+ steps on a context within its limits/,
      );
    });
  });
});
