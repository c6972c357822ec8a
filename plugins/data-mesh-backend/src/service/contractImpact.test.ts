import {
  BackstageCredentials,
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  createMockDirectory,
  mockCredentials,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { join } from 'path';
import request from 'supertest';
import YAML from 'yaml';
import { TestBackend, waitFor } from '../__testUtils__/backends';
import {
  RouteTestDatabase,
  routeTestDatabase,
} from '../__testUtils__/routeDatabases';
import {
  dataMeshApi,
  mockPermissions,
  notificationsStub,
  QUIET_SCHEDULE,
  startRouteTestBackend,
  userOf,
  waitForRelation,
} from '../__testUtils__/routeTests';

jest.setTimeout(180_000);

/*
 * POST /contracts/impact through the real plugin and catalog: the changes a proposed
 * definition makes, and who relies on the contract (products reading it on an input port, an
 * active usage agreement made through the access API), naming only what the caller may read;
 * bad input answers 400 naming the field, a contract the caller may not read 404.
 */

const ADMIN = 'user:default/admin';
const ALICE = 'user:default/alice';

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

/** Alice is a member of research; she may not read what is labelled secret. */
const userInfo = createServiceFactory({
  service: coreServices.userInfo,
  deps: {},
  factory: () => ({
    async getUserInfo(credentials: BackstageCredentials) {
      const user = userOf(credentials)!;
      return {
        userEntityRef: user,
        ownershipEntityRefs:
          user === ALICE ? [user, 'group:default/research'] : [user],
      };
    },
  }),
});
const permissions = mockPermissions(
  () => AuthorizeResult.ALLOW,
  credentials =>
    userOf(credentials) === ALICE
      ? {
          result: AuthorizeResult.CONDITIONAL,
          pluginId: 'catalog',
          resourceType: 'catalog-entity',
          conditions: {
            not: {
              rule: 'HAS_LABEL',
              resourceType: 'catalog-entity',
              params: { label: 'secret' },
            },
          },
        }
      : { result: AuthorizeResult.ALLOW },
);

const contract = (version: string, properties: object[]) => ({
  apiVersion: 'v3.1.0',
  kind: 'DataContract',
  id: 'orders',
  version,
  status: 'active',
  servers: [
    { server: 'warehouse', type: 'duckdb', database: 'warehouse.duckdb' },
  ],
  schema: [{ name: 'orders', properties }],
});
const ID = { name: 'id', logicalType: 'integer', required: true };
const AMOUNT = { name: 'amount', logicalType: 'number' };
const CURRENT = contract('1.0.0', [ID, AMOUNT]);

const reader = (name: string, owner: string, labels?: object) => ({
  apiVersion: 'datamesh-portal.io/v1alpha1',
  kind: 'DataProduct',
  metadata: { name, ...(labels ? { labels } : {}) },
  spec: {
    owner,
    domain: 'sales',
    status: 'active',
    inputPorts: [
      {
        name: 'orders-in',
        dataProduct: 'orders',
        outputPort: 'orders',
        contract: 'orders-contract',
      },
    ],
  },
});

const docs = [
  ...['sales', 'finance', 'research', 'spies'].map(name => ({
    kind: 'Group',
    metadata: { name },
  })),
  {
    apiVersion: 'datamesh-portal.io/v1alpha1',
    kind: 'Domain',
    metadata: { name: 'sales' },
    spec: { owner: 'sales' },
  },
  {
    apiVersion: 'datamesh-portal.io/v1alpha1',
    kind: 'DataProduct',
    metadata: { name: 'orders' },
    spec: {
      owner: 'sales',
      domain: 'sales',
      status: 'active',
      classification: 'internal',
      outputPorts: [
        {
          name: 'orders',
          type: 'table',
          contract: 'orders-contract',
          access: { approval: 'automatic' },
        },
      ],
    },
  },
  {
    kind: 'API',
    metadata: { name: 'orders-contract' },
    spec: {
      type: 'odcs',
      lifecycle: 'production',
      owner: 'sales',
      definition: YAML.stringify(CURRENT),
    },
  },
  {
    kind: 'API',
    metadata: { name: 'secret-contract', labels: { secret: 'true' } },
    spec: {
      type: 'odcs',
      lifecycle: 'production',
      owner: 'spies',
      definition: YAML.stringify(CURRENT),
    },
  },
  reader('billing', 'finance'),
  reader('hidden-reader', 'spies', { secret: 'true' }),
  {
    apiVersion: 'datamesh-portal.io/v1alpha1',
    kind: 'DataProduct',
    metadata: { name: 'unrelated' },
    spec: { owner: 'research', domain: 'sales', status: 'active' },
  },
];

describe.each(databases.eachSupportedId())(
  'POST /contracts/impact on %s',
  databaseId => {
    let backend: TestBackend;
    let database: RouteTestDatabase;
    const admin = dataMeshApi(() => backend, ADMIN);
    const alice = dataMeshApi(() => backend, ALICE);
    const directory = createMockDirectory();

    beforeAll(async () => {
      database = await routeTestDatabase(databases, databaseId);
      backend = await startRouteTestBackend({
        catalog: docs,
        kinds: ['DataProduct', 'Domain', 'Group', 'API', 'Location'],
        config: database.config,
        dataMesh: {
          servers: {
            warehouse: {
              type: 'duckdb',
              path: join(directory.path, 'warehouse.duckdb'),
            },
          },
          scorecards: { schedule: QUIET_SCHEDULE },
          governance: {
            defaultPolicies: false,
            waivers: { schedule: QUIET_SCHEDULE },
          },
          access: { schedule: QUIET_SCHEDULE },
          contractTests: {
            schedule: QUIET_SCHEDULE,
            newContractsSchedule: QUIET_SCHEDULE,
          },
        },
        features: [permissions, userInfo, notificationsStub().factory],
      });
      for (const name of ['orders', 'billing', 'hidden-reader']) {
        await waitForRelation(
          backend,
          name,
          name === 'orders' ? 'providesApi' : 'consumesApi',
          mockCredentials.user.header(ADMIN),
        );
      }
      await waitFor('the contracts in the catalog', async () => {
        for (const name of ['orders-contract', 'secret-contract']) {
          const res = await request(backend.server)
            .get(`/api/catalog/entities/by-name/api/default/${name}`)
            .set('Authorization', mockCredentials.user.header(ADMIN));
          if (res.status !== 200) return false;
        }
        return true;
      });
      // Research reads the port under an agreement, approved at once (a DuckDB port).
      const agreement = await alice.post('/access-requests', {
        productRef: 'dataproduct:default/orders',
        outputPort: 'orders',
        consumerRef: 'group:default/research',
        purpose: 'Order volumes for the research team',
        contractVersion: '1.0.0',
      });
      if (agreement.status !== 201 || agreement.body.state !== 'active') {
        throw new Error(
          `No active agreement: ${agreement.status} ${JSON.stringify(
            agreement.body,
          )}`,
        );
      }
    });

    afterAll(async () => {
      await backend?.stop();
      await database?.destroy();
    });

    const impact = (body: object, caller = admin) =>
      caller.post('/contracts/impact', body);

    it('lists a breaking change and every consumer with its owners', async () => {
      const res = await impact({
        contractRef: 'api:default/orders-contract',
        definition: contract('2.0.0', [ID]),
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        contractRef: 'api:default/orders-contract',
        currentVersion: '1.0.0',
        proposedVersion: '2.0.0',
        required: 'major',
        declared: 'major',
        covered: true,
        breaking: true,
      });
      expect(res.body.changes).toEqual([
        expect.objectContaining({
          rule: 'property-removed',
          severity: 'breaking',
          path: 'schema[orders].properties[amount]',
        }),
      ]);
      expect(res.body.consumers).toEqual([
        {
          entityRef: 'dataproduct:default/billing',
          kind: 'input-port',
          port: 'orders-in',
          owners: ['group:default/finance'],
        },
        {
          entityRef: 'dataproduct:default/hidden-reader',
          kind: 'input-port',
          port: 'orders-in',
          owners: ['group:default/spies'],
        },
        {
          entityRef: 'group:default/research',
          kind: 'agreement',
          port: 'orders',
          productRef: 'dataproduct:default/orders',
          agreementId: expect.any(String),
          contractVersion: '1.0.0',
          owners: ['group:default/research'],
        },
      ]);
    });

    it('names only the consumers the caller may read', async () => {
      const res = await impact(
        {
          contractRef: 'orders-contract',
          definition: YAML.stringify(contract('1.1.0', [ID, AMOUNT])),
        },
        alice,
      );
      expect(res.status).toBe(200);
      expect(res.body.consumers.map((c: any) => c.entityRef)).toEqual([
        'dataproduct:default/billing',
        'group:default/research',
      ]);
    });

    it('says when the version does not cover the changes', async () => {
      const res = await impact({
        contractRef: 'api:default/orders-contract',
        definition: contract('1.1.0', [
          ID,
          { ...AMOUNT, logicalType: 'string' },
        ]),
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        required: 'major',
        declared: 'minor',
        covered: false,
        breaking: true,
      });
    });

    it('finds nothing to change in the same definition', async () => {
      const res = await impact({
        contractRef: 'api:default/orders-contract',
        definition: CURRENT,
      });
      expect(res.body).toMatchObject({
        required: 'none',
        declared: 'none',
        covered: true,
        breaking: false,
        changes: [],
      });
    });

    it.each([
      ['no contractRef', { definition: CURRENT }, 400, /contractRef/],
      [
        'a contractRef that is no ref',
        { contractRef: 'a:b:c/d', definition: CURRENT },
        400,
        /^contractRef: "a:b:c\/d" is not an entity ref/,
      ],
      [
        'an entity that is no contract',
        { contractRef: 'dataproduct:default/orders', definition: CURRENT },
        400,
        'contractRef: dataproduct:default/orders is not a data contract (an API of spec.type odcs)',
      ],
      [
        'an unknown contract',
        { contractRef: 'api:default/nope', definition: CURRENT },
        404,
        'No entity api:default/nope',
      ],
      [
        'a definition that is not a contract',
        { contractRef: 'orders-contract', definition: 42 },
        400,
        /^definition: /,
      ],
      [
        'a definition that breaks the ODCS schema',
        {
          contractRef: 'orders-contract',
          definition: contract('2.0.0', [{ name: 'id', logicalType: 'strin' }]),
        },
        400,
        /^definition: .*schema\[0\]\.properties\[0\]\.logicalType/,
      ],
      [
        'a version that is not semantic',
        { contractRef: 'orders-contract', definition: contract('two', [ID]) },
        400,
        /^definition\.version: "two" is not a semantic version/,
      ],
      [
        'a version going down',
        { contractRef: 'orders-contract', definition: contract('0.9.0', [ID]) },
        400,
        'definition.version: 0.9.0 is lower than the previous version 1.0.0',
      ],
    ])('refuses %s', async (_, body, status, message) => {
      const res = await impact(body);
      expect(res.status).toBe(status);
      expect(res.body.error.message).toMatch(message);
    });

    it('answers 404 for a contract the caller may not read', async () => {
      const body = {
        contractRef: 'api:default/secret-contract',
        definition: CURRENT,
      };
      expect((await impact(body)).status).toBe(200);
      const hidden = await impact(body, alice);
      expect(hidden.status).toBe(404);
      expect(hidden.body.error.message).toBe(
        'No entity api:default/secret-contract',
      );
    });
  },
);
