import {
  mockCredentials,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { JsonObject } from '@backstage/types';
import {
  DataProductEntityV1alpha1,
  GovernanceResult,
} from '@datamesh-portal/plugin-data-mesh-common';
import { TestBackend } from '../__testUtils__/backends';
import {
  dataMeshApi,
  mockPermissions,
  notificationsStub,
  QUIET_SCHEDULE,
  startRouteTestBackend,
  waitForRelation,
} from '../__testUtils__/routeTests';
import { createDataMeshStores } from '../database/stores';
import { readDataMeshBackendConfig } from './config';
import { EvaluationService } from './EvaluationService';

jest.setTimeout(120_000);

/*
 * Hostile domain policies on every path of the backend (issue 15): the scheduled pass, the
 * re-evaluation of a stored product and the dry run, as the service runs them and through the
 * REST API. A domain's hostile policies cost its own products `error` outcomes, and the products
 * of other domains, evaluated in the same pass, nothing. Only data mesh Domains have policies.
 */

const DATA_MESH = 'datamesh-portal.io/v1alpha1';

// Each compiles within its cost bound and takes about 30 ms (3,000 matches): 40 of them are
// more than a second of work, against 100 ms a product.
const LONG_POLICIES = Array.from({ length: 40 }, (_, i) => ({
  id: `hostile-long-${i}`,
  rule: "facts.probe.items.all(i, i.name.matches('^item-[0-9]+$'))",
}));

/** Policies that the catalog module refuses: a domain stored before it, or without it. */
const REFUSED_POLICIES = [
  { id: 'hostile-proto', rule: 'entity.__proto__ == null' },
  {
    id: 'hostile-nested',
    rule: 'facts.probe.items.all(a, facts.probe.items.exists(b, b.name == a.name))',
  },
  {
    id: 'hostile-regex',
    rule: "facts.probe.text.matches('^((a{1,9}){1,9}){1,9}$')",
  },
];

/** Policies that compile, and err or fail on the hostile product. */
const RUNTIME_POLICIES = [
  { id: 'hostile-constructor', rule: 'entity.constructor == null' },
  { id: 'hostile-backtrack', rule: "facts.probe.text.matches('a*a*a*a*b')" },
  {
    id: 'hostile-applies',
    appliesTo: 'entity.constructor == null',
    rule: 'true',
  },
];

const domain = (
  name: string,
  policies: JsonObject[],
  apiVersion = DATA_MESH,
): Entity => ({
  apiVersion,
  kind: 'Domain',
  metadata: { name, namespace: 'default' },
  spec: { owner: 'group:default/team', policies },
});

const product = (
  name: string,
  inDomain: string,
): DataProductEntityV1alpha1 => ({
  apiVersion: DATA_MESH,
  kind: 'DataProduct',
  metadata: { name, namespace: 'default' },
  spec: { owner: 'group:default/team', domain: inDomain, status: 'active' },
});

const probeFacts = {
  items: Array.from({ length: 3000 }, (_, i) => ({ name: `item-${i}` })),
  text: 'a'.repeat(200),
};

const dataMeshConfig = {
  scorecards: {
    defaultChecks: false,
    checks: [
      { id: 'named', title: 'Named', rule: 'has(entity.metadata.name)' },
    ],
    schedule: QUIET_SCHEDULE,
    productTimeout: { milliseconds: 100 },
  },
  governance: {
    defaultPolicies: false,
    policies: [{ id: 'global-named', rule: 'has(entity.metadata.name)' }],
  },
};

const outcomes = (results: GovernanceResult[]) =>
  Object.fromEntries(results.map(r => [r.id, r.outcome]));

/** What the hostile domain's product gets: errors for the hostile policies, nothing else. */
function expectHostileResults(results: GovernanceResult[]) {
  const byId = new Map(results.map(r => [r.id, r]));
  expect(byId.get('global-named')?.outcome).toBe('pass');
  for (const { id } of REFUSED_POLICIES) {
    expect(byId.get(id)).toMatchObject({
      outcome: 'error',
      blocking: true,
      message: expect.stringMatching(/^the policy does not compile: /),
    });
  }
  expect(byId.get('hostile-constructor')).toMatchObject({
    outcome: 'error',
    message: 'no such key: constructor',
  });
  // RE2: linear on 200 characters, where backtracking took seconds.
  expect(byId.get('hostile-backtrack')?.outcome).toBe('fail');
  expect(byId.get('hostile-applies')).toMatchObject({
    outcome: 'error',
    message: 'appliesTo: no such key: constructor',
  });
  // The product's 100 ms ran out within the long policies: the last one did not run.
  const timedOut = LONG_POLICIES.filter(
    ({ id }) => byId.get(id)?.outcome === 'error',
  );
  expect(timedOut.length).toBeGreaterThan(0);
  expect(byId.get(LONG_POLICIES[LONG_POLICIES.length - 1].id)).toMatchObject({
    outcome: 'error',
    message: 'timed out: the rules of one evaluation may run for 100 ms in all',
  });
}

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

describe.each(databases.eachSupportedId())(
  'hostile domain policies in the evaluation service on %p',
  databaseId => {
    const entities: Entity[] = [
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Group',
        metadata: { name: 'team', namespace: 'default' },
        spec: { type: 'team', children: [] },
      },
      domain('hostile', [
        ...REFUSED_POLICIES,
        ...RUNTIME_POLICIES,
        ...LONG_POLICIES,
      ]),
      // More policies than the limit of 50: the catalog refuses it, the backend evaluates 50.
      domain(
        'crowded',
        Array.from({ length: 60 }, (_, i) => ({
          id: `crowded-${i}`,
          rule: 'true',
        })),
      ),
      domain('calm', [{ id: 'calm-named', rule: 'has(entity.metadata.name)' }]),
      // A built-in Domain: its spec.policies were never validated, and are not read.
      domain(
        'legacy',
        [{ id: 'legacy-never', rule: 'false' }],
        'backstage.io/v1alpha1',
      ),
      product('hostile-product', 'hostile'),
      product('crowded-product', 'crowded'),
      product('calm-product', 'calm'),
      product('legacy-product', 'legacy'),
    ];

    async function setup() {
      const knex = await databases.init(databaseId);
      const stores = await createDataMeshStores({
        database: mockServices.database({ knex }),
      });
      const evaluations = new EvaluationService({
        config: readDataMeshBackendConfig(
          new ConfigReader({ dataMesh: dataMeshConfig }),
        ),
        catalog: catalogServiceMock({ entities }),
        auth: mockServices.auth(),
        stores,
        logger: mockServices.logger.mock(),
      });
      for (const name of ['hostile-product', 'calm-product']) {
        await stores.facts.addFacts({
          entityRef: `dataproduct:default/${name}`,
          source: 'probe',
          facts: name === 'hostile-product' ? probeFacts : { text: 'ab' },
          observedAt: new Date(),
        });
      }
      return { stores, evaluations };
    }

    it('costs the products of a hostile domain errors in the pass, and the others nothing', async () => {
      const { stores, evaluations } = await setup();
      expect(await evaluations.evaluateAll()).toEqual({ products: 4 });
      const stored = async (name: string) =>
        (await stores.scorecards.getScorecard(`dataproduct:default/${name}`))!;

      const hostile = await stored('hostile-product');
      expect(hostile.checks).toEqual([{ id: 'named', outcome: 'pass' }]);
      expectHostileResults(hostile.policyResults);
      expect(hostile.compliant).toBe(false);

      const calm = await stored('calm-product');
      expect(calm).toMatchObject({ score: 100, compliant: true });
      expect(outcomes(calm.policyResults)).toEqual({
        'global-named': 'pass',
        'calm-named': 'pass',
      });

      const crowded = await stored('crowded-product');
      expect(crowded.policyResults).toHaveLength(52);
      expect(crowded.policyResults[51]).toMatchObject({
        id: 'crowded-50',
        outcome: 'error',
        message:
          'not evaluated: domain:default/crowded has 60 policies, more than the limit of 50; this one and the 9 after it are left out',
      });

      const legacy = await stored('legacy-product');
      expect(outcomes(legacy.policyResults)).toEqual({
        'global-named': 'pass',
      });
      expect(legacy.compliant).toBe(true);
    });

    it('does the same when a product is evaluated again, and in a dry run', async () => {
      const { evaluations } = await setup();
      const [hostile, calm] = await evaluations.evaluateAndSave([
        entities.find(e => e.metadata.name === 'hostile-product')!,
        entities.find(e => e.metadata.name === 'calm-product')!,
      ]);
      expectHostileResults(hostile.policyResults);
      expect(calm.compliant).toBe(true);

      const credentials = mockCredentials.user();
      const draftHostile = await evaluations.dryRun(
        product('hostile-draft', 'hostile'),
        { probe: probeFacts },
        credentials,
      );
      expectHostileResults(draftHostile.governance.results);
      const draftCalm = await evaluations.dryRun(
        product('calm-draft', 'calm'),
        { probe: { text: 'ab' } },
        credentials,
      );
      expect(draftCalm.governance).toEqual({
        compliant: true,
        results: [
          expect.objectContaining({ id: 'global-named', outcome: 'pass' }),
          expect.objectContaining({ id: 'calm-named', outcome: 'pass' }),
        ],
      });
    });

    it('lists policies of data mesh Domains only', async () => {
      const { evaluations } = await setup();
      const legacy = entities.find(e => e.metadata.name === 'legacy')!;
      const calm = entities.find(e => e.metadata.name === 'calm')!;
      expect(evaluations.policiesOf([legacy, calm]).map(p => p.id)).toEqual([
        'global-named',
        'calm-named',
      ]);
      const legacyProduct = entities.find(
        e => e.metadata.name === 'legacy-product',
      )!;
      expect(
        (await evaluations.policiesFor(legacyProduct)).map(p => p.id),
      ).toEqual(['global-named']);
    });
  },
);

describe('hostile domain policies through the REST API', () => {
  let backend: TestBackend;
  const OWNER = 'user:default/ada';
  const { get, post } = dataMeshApi(() => backend, OWNER);

  beforeAll(async () => {
    backend = await startRouteTestBackend({
      // The catalog module lets in only what compiles within its bounds: the long policies
      // and those that fail at run time.
      catalog: [
        { kind: 'Group', metadata: { name: 'team' } },
        {
          apiVersion: DATA_MESH,
          kind: 'Domain',
          metadata: { name: 'hostile' },
          spec: {
            owner: 'team',
            policies: [...RUNTIME_POLICIES, ...LONG_POLICIES],
          },
        },
        {
          apiVersion: DATA_MESH,
          kind: 'Domain',
          metadata: { name: 'calm' },
          spec: {
            owner: 'team',
            policies: [{ id: 'calm-named', rule: 'has(entity.metadata.name)' }],
          },
        },
        // A built-in Domain with policies: the catalog keeps it, the backend ignores them.
        {
          kind: 'Domain',
          metadata: { name: 'legacy' },
          spec: {
            owner: 'team',
            policies: [{ id: 'legacy-never', rule: 'false' }],
          },
        },
        ...['hostile', 'calm', 'legacy'].map(name => ({
          apiVersion: DATA_MESH,
          kind: 'DataProduct',
          metadata: { name: `${name}-product` },
          spec: { owner: 'team', domain: name, status: 'active' },
        })),
      ],
      dataMesh: dataMeshConfig,
      features: [
        mockPermissions(() => AuthorizeResult.ALLOW),
        notificationsStub().factory,
      ],
    });
    await waitForRelation(backend, 'legacy-product', 'partOf');
  });

  afterAll(() => backend?.stop());

  const draft = (name: string, inDomain: string) => ({
    entity: product(name, inDomain),
  });

  it('answers a dry run in a hostile domain with errors, and one in another domain as usual', async () => {
    const hostile = await post('/evaluate', {
      ...draft('hostile-draft', 'hostile'),
      facts: { probe: probeFacts },
    });
    expect(hostile.status).toBe(200);
    const byId = outcomes(hostile.body.governance.results);
    expect(byId).toMatchObject({
      'global-named': 'pass',
      'hostile-constructor': 'error',
      'hostile-backtrack': 'fail',
      'hostile-applies': 'error',
      [LONG_POLICIES[LONG_POLICIES.length - 1].id]: 'error',
    });
    expect(hostile.body.governance.compliant).toBe(false);

    const calm = await post('/evaluate', draft('calm-draft', 'calm'));
    expect(calm.status).toBe(200);
    expect(outcomes(calm.body.governance.results)).toEqual({
      'global-named': 'pass',
      'calm-named': 'pass',
    });
  });

  it('evaluates a stored product of a hostile domain with errors, and one of another domain as usual', async () => {
    const hostile = await post(
      '/evaluate/dataproduct/default/hostile-product',
      {},
    );
    expect(hostile.status).toBe(200);
    const calm = await post('/evaluate/dataproduct/default/calm-product', {});
    expect(calm.status).toBe(200);
    expect(calm.body.score).toBe(100);
    const governance = await get(
      '/governance/dataproduct/default/hostile-product',
    );
    expect(governance.body.compliant).toBe(false);
    expect(outcomes(governance.body.results)).toMatchObject({
      'global-named': 'pass',
      'hostile-constructor': 'error',
    });
    const calmGovernance = await get(
      '/governance/dataproduct/default/calm-product',
    );
    expect(outcomes(calmGovernance.body.results)).toEqual({
      'global-named': 'pass',
      'calm-named': 'pass',
    });
  });

  it('refuses a dry run of a product with more than 100 ports, naming the field', async () => {
    const entity = product('many-ports', 'calm');
    entity.spec.outputPorts = Array.from({ length: 101 }, (_, i) => ({
      name: `port-${i}`,
      type: 'table' as const,
    }));
    const res = await post('/evaluate', { entity });
    expect(res.status).toBe(400);
    expect(res.body.error.problems).toEqual([
      { field: 'spec.outputPorts', message: 'must have at most 100 ports' },
    ]);
  });

  it('reads no policy of a built-in Domain: not in /rules, not on its products', async () => {
    const rules = await get('/rules');
    expect(rules.body.policies.map((p: { id: string }) => p.id)).not.toContain(
      'legacy-never',
    );
    const dryRun = await post('/evaluate', draft('legacy-draft', 'legacy'));
    expect(outcomes(dryRun.body.governance.results)).toEqual({
      'global-named': 'pass',
    });
    const stored = await post(
      '/evaluate/dataproduct/default/legacy-product',
      {},
    );
    expect(stored.status).toBe(200);
    expect(
      outcomes(
        (await get('/governance/dataproduct/default/legacy-product')).body
          .results,
      ),
    ).toEqual({ 'global-named': 'pass' });
  });
});
