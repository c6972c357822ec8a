import fc from 'fast-check';
import {
  DATA_CLASSIFICATIONS,
  DATA_MESH_API_VERSION,
  DATA_PRODUCT_STATUSES,
  DATA_PRODUCT_TYPES,
  OUTPUT_PORT_TYPES,
} from './constants';
import { isValidDataMeshDomainEntity } from './DataMeshDomainEntityV1alpha1';
import { isValidDataProductEntity } from './DataProductEntityV1alpha1';

/** The outcome of a validator: its answer, or the error it threw. */
function outcomeOf(validate: (entity: unknown) => boolean, entity: unknown) {
  try {
    return { valid: validate(entity) };
  } catch (error) {
    return { error: error as Error };
  }
}

// Every problem starts with the path of its field, e.g. `spec.outputPorts[0].name: `.
const PROBLEM = /^(spec|metadata|apiVersion|kind)([.[][^:]*)?: \S/;

/** A validator's answer in one line: `valid`, `other kind` or `<error name>: <message>`. */
function answerOf(validate: (entity: unknown) => boolean, entity: unknown) {
  const { valid, error } = outcomeOf(validate, entity);
  if (error) return `${error.name}: ${error.message}`;
  return valid ? 'valid' : 'other kind';
}
const ANSWER = new RegExp(
  `^(valid|other kind|InputError: ${PROBLEM.source.slice(1)})`,
);

/** Asserts that an error is an InputError whose message names a field first. */
function expectFieldError(error: Error | undefined) {
  expect(error).toBeDefined();
  expect(error!.name).toBe('InputError');
  expect(error!.message).toMatch(PROBLEM);
  // The problems travel as a list, each with its field and what is wrong.
  const { problems } = error as Error & { problems?: unknown };
  expect(problems).toEqual(
    expect.arrayContaining([
      { field: expect.any(String), message: expect.stringMatching(/\S/) },
    ]),
  );
}

const slug = fc.stringMatching(/^[a-z][a-z0-9]{0,8}(-[a-z0-9]{1,6}){0,2}$/);
const ref = (kind: string) =>
  fc.oneof(
    slug,
    slug.map(name => `${kind}:${name}`),
    fc.tuple(slug, slug).map(([ns, name]) => `${kind}:${ns}/${name}`),
  );
const text = fc.string({ maxLength: 40 });
/** URLs the portal may render as links: http(s) and mailto. */
const supportUrl = fc.oneof(
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  slug.map(name => `mailto:${name}@example.com`),
);

const inputPort = fc.record(
  {
    name: slug,
    description: text,
    dataProduct: ref('dataproduct'),
    outputPort: slug,
    contract: ref('api'),
    version: fc.constantFrom('1.0.0', '2.1.0'),
    contractId: slug,
    deprecated: fc.boolean(),
    odps: fc.dictionary(slug, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
  },
  { requiredKeys: ['name'] },
);
const outputPort = fc.record(
  {
    name: slug,
    type: fc.constantFrom(...OUTPUT_PORT_TYPES),
    version: fc.constantFrom('1.0.0', '0.1.0'),
    description: text,
    contract: ref('api'),
    contractId: slug,
    deprecated: fc.boolean(),
  },
  { requiredKeys: ['name', 'type'] },
);
/** Ports with unique names, as the kind requires. */
const ports = <T extends { name: string }>(port: fc.Arbitrary<T>) =>
  fc.uniqueArray(port, { maxLength: 3, selector: p => p.name });

/** A valid DataProduct: every optional field of the kind, each present or not. */
const validProduct = fc.record({
  apiVersion: fc.constant(DATA_MESH_API_VERSION),
  kind: fc.constant('DataProduct'),
  metadata: fc.record(
    { name: slug, namespace: slug, title: text },
    { requiredKeys: ['name'] },
  ),
  spec: fc.record(
    {
      owner: ref('group'),
      domain: ref('domain'),
      status: fc.constantFrom(...DATA_PRODUCT_STATUSES),
      type: fc.constantFrom(...DATA_PRODUCT_TYPES),
      version: fc.constantFrom('1.2.0', '0.0.1'),
      purpose: text,
      usage: text,
      limitations: text,
      classification: fc.constantFrom(...DATA_CLASSIFICATIONS),
      personalData: fc.boolean(),
      inputPorts: ports(inputPort),
      outputPorts: ports(outputPort),
      slos: fc.record(
        {
          freshness: fc.constantFrom('PT24H', 'P1D', 'PT30M', 'P1W', 'PT0.5S'),
          availability: fc.double({ min: 0, max: 100, noNaN: true }),
        },
        { requiredKeys: [] },
      ),
      support: fc.array(
        fc.record(
          { channel: slug, url: supportUrl, tool: text, scope: text },
          { requiredKeys: ['channel'] },
        ),
        { maxLength: 2 },
      ),
      system: ref('system'),
      deprecation: fc.record(
        { sunset: fc.constantFrom('2027-06-30'), replacedBy: ref('x') },
        { requiredKeys: [] },
      ),
    },
    { requiredKeys: ['owner', 'domain', 'status'] },
  ),
});

/** A generated product, loosely typed so that mutations can break it. */
type Product = { spec: Record<string, any> };

/** A value of the wrong type or outside what a field allows. */
const notAString = fc.oneof(
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 2 }),
  fc.dictionary(slug, fc.integer(), { maxKeys: 2 }),
);
const badName = fc.oneof(
  fc.constantFrom('', 'Bad Name!', '-x', 'x-', 'a..b', 'a'.repeat(64)),
  notAString,
);
// parseEntityRef accepts `a:b:c` (name `b:c`), so the kind does too.
const badRef = fc.constantFrom('group:', ':x', 'x:y/', 'group:ns/', '/x');

/** A valid port of either list; input ports have no type. */
function portOf(list: 'inputPorts' | 'outputPorts', fields: object = {}): any {
  const port =
    list === 'outputPorts'
      ? { name: 'orders', type: 'table' }
      : { name: 'orders' };
  return { ...port, ...fields };
}

/**
 * One invalid change to a valid product, with the field the error must name: each sets a
 * field of the spec to a value the kind refuses.
 */
const mutation: fc.Arbitrary<{
  field: string;
  apply: (p: Product) => void;
}> = fc.oneof(
  fc
    .oneof(
      fc.string().filter(s => !DATA_PRODUCT_STATUSES.includes(s as any)),
      notAString,
    )
    .map(value => ({
      field: 'spec.status',
      apply: (p: Product) => Object.assign(p.spec, { status: value }),
    })),
  fc.constantFrom('owner', 'domain', 'status').map(key => ({
    field: `spec.${key}`,
    apply: (p: Product) => {
      delete (p.spec as Record<string, unknown>)[key];
    },
  })),
  fc
    .tuple(
      fc.constantFrom('owner', 'domain', 'system'),
      fc.oneof(badRef, notAString, fc.constant('')),
    )
    .map(([key, value]) => ({
      field: `spec.${key}`,
      apply: (p: Product) => Object.assign(p.spec, { [key]: value }),
    })),
  fc
    .oneof(fc.string(), notAString)
    .filter(v => typeof v !== 'boolean')
    .map(value => ({
      field: 'spec.personalData',
      apply: (p: Product) => Object.assign(p.spec, { personalData: value }),
    })),
  fc
    .oneof(
      fc.double({ min: 100, minExcluded: true, noNaN: true }),
      // Below zero; fast-check counts -0 as below 0, but -0 is a valid 0 %.
      fc.double({ max: -Number.MIN_VALUE, noNaN: true }),
      fc.string(),
    )
    .map(value => ({
      field: 'spec.slos.availability',
      apply: (p: Product) => {
        p.spec.slos = { ...p.spec.slos, availability: value as number };
      },
    })),
  fc
    .constantFrom('24 hours', 'P', 'PT', 'T1H', '1D', 'PT1H ', 'P1DT')
    .map(value => ({
      field: 'spec.slos.freshness',
      apply: (p: Product) => {
        p.spec.slos = { ...p.spec.slos, freshness: value };
      },
    })),
  fc
    .tuple(fc.constantFrom('inputPorts', 'outputPorts'), badName)
    .map(([list, name]) => ({
      field: `spec.${list}[0].name`,
      apply: (p: Product) => {
        p.spec[list] = [portOf(list, { name })];
      },
    })),
  fc.constantFrom('spreadsheet', '', 'TABLE').map(type => ({
    field: 'spec.outputPorts[0].type',
    apply: (p: Product) => {
      p.spec.outputPorts = [{ name: 'orders', type: type as 'table' }];
    },
  })),
  fc.constantFrom('inputPorts', 'outputPorts').map(list => ({
    field: `spec.${list}[1].name`,
    apply: (p: Product) => {
      p.spec[list] = [portOf(list), portOf(list)];
    },
  })),
  fc
    .tuple(fc.constantFrom('inputPorts', 'outputPorts'), badRef)
    .map(([list, contract]) => ({
      field: `spec.${list}[0].contract`,
      apply: (p: Product) => {
        p.spec[list] = [portOf(list, { contract })];
      },
    })),
  fc.constantFrom('owners', 'Owner', 'slo', '__proto__x').map(key => ({
    field: `spec.${key}`,
    apply: (p: Product) => Object.assign(p.spec, { [key]: 'x' }),
  })),
  fc
    .oneof(
      // Another scheme, however it is written, or no absolute URL at all.
      fc
        .tuple(
          fc.constantFrom(
            // eslint-disable-next-line no-script-url -- the URL under test
            'javascript:',
            ' JavaScript:',
            'data:',
            'file:',
            'ftp:',
          ),
          fc.string({ maxLength: 20 }),
        )
        .map(([scheme, rest]) => `${scheme}${rest}`),
      fc.constantFrom('', 'chat.example.com', '/help', '//example.com/help'),
    )
    .map(url => ({
      field: 'spec.support[0].url',
      apply: (p: Product) => {
        p.spec.support = [{ channel: 'chat', url }];
      },
    })),
  fc.constantFrom('next year', '2027-6-30', '').map(sunset => ({
    field: 'spec.deprecation.sunset',
    apply: (p: Product) => {
      p.spec.deprecation = { sunset };
    },
  })),
);

const FIELDS = [
  'owner',
  'domain',
  'status',
  'type',
  'version',
  'purpose',
  'classification',
  'personalData',
  'inputPorts',
  'outputPorts',
  'slos',
  'support',
  'system',
  'deprecation',
  'odps',
];

/** Any JSON under the real field names: deep enough to reach every branch of the schema. */
const chaoticProduct = fc.record({
  apiVersion: fc.oneof(
    fc.constant(DATA_MESH_API_VERSION),
    fc.constant('backstage.io/v1alpha1'),
    fc.jsonValue({ maxDepth: 1 }),
  ),
  kind: fc.oneof(fc.constant('DataProduct'), fc.jsonValue({ maxDepth: 1 })),
  metadata: fc.oneof(fc.record({ name: slug }), fc.jsonValue({ maxDepth: 2 })),
  spec: fc.oneof(
    fc.dictionary(
      fc.oneof(fc.constantFrom(...FIELDS), fc.string({ maxLength: 8 })),
      fc.oneof(
        fc.jsonValue({ maxDepth: 3 }),
        fc.array(
          fc.dictionary(
            fc.constantFrom(
              'name',
              'type',
              'contract',
              'channel',
              'url',
              'odps',
            ),
            fc.jsonValue({ maxDepth: 2 }),
          ),
          { maxLength: 3 },
        ),
      ),
      { maxKeys: 8 },
    ),
    fc.jsonValue({ maxDepth: 2 }),
  ),
});

describe('DataProduct validator, on generated entities', () => {
  it('accepts every valid product', () => {
    fc.assert(
      fc.property(validProduct, product => {
        expect(outcomeOf(isValidDataProductEntity, product)).toEqual({
          valid: true,
        });
      }),
      { numRuns: 500 },
    );
  });

  it('refuses every product with one bad field, naming that field', () => {
    fc.assert(
      fc.property(validProduct, mutation, (valid, { field, apply }) => {
        // Generated values are shared while shrinking: change a copy.
        const product = structuredClone(valid);
        apply(product);
        const { error } = outcomeOf(isValidDataProductEntity, product);
        expectFieldError(error);
        expect(error!.message).toContain(`${field}: `);
      }),
      { numRuns: 1000 },
    );
  });

  it('answers any JSON with a boolean or an InputError naming a field, never anything else', () => {
    fc.assert(
      fc.property(
        fc.oneof(chaoticProduct, fc.jsonValue({ maxDepth: 3 })),
        entity => {
          expect(answerOf(isValidDataProductEntity, entity)).toMatch(ANSWER);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

const policy = fc.record(
  {
    id: fc.oneof(slug, fc.string({ maxLength: 10 })),
    title: text,
    severity: fc.oneof(
      fc.constantFrom('error', 'warning'),
      fc.jsonValue({ maxDepth: 0 }),
    ),
    enforcement: fc.oneof(
      fc.constantFrom('draft', 'warn', 'enforce', 'retired'),
      fc.string({ maxLength: 6 }),
    ),
    appliesTo: fc.oneof(fc.constant('true'), fc.string({ maxLength: 10 })),
    rule: fc.oneof(
      fc.constant("entity.spec.classification != 'public'"),
      fc.jsonValue({ maxDepth: 0 }),
    ),
  },
  { requiredKeys: [] },
);

const domain = fc.record({
  apiVersion: fc.oneof(
    fc.constant(DATA_MESH_API_VERSION),
    fc.jsonValue({ maxDepth: 0 }),
  ),
  kind: fc.oneof(fc.constant('Domain'), fc.string({ maxLength: 8 })),
  metadata: fc.record({ name: slug }),
  spec: fc.oneof(
    fc.record(
      {
        owner: fc.oneof(ref('group'), badRef, notAString),
        type: fc.oneof(text, notAString),
        subdomainOf: fc.oneof(ref('domain'), badRef),
        dataSteward: fc.oneof(ref('user'), badRef),
        policies: fc.oneof(fc.array(policy, { maxLength: 3 }), notAString),
      },
      { requiredKeys: [] },
    ),
    fc.jsonValue({ maxDepth: 2 }),
  ),
});

describe('data mesh Domain validator, on generated entities', () => {
  it('answers with a boolean or an InputError naming a field', () => {
    fc.assert(
      fc.property(domain, entity => {
        expect(answerOf(isValidDataMeshDomainEntity, entity)).toMatch(ANSWER);
      }),
      { numRuns: 1000 },
    );
  });

  it('accepts every domain with an owner and well-formed policies', () => {
    const goodPolicy = fc.record(
      {
        id: slug,
        severity: fc.constantFrom('error', 'warning'),
        enforcement: fc.constantFrom('draft', 'warn', 'enforce', 'retired'),
        rule: fc.constant('true'),
      },
      { requiredKeys: ['id', 'rule'] },
    );
    fc.assert(
      fc.property(
        slug,
        ref('group'),
        fc.array(goodPolicy, { maxLength: 3 }),
        (name, owner, policies) => {
          const entity = {
            apiVersion: DATA_MESH_API_VERSION,
            kind: 'Domain',
            metadata: { name },
            spec: { owner, policies },
          };
          expect(isValidDataMeshDomainEntity(entity)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
