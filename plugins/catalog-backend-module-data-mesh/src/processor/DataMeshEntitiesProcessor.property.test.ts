import { Entity } from '@backstage/catalog-model';
import { CatalogProcessorResult } from '@backstage/plugin-catalog-node';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { DataMeshEntitiesProcessor } from './DataMeshEntitiesProcessor';

const location = {
  type: 'url',
  target: 'https://example.com/catalog-info.yaml',
};

const slug = fc.stringMatching(/^[a-z][a-z0-9]{0,8}(-[a-z0-9]{1,6}){0,2}$/);
const anyJson = fc.jsonValue({ maxDepth: 2 });
/** A field's expected kind of value most of the time, any JSON now and then. */
const mostly = <T>(arb: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 4, arbitrary: arb }, { weight: 1, arbitrary: anyJson });
const ref = fc.oneof(
  slug,
  slug.map(s => `group:${s}`),
  fc.constantFrom('group:', 'x:y/', ':z', ''),
);

const port = fc.record(
  {
    name: mostly(slug),
    type: mostly(fc.constantFrom('table', 'topic', 'api', 'sheet')),
    dataProduct: mostly(ref),
    outputPort: mostly(slug),
    contract: mostly(ref),
    contractId: mostly(slug),
  },
  { requiredKeys: [] },
);

const product = fc.record({
  apiVersion: fc.constant('datamesh-portal.io/v1alpha1'),
  kind: fc.constant('DataProduct'),
  metadata: fc.record(
    { name: slug, namespace: fc.constantFrom('default', 'finance') },
    { requiredKeys: ['name'] },
  ),
  spec: mostly(
    fc.record(
      {
        owner: mostly(ref),
        domain: mostly(ref),
        status: mostly(fc.constantFrom('active', 'draft', 'live')),
        system: mostly(ref),
        inputPorts: mostly(fc.array(port, { maxLength: 3 })),
        outputPorts: mostly(fc.array(port, { maxLength: 3 })),
        deprecation: mostly(fc.record({ replacedBy: mostly(ref) })),
      },
      { requiredKeys: [] },
    ),
  ),
});

const policy = fc.record(
  {
    id: mostly(slug),
    severity: mostly(fc.constantFrom('error', 'warning')),
    enforcement: mostly(fc.constantFrom('enforce', 'warn', 'draft')),
    appliesTo: mostly(
      fc.constantFrom('true', 'has(entity.spec.personalData)', '('),
    ),
    rule: mostly(
      fc.constantFrom(
        "entity.spec.classification != 'public'",
        'size(entity.spec.outputPorts) > 0',
        'entity.spec.',
        'facts.ci.passed ==',
        '1 + "a"',
      ),
    ),
  },
  { requiredKeys: [] },
);

const domain = fc.record({
  apiVersion: fc.constantFrom(
    'datamesh-portal.io/v1alpha1',
    'backstage.io/v1alpha1',
  ),
  kind: fc.constant('Domain'),
  metadata: fc.record({ name: slug }),
  spec: mostly(
    fc.record(
      {
        owner: mostly(ref),
        subdomainOf: mostly(ref),
        policies: mostly(fc.array(policy, { maxLength: 3 })),
      },
      { requiredKeys: [] },
    ),
  ),
});

const contractDocument = fc.record(
  {
    apiVersion: mostly(fc.constantFrom('v3.1.0', 'v3.0.2')),
    kind: mostly(fc.constant('DataContract')),
    id: mostly(slug),
    version: mostly(fc.constant('1.0.0')),
    status: mostly(fc.constant('active')),
    schema: mostly(
      fc.array(
        fc.record({
          name: slug,
          properties: mostly(
            fc.array(fc.record({ name: mostly(slug) }), { maxLength: 2 }),
          ),
        }),
        { maxLength: 2 },
      ),
    ),
  },
  { requiredKeys: [] },
);

const api = fc.record({
  apiVersion: fc.constant('backstage.io/v1alpha1'),
  kind: fc.constant('API'),
  metadata: fc.record({ name: slug }),
  spec: fc.record({
    type: fc.constant('odcs'),
    lifecycle: fc.constant('production'),
    owner: slug,
    definition: fc.oneof(
      { weight: 4, arbitrary: contractDocument.map(doc => stringify(doc)) },
      { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
      { weight: 1, arbitrary: anyJson },
    ),
  }),
});

// `spec.owner: ...`, `Domain domain:default/x has invalid policies: spec.policies[0]...`,
// `API x: spec.definition is not a valid ODCS contract: The contract ...`.
const NAMES_A_FIELD =
  /^((spec|metadata|apiVersion|kind)(?:[\w.]|\[[^\]]*\])*: \S|Domain \S+ has invalid policies: spec\.policies\[\d+\]|API \S+: spec\.definition is not a valid ODCS contract: The contract (is|must) )/;

const ANSWER = new RegExp(
  `^(relation$|InputError: ${NAMES_A_FIELD.source.slice(1)})`,
);

/** Runs an entity through the processor as the catalog does: validation, then processing. */
async function process(entity: Entity) {
  const processor = new DataMeshEntitiesProcessor({
    globalPolicyIds: ['personal-data-restricted'],
  });
  const emitted: CatalogProcessorResult[] = [];
  let valid: boolean;
  try {
    valid = await processor.validateEntityKind(entity);
  } catch (error) {
    return { validationError: error as Error, emitted };
  }
  // The catalog only processes entities some validator accepted.
  if (
    valid ||
    entity.kind === 'API' ||
    entity.apiVersion === 'backstage.io/v1alpha1'
  ) {
    await processor.postProcessEntity(entity, location, r => emitted.push(r));
  }
  return { valid, emitted };
}

describe('DataMeshEntitiesProcessor, on generated entities', () => {
  it('validates each entity or names the bad field; processing only emits relations and field-named errors', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(product, domain, api) as fc.Arbitrary<Entity>,
        async entity => {
          const { validationError, emitted } = await process(entity);
          // Each thing the processor said, in one line.
          const answers = [
            ...(validationError ? [validationError] : []).map(
              e => `${e.name}: ${e.message}`,
            ),
            ...emitted.map(result => {
              if (result.type === 'error') {
                return `${result.error.name}: ${result.error.message}`;
              }
              if (result.type === 'relation') {
                const { source, target } = result.relation;
                return source.name && target.name
                  ? 'relation'
                  : 'relation without a name';
              }
              return result.type;
            }),
          ];
          for (const answer of answers) expect(answer).toMatch(ANSWER);
        },
      ),
      {
        numRuns: 1000,
        // Found by this property: a definition that is not text gave "text.trim is not a function",
        // and YAML with an unknown tag ("!&") ended in the parser's emitWarning TypeError.
        examples: [
          [
            {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'API',
              metadata: { name: 'a' },
              spec: {
                type: 'odcs',
                lifecycle: 'production',
                owner: 'a',
                definition: '!&',
              },
            },
          ],
          [
            {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'API',
              metadata: { name: 'a' },
              spec: {
                type: 'odcs',
                lifecycle: 'production',
                owner: 'a',
                definition: [],
              },
            },
          ],
        ],
      },
    );
  });
});
