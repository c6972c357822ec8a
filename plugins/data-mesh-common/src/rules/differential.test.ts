/*
 * Differential test: the compiled closures against the cel-js interpreter, on a corpus of
 * expressions and contexts. Values must be equal (with their CEL types: int and double,
 * timestamps, durations...), and errors must be errors with the same message.
 */
import { createRuleContext, RuleContext, RuleContextInput } from './context';
import {
  compileExpressionForTest,
  evaluateRuleExpressionForTest,
} from './engine';

const NOW = '2026-01-15T12:00:00.000Z';

const FULL: RuleContextInput = {
  entity: {
    apiVersion: 'datamesh-portal.io/v1alpha1',
    kind: 'DataProduct',
    metadata: {
      name: 'customer-orders',
      title: 'Customer Orders',
      description: 'Orders per customer, cleaned and deduplicated',
      tags: ['a', 'b'],
      annotations: { 'x/y': 'z' },
    },
    spec: {
      owner: 'group:sales-data',
      domain: 'sales',
      status: 'active',
      version: '1.2.0',
      purpose: 'All orders of every customer, for analytics and reporting.',
      usage: 'Join on customer_id.',
      limitations: 'No data before 2020.',
      classification: 'confidential',
      personalData: true,
      inputPorts: [
        { name: 'order-events', dataProduct: 'order-events' },
        { name: 'crm', description: 'CRM export' },
      ],
      outputPorts: [
        { name: 'orders', type: 'table', contract: 'orders-contract' },
        { name: 'stream', type: 'topic' },
      ],
      slos: { freshness: 'PT24H', availability: 99.9 },
      support: [{ channel: 'chat', url: 'https://chat.example.com' }],
      count: 3,
      ratio: 0.5,
      big: 1e20,
      neg: -2,
      zero: 0,
      flag: false,
      nothing: null,
      unicode: 'héllo 😀 wörld',
      surrogates: '😀😀😀😀😀😀😀😀😀😀',
      emptyStr: '',
      emptyList: [],
      mixedList: [1, 'a', true, null, { x: 1 }],
      nestedList: [[1, 2], [3]],
      numList: [1, 2, 3.5],
      strList: ['a', 'b', 'c'],
      obj: { a: 1, b: { c: 'd' } },
      ctor: { constructor: 'x', a: 1 },
      emptyObj: {},
    },
  },
  domain: {
    kind: 'Domain',
    metadata: { name: 'sales' },
    spec: { owner: 'group:sales' },
  },
  owner: { kind: 'Group', metadata: { name: 'sales-data' }, spec: {} },
  upstream: [
    {
      kind: 'DataProduct',
      metadata: { name: 'order-events' },
      spec: { status: 'active' },
    },
    {
      kind: 'DataProduct',
      metadata: { name: 'accounts' },
      spec: { status: 'deprecated' },
    },
  ],
  facts: {
    ci: { testsFailed: 0, testsPassed: 10, ratio: 0.9, flaky: ['t1'] },
    contract_tests: { failed: 1, passed: 4 },
    freshness: { lastUpdated: '2026-01-15T02:00:00Z' },
  },
  observedAt: {
    ci: '2026-01-15T11:00:00Z',
    contract_tests: new Date('2026-01-10T00:00:00Z'),
  },
  now: NOW,
};

const BARE: RuleContextInput = {
  entity: {
    apiVersion: 'datamesh-portal.io/v1alpha1',
    kind: 'DataProduct',
    metadata: { name: 'bare' },
    spec: { owner: 'group:x', domain: 'd', status: 'draft' },
  },
  now: NOW,
};

const ODD: RuleContextInput = {
  entity: {
    metadata: { name: 'odd', description: ['x'], tags: 'not-a-list' },
    spec: {
      owner: 42,
      status: null,
      purpose: 42,
      slos: 'none',
      outputPorts: { a: 1 },
      support: [],
      classification: null,
      version: 1.5,
      count: '3',
      numList: ['1', 2],
      mixedList: [],
      obj: [],
      unicode: 7,
      inputPorts: [{}, { dataProduct: null }],
    },
  },
  upstream: [{ metadata: { name: 'no-spec' } }, { spec: { status: 7 } }],
  facts: { ci: { testsFailed: '0' }, freshness: { lastUpdated: 'yesterday' } },
  observedAt: { ci: 0 },
  now: NOW,
};

const CORPUS = [
  // literals and arithmetic
  'true',
  '1 == 1',
  "'a' + 'b' == 'ab'",
  '[1, 2, 3]',
  "{'a': 1}",
  "b'abc'",
  '1u',
  '-5',
  '3.5 * 2.0',
  '7 / 2',
  '-7 / 2',
  '7 % 3',
  '9223372036854775807 + 1',
  '-9223372036854775807 - 2',
  '3037000500 * 3037000500',
  '1 / 0',
  '1 % 0',
  '5.0 / 0.0',
  "'x' < 'y'",
  'true < false',
  '[1, 2][1]',
  '[1, 2][2]',
  '[1, 2][-1]',
  "{'a': 1}['a'] == 1",
  "{'a': 1}['b']",
  // field access
  'entity.spec.purpose',
  'entity.spec.missing',
  'entity.spec.slos.availability',
  'entity.spec.count',
  'entity.metadata.tags[0]',
  'entity.metadata.tags[5]',
  "entity.spec.obj['a']",
  "entity.spec.obj['zz']",
  "entity.metadata.annotations['x/y']",
  'entity.spec.purpose.x',
  'entity.spec.nothing.x',
  'entity.spec.emptyList.x',
  'entity.spec.count.x',
  'entity.spec.flag.x',
  'entity.spec.ctor.a',
  'entity.spec.toString',
  'entity.spec.constructor',
  'entity.spec.obj.b.c',
  'entity.spec.obj.b.c.d',
  'domain.spec.owner',
  'owner.metadata.name',
  'upstream[0].spec.status',
  'upstream[5]',
  'facts.ci.testsFailed',
  'facts.nope.x',
  'facts.ci.flaky[0]',
  'observedAt.ci',
  'observedAt.nope',
  'now',
  'entity.metadata',
  // has()
  'has(entity.spec.purpose)',
  'has(entity.spec.nope)',
  'has(entity.spec.nope.deeper)',
  'has(entity.spec.slos.freshness)',
  'has(entity.spec.purpose.x)',
  'has(entity.spec.nothing.x)',
  'has(entity.spec.emptyList.x)',
  'has(entity.spec.count.x)',
  'has(entity.spec.nothing)',
  'has(facts.ci)',
  'has(facts.ci.testsFailed)',
  'has(facts.nope.x)',
  'has(domain.spec)',
  'has(domain.spec.owner)',
  'has(owner.metadata.name)',
  'has(entity.spec.ctor.a)',
  'has(entity.spec.toString)',
  'has(entity.spec)',
  'has(observedAt.ci)',
  'has(entity.metadata.description)',
  'has(entity.metadata.annotations.x)',
  'upstream.all(u, has(u.spec.status))',
  // size()
  'size(entity.spec.purpose)',
  'size(entity.spec.purpose) >= 20',
  'size(entity.spec.unicode)',
  'size(entity.spec.unicode) > 12',
  'size(entity.spec.unicode) == 13',
  'size(entity.spec.surrogates) >= 10',
  'size(entity.spec.surrogates) > 10',
  'size(entity.spec.surrogates) < 11',
  'entity.spec.unicode.size()',
  'size(entity.metadata.tags)',
  'size(entity.spec.obj)',
  'size(entity.spec.count)',
  'size(entity.spec.nothing)',
  'size(entity.spec.emptyStr) > 0',
  'size(entity.spec.purpose) < 5',
  '5 < size(entity.spec.purpose)',
  '20 >= size(entity.spec.purpose)',
  'size(entity.spec.purpose) <= 1000',
  'size(upstream) == 2',
  'size(upstream) != 2',
  "size(b'abc') == 3",
  'entity.metadata.tags.size() > 1',
  'size(entity.spec.missing) > 0',
  // comparisons
  'entity.spec.slos.availability >= 99.5',
  'entity.spec.slos.availability >= 99',
  'entity.spec.count > 2',
  'entity.spec.count == 3',
  'entity.spec.count == 3.0',
  'entity.spec.count != 4',
  'facts.ci.testsFailed == 0',
  'facts.ci.testsFailed < 1',
  "entity.spec.status == 'active'",
  "entity.spec.status != 'active'",
  "entity.spec.status < 'b'",
  'entity.spec.purpose == 1',
  "entity.spec.count < 'a'",
  'entity.spec.nothing == null',
  'entity.spec.nothing != null',
  "entity.spec.obj == {'a': dyn(1.0), 'b': dyn({'c': 'd'})}",
  "entity.spec.obj == {'a': dyn(1), 'b': dyn({'c': 'd'})}",
  "entity.metadata.tags == ['a', 'b']",
  "entity.metadata.tags != ['a']",
  'domain == null',
  'domain != null',
  'owner != null',
  'entity.spec.mixedList == entity.spec.mixedList',
  'entity.spec.flag == false',
  'entity.spec.flag < true',
  'entity.spec.big > 1',
  'entity.spec.neg < 0',
  'entity.spec.zero == -0.0',
  'now > observedAt.ci',
  'observedAt.ci <= now',
  'now == now',
  'entity.spec.obj.a == entity.spec.count',
  'entity.spec.obj == entity.spec.nothing',
  // arithmetic on JSON numbers
  'entity.spec.count + 1.0',
  'entity.spec.count + 1',
  'entity.spec.count * entity.spec.ratio',
  'entity.spec.count / 2.0',
  'entity.spec.count - entity.spec.neg',
  'size(entity.metadata.tags) + 1',
  'size(entity.metadata.tags) * 2 == 4',
  'size(entity.metadata.tags) - 3',
  'size(entity.metadata.tags) / 2',
  'size(entity.metadata.tags) % 2',
  '-entity.spec.count',
  '-size(entity.metadata.tags)',
  '-entity.spec.purpose',
  "entity.spec.purpose + '!'",
  "entity.metadata.tags + ['c']",
  'entity.spec.strList + entity.metadata.tags',
  'int(entity.spec.count) % 2',
  'double(size(entity.metadata.tags)) / 3.0',
  // logic
  'true && entity.spec.missing',
  'false && entity.spec.missing',
  'entity.spec.missing && false',
  'entity.spec.missing && true',
  'entity.spec.missing || true',
  'entity.spec.missing || false',
  'entity.spec.missing || entity.spec.other',
  'entity.spec.missing && entity.spec.other',
  'entity.spec.count && true',
  'entity.spec.count && false',
  'entity.spec.count || true',
  'true && entity.spec.count',
  'false || entity.spec.count',
  '!entity.spec.flag',
  '!entity.spec.count',
  "entity.spec.flag ? 'a' : 'b'",
  'entity.spec.count ? 1 : 2',
  'entity.spec.missing ? 1 : 2',
  'true ? entity.spec.missing : 2',
  'has(entity.spec.purpose) && size(entity.spec.purpose) >= 20',
  "entity.spec.personalData && entity.spec.classification in ['confidential', 'restricted']",
  '(entity.spec.a || entity.spec.b) && (entity.spec.c || true)',
  // in
  "entity.spec.classification in ['confidential', 'restricted']",
  "'a' in entity.metadata.tags",
  "'z' in entity.metadata.tags",
  '1 in entity.spec.numList',
  '1.0 in entity.spec.numList',
  '3.5 in entity.spec.numList',
  "'a' in entity.spec.obj",
  "'zz' in entity.spec.obj",
  "'x/y' in entity.metadata.annotations",
  'entity.spec.count in [1, 2, 3]',
  'entity.spec.count in [1.0, 3.0]',
  'null in entity.spec.mixedList',
  'true in entity.spec.mixedList',
  'entity.spec.obj in entity.spec.mixedList',
  "{'x': 1} in entity.spec.mixedList",
  "'a' in entity.spec.purpose",
  '1 in entity.spec.obj',
  "'a' in entity.spec.missing",
  "entity.spec.status in ['active']",
  // strings
  "entity.spec.owner.startsWith('group:')",
  "entity.spec.owner.endsWith('x')",
  "entity.spec.purpose.contains('data')",
  "entity.spec.purpose.contains('')",
  "entity.spec.purpose.matches('^[A-Z]')",
  "entity.spec.count.startsWith('a')",
  'entity.spec.owner.startsWith(entity.spec.missing)',
  'entity.spec.missing.startsWith(entity.spec.other)',
  "entity.spec.version.matches('^[0-9]+\\\\.[0-9]+\\\\.[0-9]+$')",
  "entity.metadata.name.lowerAscii() == 'customer-orders'",
  "entity.spec.purpose.split(' ').size() > 3",
  "entity.metadata.tags.join(',')",
  'string(entity.spec.count)',
  'int(entity.spec.count)',
  'type(entity.spec.count) == double',
  'type(size(entity.metadata.tags)) == int',
  'dyn(entity.spec.count) == 3',
  'entity.spec.purpose.substring(0, 3)',
  "entity.spec.purpose.indexOf('o')",
  // comprehensions
  "upstream.all(u, u.spec.status == 'active')",
  "upstream.exists(u, u.spec.status == 'deprecated')",
  "upstream.exists_one(u, u.spec.status == 'active')",
  'entity.spec.outputPorts.all(p, has(p.contract))',
  'entity.spec.outputPorts.exists(p, has(p.contract))',
  'entity.spec.outputPorts.map(p, p.name)',
  "entity.spec.outputPorts.filter(p, p.type == 'table').size()",
  "entity.spec.outputPorts.map(p, p.type == 'table', p.name)",
  'entity.spec.outputPorts.map(p, p.contract)',
  'entity.spec.outputPorts.all(p, p.contract != "")',
  'entity.spec.outputPorts.exists(p, p.contract == "orders-contract")',
  'entity.spec.obj.all(k, k.size() == 1)',
  'entity.spec.obj.map(k, k)',
  'entity.spec.mixedList.all(x, x != null)',
  "entity.spec.mixedList.exists(x, x == 'a')",
  'entity.spec.mixedList.all(x, x > 0)',
  'entity.spec.mixedList.exists(x, x > 0)',
  'entity.spec.mixedList.filter(x, x == 1)',
  'entity.spec.numList.all(x, x > 0)',
  'entity.spec.numList.exists(x, x > 3)',
  'entity.spec.numList.all(x, x.y)',
  'entity.spec.numList.exists(x, x)',
  '[1, 2, 3].all(x, x > 0)',
  '[0, 1].exists(x, 1 / x == 1)',
  '[0, 1].all(x, 1 / x == 1)',
  '[1, 0].all(x, 1 / x > 5)',
  '[1, 0].exists_one(x, 1 / x > 5)',
  'entity.spec.count.all(x, true)',
  'entity.spec.missing.all(x, true)',
  'entity.spec.nestedList.all(l, l.all(x, x > 0))',
  'entity.spec.nestedList.map(l, l.size())',
  'entity.spec.inputPorts.all(p, has(p.dataProduct) || has(p.description))',
  "upstream.map(u, u.metadata.name).exists(n, n.startsWith('a'))",
  'upstream.all(entity, entity.spec.status != "retired")',
  'cel.bind(x, entity.spec.count, x + x > 5.0)',
  "cel.bind(p, entity.spec.purpose, size(p) > 3 && p.contains('a'))",
  'cel.bind(x, entity.spec.missing, true)',
  // timestamps and durations
  "now - observedAt.ci < duration('24h')",
  "now - observedAt.ci > duration('1s')",
  "now - observedAt.contract_tests < duration('24h')",
  "now - observedAt.nope < duration('1h')",
  "observedAt.ci - now < duration('0s')",
  'now - observedAt.ci',
  'observedAt.ci < now',
  'now - timestamp(facts.freshness.lastUpdated) <= isoDuration(entity.spec.slos.freshness)',
  "timestamp('2024-01-01T00:00:00Z') < now",
  "timestamp('2024-01-01') < now",
  'timestamp(entity.spec.purpose)',
  'timestamp(facts.freshness.lastUpdated)',
  'timestamp(1700000000) < now',
  "isoDuration('P1D') == duration('24h')",
  "isoDuration('P1M') > isoDuration('P4W')",
  "isoDuration('PT1.5S') == duration('1500ms')",
  "isoDuration('nope') > duration('1s')",
  'isoDuration(entity.spec.slos.freshness)',
  'isoDuration(entity.spec.count)',
  "duration('1h') + duration('30m') == duration('90m')",
  "now + duration('1h') > now",
  "now - duration('1h') < now",
  'now.getFullYear() > 2000',
  'observedAt.ci == observedAt.ci',
  "duration('2h') > duration('1h')",
  // literals with variables
  '[entity.spec.count, entity.spec.ratio]',
  '[entity.spec.purpose, entity.spec.missing]',
  '[entity.spec.missing1, entity.spec.missing2]',
  "{'a': entity.spec.count}",
  "{'a': entity.spec.missing1, 'b': entity.spec.missing2}",
  '{entity.spec.status: 1}',
  "{'__proto__': 1, 'x': 2}",
];

const CONTEXTS: Array<[string, RuleContext]> = [
  ['full', createRuleContext(FULL)],
  ['bare', createRuleContext(BARE)],
  ['odd', createRuleContext(ODD)],
];

/** A value with its CEL type made explicit, for comparison. */
function typed(value: unknown): unknown {
  switch (typeof value) {
    case 'bigint':
      return { int: value.toString() };
    case 'number':
      return { double: Object.is(value, -0) ? '-0' : String(value) };
    case 'string':
    case 'boolean':
      return value;
    case 'object':
      if (value === null) {
        return null;
      }
      if (Array.isArray(value)) {
        return { list: value.map(typed) };
      }
      if (value instanceof Date) {
        return { timestamp: value.getTime() };
      }
      if (value instanceof Uint8Array) {
        return { bytes: Array.from(value) };
      }
      if (value.constructor === Object || value.constructor === undefined) {
        return {
          map: Object.entries(value).map(([k, v]) => [k, typed(v)]),
        };
      }
      return { [value.constructor.name]: String(value) };
    default:
      return { [typeof value]: String(value) };
  }
}

describe('closures and the cel-js interpreter agree', () => {
  const stats = { native: 0, interpreted: 0 };

  it.each(CORPUS)('%s', source => {
    const rule = compileExpressionForTest(source);
    expect(rule.compiledToClosures).toBe(true);
    for (const [name, context] of CONTEXTS) {
      const expected = evaluateRuleExpressionForTest(rule, context, {
        interpreter: true,
      });
      const actual = evaluateRuleExpressionForTest(rule, context);
      stats[actual.native ? 'native' : 'interpreted']++;
      expect({
        context: name,
        result: typed(actual.value),
        error: actual.error,
      }).toEqual({
        context: name,
        result: typed(expected.value),
        error: expected.error,
      });
    }
  });

  it('evaluates most of the corpus in the closures (runs after the corpus)', () => {
    // The interpreter only takes over on errors other than missing keys.
    expect(stats.native + stats.interpreted).toBe(CORPUS.length * 3);
    expect(stats.native).toBeGreaterThan(
      (stats.native + stats.interpreted) * 0.8,
    );
  });

  it('evaluates the common forms without the interpreter', () => {
    const common = [
      'has(entity.spec.purpose) && size(entity.spec.purpose) >= 20',
      "upstream.all(u, u.spec.status == 'active')",
      "entity.spec.classification in ['confidential', 'restricted']",
      'entity.spec.slos.availability >= 99.5',
      'facts.ci.testsFailed == 0',
      "now - observedAt.ci < duration('24h')",
      "entity.spec.owner.startsWith('group:')",
      'entity.spec.outputPorts.all(p, has(p.contract))',
      'domain != null',
      'entity.spec.missing',
      'has(entity.spec.nope.deeper)',
      'true && entity.spec.missing',
      'now - timestamp(facts.freshness.lastUpdated) <= isoDuration(entity.spec.slos.freshness)',
    ];
    for (const source of common) {
      const rule = compileExpressionForTest(source);
      const result = evaluateRuleExpressionForTest(rule, CONTEXTS[0][1]);
      expect({ source, native: result.native }).toEqual({
        source,
        native: true,
      });
    }
  });
});
