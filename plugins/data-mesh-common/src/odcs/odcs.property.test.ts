import fc from 'fast-check';
import { stringify } from 'yaml';
import { parseOdcsContract, readOdcsContract, validateOdcsContract } from '.';

function outcomeOf<T>(fn: () => T) {
  try {
    return { value: fn() };
  } catch (error) {
    return { error: error as Error };
  }
}

// Every message says what is wrong with the contract; schema problems name their field.
const CONTRACT_PROBLEM =
  /^The contract (is not a valid ODCS contract: \S+: |is not valid YAML: |must be an object|is empty|is nested|is \d)/;

/** What reading or validating answered, in one line: `read` or `<error name>: <message>`. */
function answerOf(fn: () => unknown) {
  const { error } = outcomeOf(fn);
  return error ? `${error.name}: ${error.message}` : 'read';
}
const ANSWER = new RegExp(
  `^(read|InputError: ${CONTRACT_PROBLEM.source.slice(1)})`,
);

const slug = fc.stringMatching(/^[a-z][a-z0-9_]{0,10}$/);
const LOGICAL_TYPES = [
  'string',
  'date',
  'timestamp',
  'number',
  'integer',
  'boolean',
  'array',
  'object',
];

const quality = fc.record(
  {
    type: fc.constantFrom('library', 'sql', 'custom', 'text', 'unknown'),
    metric: fc.constantFrom('nullValues', 'rowCount', 'duplicateValues'),
    rule: fc.constantFrom('nullCheck'),
    mustBe: fc.integer({ min: 0, max: 10 }),
    mustBeLessThan: fc.integer(),
    mustBeBetween: fc.array(fc.integer(), { maxLength: 3 }),
    query: fc.string({ maxLength: 10 }),
    dimension: fc.constantFrom('accuracy', 'completeness', 'vibes'),
  },
  { requiredKeys: [] },
);

const property = fc.record(
  {
    name: slug,
    logicalType: fc.oneof(
      fc.constantFrom(...LOGICAL_TYPES),
      fc.string({ maxLength: 6 }),
    ),
    physicalType: fc.constantFrom('varchar(20)', 'bigint'),
    required: fc.oneof(fc.boolean(), fc.constant('yes')),
    primaryKey: fc.boolean(),
    primaryKeyPosition: fc.oneof(fc.integer({ min: -1, max: 3 }), fc.double()),
    classification: fc.constantFrom('public', 'restricted'),
    quality: fc.array(quality, { maxLength: 2 }),
  },
  { requiredKeys: ['name'] },
);

const contract = fc.record(
  {
    apiVersion: fc.oneof(
      fc.constantFrom('v3.1.0', 'v3.0.2', 'v2.2.2'),
      fc.string({ maxLength: 6 }),
    ),
    kind: fc.oneof(fc.constant('DataContract'), fc.string({ maxLength: 6 })),
    id: fc.oneof(fc.uuid(), slug),
    version: fc.oneof(fc.constantFrom('1.0.0', '2.0.0'), fc.integer()),
    status: fc.constantFrom('active', 'draft', 'retired'),
    name: fc.string({ maxLength: 12 }),
    domain: slug,
    dataProduct: slug,
    tags: fc.array(slug, { maxLength: 2 }),
    description: fc.record(
      { purpose: fc.string({ maxLength: 12 }), usage: fc.string() },
      { requiredKeys: [] },
    ),
    schema: fc.array(
      fc.record(
        {
          name: slug,
          logicalType: fc.constantFrom('object', 'table'),
          physicalName: slug,
          properties: fc.array(property, { maxLength: 3 }),
          quality: fc.array(quality, { maxLength: 2 }),
        },
        { requiredKeys: ['name'] },
      ),
      { maxLength: 2 },
    ),
    slaProperties: fc.array(
      fc.record({
        property: fc.constantFrom('latency', 'retention'),
        value: fc.oneof(fc.integer(), fc.string({ maxLength: 4 })),
        unit: fc.constantFrom('d', 'h'),
      }),
      { maxLength: 2 },
    ),
    servers: fc.array(
      fc.record({
        server: slug,
        type: fc.constantFrom('postgres', 'snowflake', 'kafka', 'nope'),
      }),
      { maxLength: 2 },
    ),
  },
  { requiredKeys: ['apiVersion', 'kind', 'id', 'version', 'status'] },
);

/** YAML that breaks readers: deep nesting, alias bombs, bad aliases, duplicate keys, tabs. */
const hostileYaml = fc.oneof(
  fc.integer({ min: 1, max: 3000 }).map(n => `${'- '.repeat(n)}x`),
  fc.integer({ min: 1, max: 3000 }).map(n => `a: ${'['.repeat(n)}`),
  fc
    .integer({ min: 1, max: 2000 })
    .map(n => `${'{a: '.repeat(n)}1${'}'.repeat(n)}`),
  fc
    .integer({ min: 1, max: 400 })
    .map(n =>
      Array.from({ length: n }, (_, i) => `${'  '.repeat(i)}k${i}:`).join('\n'),
    ),
  fc.constant(
    [
      'a: &a [x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
      'e: [*d, *d, *d, *d, *d, *d, *d, *d, *d]',
    ].join('\n'),
  ),
  fc.constantFrom(
    'id: *nowhere',
    'a: 1\na: 2',
    '\tid: x',
    'x: !!binary eA==',
    '- 1',
  ),
  fc.string({ maxLength: 40 }),
);

describe('ODCS validation, on generated contracts', () => {
  it('answers any contract-shaped document with the contract or an InputError naming a field', () => {
    fc.assert(
      fc.property(fc.oneof(contract, fc.jsonValue({ maxDepth: 3 })), doc => {
        expect(answerOf(() => validateOdcsContract(doc))).toMatch(ANSWER);
      }),
      { numRuns: 600 },
    );
  });

  it('reads every generated contract back from its YAML as the schema judges the document', () => {
    fc.assert(
      fc.property(contract, doc => {
        const direct = outcomeOf(() => validateOdcsContract(doc));
        const parsed = outcomeOf(() => parseOdcsContract(stringify(doc)));
        expect(parsed.error?.message).toEqual(direct.error?.message);
        // A valid contract reads back as the document itself.
        expect(parsed.value).toEqual(direct.error ? undefined : doc);
      }),
      { numRuns: 300 },
    );
  });

  it('answers hostile YAML with a contract or an InputError, never a crash', () => {
    fc.assert(
      fc.property(hostileYaml, text => {
        expect(answerOf(() => readOdcsContract(text))).toMatch(ANSWER);
      }),
      { numRuns: 300 },
    );
  });
});

describe('ODCS reading, regressions found by the properties', () => {
  it('refuses deep nesting before the YAML parser recurses into it', () => {
    // In this order the second text used to abort the process (V8 out of memory in a regular
    // expression compiled at the end of the stack).
    for (const text of ['['.repeat(20000), `${'- '.repeat(5000)}x`]) {
      expect(() => readOdcsContract(text)).toThrow(
        'The contract is nested more than 64 levels deep',
      );
    }
    const indented = Array.from(
      { length: 70 },
      (_, i) => `${'  '.repeat(i)}k${i}:`,
    );
    expect(() => readOdcsContract(indented.join('\n'))).toThrow(/nested/);
    const shallow = Array.from(
      { length: 60 },
      (_, i) => `${'  '.repeat(i)}k${i}:`,
    );
    expect(readOdcsContract(shallow.join('\n'))).toHaveProperty('k0');
  });

  it('refuses alias bombs and undefined aliases as invalid YAML', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
    ].join('\n');
    expect(() => readOdcsContract(bomb)).toThrow(
      /^The contract is not valid YAML: Excessive alias count/,
    );
    expect(() => readOdcsContract('id: *nowhere')).toThrow(
      /^The contract is not valid YAML: Unresolved alias/,
    );
  });
});
