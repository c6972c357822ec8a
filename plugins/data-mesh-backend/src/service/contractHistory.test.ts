import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
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
import {
  taskState,
  TestBackend,
  triggerTask,
  waitFor,
} from '../__testUtils__/backends';
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

jest.setTimeout(240_000);

/*
 * Contract history through the real plugin, catalog and scheduler: the history pass records
 * each definition of a contract as the catalog changes it; a breaking change notifies the
 * owners of exactly the consumers relying on the contract (products reading it on an input
 * port, an active usage agreement), one notification per owner; a non-breaking change
 * notifies nobody. The versions and the diff between two are served to whoever may read the
 * contract.
 */

const ADMIN = 'user:default/admin';
const ALICE = 'user:default/alice';
const TASK = 'data-mesh-contract-history';
const CONTRACT = 'api:default/orders-contract';

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

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
/** Alice may not read what is labelled secret. */
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

const ID = { name: 'id', logicalType: 'integer', required: true };
const AMOUNT = { name: 'amount', logicalType: 'number' };
const NOTE = { name: 'note', logicalType: 'string' };
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

const reader = (name: string, owner: string) => ({
  apiVersion: 'datamesh-portal.io/v1alpha1',
  kind: 'DataProduct',
  metadata: { name },
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
  ...['sales', 'finance', 'research', 'ops'].map(name => ({
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
  // A contract Alice may not read.
  {
    kind: 'API',
    metadata: { name: 'secret-contract', labels: { secret: 'true' } },
    spec: {
      type: 'odcs',
      lifecycle: 'production',
      owner: 'ops',
      definition: YAML.stringify(contract('1.0.0', [ID])),
    },
  },
  // Finance owns two readers: one notification for both.
  reader('billing', 'finance'),
  reader('reporting', 'finance'),
  {
    apiVersion: 'datamesh-portal.io/v1alpha1',
    kind: 'DataProduct',
    metadata: { name: 'unrelated' },
    spec: { owner: 'ops', domain: 'sales', status: 'active' },
  },
];

/** The contract's own file, which the test rewrites as a producer would. */
const contractFile = (definition: object) =>
  YAML.stringify({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'API',
    metadata: { name: 'orders-contract', title: 'Orders' },
    spec: {
      type: 'odcs',
      lifecycle: 'production',
      owner: 'sales',
      definition: YAML.stringify(definition),
    },
  });

describe.each(databases.eachSupportedId())(
  'Contract history on %s',
  databaseId => {
    let backend: TestBackend;
    let database: RouteTestDatabase;
    const notifications = notificationsStub();
    const admin = dataMeshApi(() => backend, ADMIN);
    const alice = dataMeshApi(() => backend, ALICE);
    const directory = createMockDirectory();
    const adminHeader = mockCredentials.user.header(ADMIN);

    /** Rewrites the contract's file and waits until the catalog holds `version`. */
    async function publish(definition: ReturnType<typeof contract>) {
      directory.setContent({
        'warehouse.duckdb': '',
        'orders-contract.yaml': contractFile(definition),
      });
      await waitFor(
        `version ${definition.version} in the catalog`,
        async () => {
          await request(backend.server)
            .post('/api/catalog/refresh')
            .set('Authorization', adminHeader)
            .send({ entityRef: CONTRACT });
          const res = await request(backend.server)
            .get('/api/catalog/entities/by-name/api/default/orders-contract')
            .set('Authorization', adminHeader);
          return (
            res.status === 200 &&
            YAML.parse(res.body.spec.definition).version === definition.version
          );
        },
      );
    }

    /** Runs the history pass to its end. */
    async function runPass() {
      const before = (await taskState(backend, TASK)).taskState?.lastRunEndedAt;
      await triggerTask(backend, TASK);
      await waitFor('the history pass to end', async () => {
        const state = (await taskState(backend, TASK)).taskState;
        return state?.status === 'idle' && state.lastRunEndedAt !== before;
      });
    }

    beforeAll(async () => {
      database = await routeTestDatabase(databases, databaseId);
      directory.setContent({
        'orders-contract.yaml': contractFile(contract('1.0.0', [ID, AMOUNT])),
      });
      backend = await startRouteTestBackend({
        catalog: [
          ...docs,
          {
            kind: 'Location',
            metadata: { name: 'contracts' },
            spec: {
              type: 'file',
              target: join(directory.path, 'orders-contract.yaml'),
            },
          },
        ],
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
          // The default policies, among them contract-versions-cover-changes.
          governance: { waivers: { schedule: QUIET_SCHEDULE } },
          access: { schedule: QUIET_SCHEDULE },
          contractTests: {
            schedule: QUIET_SCHEDULE,
            newContractsSchedule: QUIET_SCHEDULE,
          },
          contractHistory: {
            schedule: {
              frequency: { trigger: 'manual' },
              timeout: { minutes: 1 },
            },
          },
        },
        features: [
          permissions,
          userInfo,
          notifications.factory,
          schedulerServiceFactory,
        ],
      });
      for (const name of ['orders', 'billing', 'reporting']) {
        await waitForRelation(
          backend,
          name,
          name === 'orders' ? 'providesApi' : 'consumesApi',
          adminHeader,
        );
      }
      // The relation can come before the contract's entity, which the grant reads.
      await waitFor('the contract in the catalog', async () => {
        const res = await request(backend.server)
          .get('/api/catalog/entities/by-name/api/default/orders-contract')
          .set('Authorization', adminHeader);
        return res.status === 200;
      });
      // Research reads the port under an agreement (approved at once) relying on 1.0.0.
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
      // Only what the history tells counts below (not the agreement's approval).
      notifications.sent.length = 0;
    });

    afterAll(async () => {
      await backend?.stop();
      await database?.destroy();
    });

    /** What the history sent (governance tells owners of a policy failing on its own). */
    const contractNotifications = () =>
      notifications.sent.filter(n => n.title.startsWith('Breaking change'));

    const versionsOf = async () =>
      (await admin.get('/contracts/api/default/orders-contract/versions')).body
        .items as Array<{ version: string; hash: string; firstSeenAt: string }>;

    it('records the first definition seen without notifying anyone', async () => {
      await runPass();
      const versions = await versionsOf();
      expect(versions).toEqual([
        {
          contractRef: CONTRACT,
          version: '1.0.0',
          hash: expect.stringMatching(/^[0-9a-f]{64}$/),
          firstSeenAt: expect.any(String),
        },
      ]);
      // A pass that finds nothing new records nothing.
      await runPass();
      expect(await versionsOf()).toEqual(versions);
      expect(contractNotifications()).toEqual([]);
    });

    it('notifies the owners of exactly the affected consumers, once each, of a breaking change', async () => {
      await publish(contract('2.0.0', [ID]));
      await runPass();
      const versions = await versionsOf();
      expect(versions.map(v => v.version)).toEqual(['2.0.0', '1.0.0']);
      const title = 'Breaking change to contract Orders: 1.0.0 to 2.0.0';
      expect(
        [...contractNotifications()].sort((a, b) =>
          String(a.entityRef).localeCompare(String(b.entityRef)),
        ),
      ).toEqual([
        { entityRef: 'group:default/finance', title },
        { entityRef: 'group:default/research', title },
      ]);
    });

    it('notifies nobody of a non-breaking change', async () => {
      await publish(contract('2.1.0', [ID, NOTE]));
      await runPass();
      expect((await versionsOf()).map(v => v.version)).toEqual([
        '2.1.0',
        '2.0.0',
        '1.0.0',
      ]);
      expect(contractNotifications()).toHaveLength(2);
    });

    it('serves the diff between two versions, by version or content hash', async () => {
      const [latest, , first] = await versionsOf();
      const res = await admin.get(
        `/contracts/api/default/orders-contract/diff?from=1.0.0&to=${latest.hash}`,
      );
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        contractRef: CONTRACT,
        from: { version: '1.0.0', hash: first.hash },
        to: { version: '2.1.0' },
        required: 'major',
        declared: 'major',
        covered: true,
        breaking: true,
      });
      expect(res.body.changes.map((c: any) => [c.rule, c.severity])).toEqual([
        ['property-removed', 'breaking'],
        ['property-added', 'non-breaking'],
      ]);
      // Without from and to: the latest against the one before it.
      const latestDiff = await alice.get(
        '/contracts/api/default/orders-contract/diff',
      );
      expect(latestDiff.body).toMatchObject({
        from: { version: '2.0.0' },
        to: { version: '2.1.0' },
        required: 'minor',
        declared: 'minor',
        covered: true,
        breaking: false,
      });
    });

    it('serves the history only to callers who may read the contract', async () => {
      for (const path of ['versions', 'diff?from=1.0.0&to=1.0.0']) {
        const url = `/contracts/api/default/secret-contract/${path}`;
        expect((await admin.get(url)).status).toBe(200);
        const hidden = await alice.get(url);
        expect(hidden.status).toBe(404);
        expect(hidden.body.error.message).toBe(
          'No entity api:default/secret-contract',
        );
      }
    });

    /** Waits until the version policy of the product providing the contract has `outcome`. */
    const versionPolicyIs = (outcome: string) =>
      waitFor(
        `contract-versions-cover-changes to ${outcome}`,
        async () => {
          const res = await admin.get('/governance/dataproduct/default/orders');
          return (
            res.body.results?.find(
              (r: any) => r.id === 'contract-versions-cover-changes',
            )?.outcome === outcome
          );
        },
        30_000,
      );

    it('fails the version policy of the providing product while a version does not cover its changes', async () => {
      // Every change so far declared a large enough bump.
      await versionPolicyIs('pass');
      // Dropping a property needs a major version; 2.1.1 is a patch.
      await publish(contract('2.1.1', [ID]));
      await runPass();
      await versionPolicyIs('fail');
      // Consumers hear of the breaking change all the same.
      expect(
        contractNotifications()
          .slice(2)
          .map(n => n.title),
      ).toEqual([
        'Breaking change to contract Orders: 2.1.0 to 2.1.1',
        'Breaking change to contract Orders: 2.1.0 to 2.1.1',
      ]);
      // A new major version covers it.
      await publish(contract('3.0.0', [ID]));
      await runPass();
      await versionPolicyIs('pass');
    });

    it.each([
      [
        'an unknown contract',
        '/contracts/api/default/nope/versions',
        404,
        'No entity api:default/nope',
      ],
      [
        'an entity that is no contract',
        '/contracts/dataproduct/default/orders/versions',
        400,
        /is not a data contract/,
      ],
      [
        'an unknown version',
        '/contracts/api/default/orders-contract/diff?from=9.9.9',
        404,
        /^from: api:default\/orders-contract has no recorded definition "9.9.9"/,
      ],
      [
        'no version before the first',
        '/contracts/api/default/orders-contract/diff?to=1.0.0',
        400,
        /^from: .* has no definition before 1.0.0/,
      ],
    ])('refuses %s', async (_, path, status, message) => {
      const res = await admin.get(path);
      expect(res.status).toBe(status);
      expect(res.body.error.message).toMatch(message);
    });
  },
);
