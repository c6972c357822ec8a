import fc from 'fast-check';
import {
  compileRules,
  CompiledRule,
  createRuleContext,
  evaluateRule,
  RuleCompileError,
  RuleContextError,
} from '.';

/** Pieces of CEL over the real context: paths, literals, calls and operators. */
const PATHS = [
  'entity.spec.purpose',
  'entity.spec.status',
  'entity.spec.classification',
  'entity.spec.personalData',
  'entity.spec.outputPorts',
  'entity.spec.inputPorts',
  'entity.spec.slos.availability',
  'entity.spec.slos.freshness',
  'entity.metadata.name',
  'entity.metadata.tags',
  'domain.spec.owner',
  'owner.metadata.name',
  'facts.ci.testsFailed',
  'facts.dbt.passed',
  'observedAt.ci',
  'upstream',
  'now',
];
const LITERALS = [
  '0',
  '1',
  '-1',
  '20',
  '99.9',
  '1u',
  '"active"',
  "'restricted'",
  'true',
  'false',
  'null',
  '[]',
  "['confidential', 'restricted']",
  '{}',
  "{'a': 1}",
  "duration('24h')",
  "timestamp('2026-01-01T00:00:00Z')",
  "isoDuration('PT24H')",
  '9223372036854775807',
  '1e308',
];
const BINARY = [
  '&&',
  '||',
  '==',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  '+',
  '-',
  '*',
  '/',
  '%',
  'in',
];

const atom = fc.constantFrom(...PATHS, ...LITERALS);

const expression: fc.Arbitrary<string> = fc.letrec<{ expr: string }>(tie => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    atom,
    fc
      .tuple(tie('expr'), fc.constantFrom(...BINARY), tie('expr'))
      .map(([a, op, b]) => `${a} ${op} ${b}`),
    tie('expr').map(e => `!(${e})`),
    tie('expr').map(e => `(${e})`),
    fc.constantFrom(...PATHS).map(p => `has(${p})`),
    tie('expr').map(e => `size(${e})`),
    fc
      .tuple(tie('expr'), tie('expr'), tie('expr'))
      .map(([c, a, b]) => `${c} ? ${a} : ${b}`),
    fc
      .tuple(
        fc.constantFrom('entity.spec.outputPorts', 'upstream', '[1, 2, 3]'),
        fc.constantFrom('all', 'exists', 'exists_one', 'map', 'filter'),
        tie('expr'),
      )
      .map(
        ([list, macro, body]) =>
          `${list}.${macro}(p, ${body.replace(
            /entity\.spec\.status/g,
            'p.name',
          )})`,
      ),
    fc
      .tuple(
        fc.constantFrom(...PATHS),
        fc.constantFrom('startsWith', 'endsWith', 'contains', 'matches'),
        fc.constantFrom("'a'", "'^[a-z]+$'", "'(a+)+$'", "'['", '1'),
      )
      .map(([p, fn, arg]) => `${p}.${fn}(${arg})`),
    fc
      .tuple(
        fc.constantFrom(
          'int',
          'uint',
          'double',
          'string',
          'timestamp',
          'duration',
          'dyn',
          'type',
        ),
        tie('expr'),
      )
      .map(([fn, e]) => `${fn}(${e})`),
    tie('expr').map(e => `cel.bind(x, ${e}, x)`),
  ),
})).expr;

/** Rule text as people mistype it: truncated, with a stray character, or plain noise. */
const ruleText = fc.oneof(
  { weight: 4, arbitrary: expression },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        expression,
        fc.nat(),
        fc.constantFrom(
          '(',
          ')',
          '.',
          "'",
          '"',
          '&',
          '?',
          '[',
          ' ',
          '\n',
          '\\',
        ),
      )
      .map(([e, at, c]) => {
        const i = at % (e.length + 1);
        return `${e.slice(0, i)}${c}${e.slice(i)}`;
      }),
  },
  {
    weight: 1,
    arbitrary: expression.map(e => e.slice(0, Math.ceil(e.length / 2))),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      'a'.repeat(5000),
      `${'('.repeat(40)}1${')'.repeat(40)}`,
    ),
  },
);

/** Compiles one rule, or returns the error it was refused with. */
function compileOutcome(rule: string, appliesTo?: string) {
  try {
    const [compiled] = compileRules([
      { id: 'generated', rule, ...(appliesTo !== undefined && { appliesTo }) },
    ]);
    return { compiled };
  } catch (error) {
    return { error: error as Error };
  }
}

const OUTCOMES = ['pass', 'fail', 'error', 'skipped'];

/** A DataProduct-like entity whose fields hold the expected type or any other JSON. */
const entity = fc.record({
  apiVersion: fc.constant('datamesh-portal.io/v1alpha1'),
  kind: fc.constant('DataProduct'),
  metadata: fc.record(
    {
      name: fc.oneof(fc.constant('orders'), fc.jsonValue({ maxDepth: 1 })),
      tags: fc.oneof(
        fc.array(fc.string({ maxLength: 5 })),
        fc.jsonValue({ maxDepth: 1 }),
      ),
    },
    { requiredKeys: [] },
  ),
  spec: fc.record(
    {
      purpose: fc.oneof(
        fc.string({ maxLength: 40 }),
        fc.jsonValue({ maxDepth: 1 }),
      ),
      status: fc.oneof(
        fc.constantFrom('active', 'draft'),
        fc.jsonValue({ maxDepth: 1 }),
      ),
      classification: fc.jsonValue({ maxDepth: 1 }),
      personalData: fc.oneof(fc.boolean(), fc.jsonValue({ maxDepth: 1 })),
      outputPorts: fc.oneof(
        fc.array(
          fc.record({
            name: fc.string({ maxLength: 5 }),
            type: fc.constant('table'),
          }),
          { maxLength: 4 },
        ),
        fc.jsonValue({ maxDepth: 2 }),
      ),
      inputPorts: fc.jsonValue({ maxDepth: 2 }),
      slos: fc.oneof(
        fc.record(
          {
            availability: fc.oneof(fc.double(), fc.jsonValue({ maxDepth: 0 })),
            freshness: fc.oneof(
              fc.constantFrom('PT24H', 'P1D', 'bogus'),
              fc.jsonValue({ maxDepth: 0 }),
            ),
          },
          { requiredKeys: [] },
        ),
        fc.jsonValue({ maxDepth: 1 }),
      ),
    },
    { requiredKeys: [] },
  ),
});

const factValues = fc.dictionary(
  fc.constantFrom('testsFailed', 'passed', 'log'),
  fc.oneof(fc.integer(), fc.double(), fc.jsonValue({ maxDepth: 2 })),
  { maxKeys: 3 },
);

const contextInput = fc.record(
  {
    entity,
    domain: fc.oneof(
      fc.constant(null),
      fc.record({ spec: fc.record({ owner: fc.jsonValue({ maxDepth: 0 }) }) }),
    ),
    owner: fc.oneof(
      fc.constant(null),
      fc.record({ metadata: fc.record({ name: fc.string() }) }),
    ),
    upstream: fc.array(entity, { maxLength: 3 }),
    facts: fc.dictionary(
      fc.constantFrom('ci', 'dbt', 'freshness'),
      factValues,
      { maxKeys: 3 },
    ),
    observedAt: fc.dictionary(
      fc.constantFrom('ci', 'dbt'),
      fc.oneof(
        fc.constant('2026-01-15T12:00:00Z'),
        fc.integer(),
        fc.string({ maxLength: 6 }),
      ),
      { maxKeys: 2 },
    ),
    now: fc.constantFrom('2026-01-15T12:00:00Z', 0, Date.UTC(2030, 0, 1)),
  },
  { requiredKeys: ['entity'] },
);

describe('rule engine, on generated rules and contexts', () => {
  it('compiles any rule text or refuses it with the rule id, the field and a position', () => {
    fc.assert(
      fc.property(
        ruleText,
        fc.option(ruleText, { nil: undefined }),
        (rule, appliesTo) => {
          const { error } = compileOutcome(rule, appliesTo);
          if (!error) return;
          expect(error).toBeInstanceOf(RuleCompileError);
          for (const problem of (error as RuleCompileError).problems) {
            expect(problem.ruleId).toBe('generated');
            expect(['rule', 'appliesTo']).toContain(problem.field);
            expect(problem.message).not.toBe('');
            // A problem inside the text has a position; only an empty or too long text has none.
            const text = problem.field === 'rule' ? rule : appliesTo!;
            const positioned = text.trim() !== '' && text.length <= 4000;
            expect(
              positioned ? problem.line! >= 1 && problem.column! >= 1 : true,
            ).toBe(true);
          }
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('evaluates compiled rules over any context to an outcome, never throwing', () => {
    const compiledRule = fc
      .tuple(expression, fc.option(expression, { nil: undefined }))
      .map(([rule, appliesTo]) => compileOutcome(rule, appliesTo).compiled)
      .filter((rule): rule is CompiledRule => rule !== undefined);
    fc.assert(
      fc.property(compiledRule, contextInput, (rule, input) => {
        let context;
        try {
          context = createRuleContext(input);
        } catch (error) {
          // A context out of bounds is refused before any rule runs; the engine reports it too.
          return (
            error instanceof RuleContextError &&
            evaluateRule(rule, input).outcome === 'error'
          );
        }
        const result = evaluateRule(rule, context);
        expect(OUTCOMES).toContain(result.outcome);
        // An error says why.
        expect(result.outcome !== 'error' || !!result.message).toBe(true);
        // Evaluation is repeatable: the same context gives the same outcome.
        expect(evaluateRule(rule, context)).toEqual(result);
        return true;
      }),
      { numRuns: 1500 },
    );
  });

  const LISTS = [
    'entity.spec.items',
    'entity.metadata.tags',
    'upstream',
    'facts.ci.log',
    'domain.spec.members',
  ];
  const MACROS = ['all', 'exists', 'exists_one', 'map', 'filter'];
  const macro = (list: string, name: string, body: string) =>
    `${list}.${name}(x${body.length}, ${
      name === 'map' ? body : `[${body}].size() == 1`
    })`;

  it('refuses at load a comprehension nested in another over context lists', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...LISTS),
        fc.constantFrom(...MACROS),
        fc.constantFrom(...LISTS),
        fc.constantFrom(...MACROS),
        (outer, outerMacro, inner, innerMacro) => {
          const nested = macro(
            outer,
            outerMacro,
            macro(inner, innerMacro, 'true'),
          );
          const { error } = compileOutcome(`[${nested}].size() == 1`);
          expect(error?.message).toMatch(
            /^Rule generated: rule: may cost up to [\d,]+ steps .* more than the budget of 1,000,000 at line 1, column \d+$/,
          );
        },
      ),
    );
  });

  it('evaluates one comprehension over a context list of any length within the limits', () => {
    const { compiled } = compileOutcome(
      "entity.spec.items.exists(i, size(i.name) > 3) && entity.spec.items.all(i, i.name.startsWith('n'))",
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4096 }), n => {
        const items = Array.from({ length: n }, (_, i) => ({ name: `n${i}` }));
        const result = evaluateRule(compiled!, { entity: { spec: { items } } });
        expect(result).toEqual({ outcome: n > 100 ? 'pass' : 'fail' });
      }),
      { numRuns: 20 },
    );
  });
});
