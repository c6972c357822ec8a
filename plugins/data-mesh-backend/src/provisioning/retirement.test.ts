import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  BackstageCredentials,
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  createMockDirectory,
  mockCredentials,
} from '@backstage/backend-test-utils';
import { DuckDBInstance } from '@duckdb/node-api';
import { join } from 'path';
import request from 'supertest';
import YAML from 'yaml';
import { TestBackend, triggerTask, waitFor } from '../__testUtils__/backends';
import {
  dataMeshApi,
  notificationsStub,
  QUIET_SCHEDULE,
  startRouteTestBackend,
  userOf,
} from '../__testUtils__/routeTests';

jest.setTimeout(180_000);

/*
 * Retirement through the real plugin and its scheduled task, on a real DuckDB file: a
 * deprecated product past its sunset has its agreements revoked and its provisioned table
 * dropped (`retiredObjects: drop`) or kept (`keep`), and what was done is its `retirement`
 * facts; a product whose sunset is still ahead is left alone.
 */

const OWNER = 'user:default/ada';
const CONSUMER = 'user:default/alice';

const userInfo = createServiceFactory({
  service: coreServices.userInfo,
  deps: {},
  factory: () => ({
    async getUserInfo(credentials: BackstageCredentials) {
      const user = userOf(credentials)!;
      return {
        userEntityRef: user,
        ownershipEntityRefs:
          user === OWNER
            ? [user, 'group:default/sales-data']
            : [user, 'group:default/research'],
      };
    },
  }),
});

const contract = (name: string, database: string) =>
  YAML.stringify({
    apiVersion: 'v3.1.0',
    kind: 'DataContract',
    id: `${name}-contract`,
    version: '1.0.0',
    status: 'active',
    servers: [{ server: 'lake', type: 'duckdb', database, schema: 'sales' }],
    schema: [
      {
        name: 'orders',
        physicalName: `${name.replace(/-/g, '_')}_orders`,
        properties: [{ name: 'id', logicalType: 'integer', required: true }],
      },
    ],
  });

const product = (name: string, sunset: string) => ({
  apiVersion: 'datamesh-portal.io/v1alpha1',
  kind: 'DataProduct',
  metadata: { name },
  spec: {
    owner: 'sales-data',
    domain: 'sales',
    status: 'deprecated',
    deprecation: { sunset },
    outputPorts: [
      { name: 'orders', type: 'table', contract: `${name}-contract` },
    ],
  },
});

describe.each(['drop', 'keep'] as const)(
  'retirement with retiredObjects %s',
  retiredObjects => {
    let backend: TestBackend;
    const directory = createMockDirectory();
    const lake = join(directory.path, 'lake.duckdb');
    const owner = dataMeshApi(() => backend, OWNER);
    const consumer = dataMeshApi(() => backend, CONSUMER);

    const tables = async () => {
      const instance = await DuckDBInstance.create(lake, {
        access_mode: 'READ_ONLY',
      });
      const connection = await instance.connect();
      try {
        const reader = await connection.runAndReadAll(
          "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'sales' ORDER BY 1",
        );
        return reader.getRowObjectsJS().map(r => String(r.table_name));
      } finally {
        connection.closeSync();
        instance.closeSync();
      }
    };

    beforeAll(async () => {
      const docs = [
        { kind: 'Group', metadata: { name: 'sales-data' } },
        { kind: 'Group', metadata: { name: 'research' } },
        {
          apiVersion: 'datamesh-portal.io/v1alpha1',
          kind: 'Domain',
          metadata: { name: 'sales' },
          spec: { owner: 'sales-data' },
        },
        product('old-orders', '2020-01-31'),
        product('later-orders', '2999-12-31'),
        ...['old-orders', 'later-orders'].map(name => ({
          kind: 'API',
          metadata: { name: `${name}-contract` },
          spec: {
            type: 'odcs',
            lifecycle: 'deprecated',
            owner: 'sales-data',
            definition: contract(name, lake),
          },
        })),
      ];
      backend = await startRouteTestBackend({
        catalog: docs,
        kinds: ['DataProduct', 'Domain', 'Group', 'API', 'Location'],
        dataMesh: {
          servers: { lake: { type: 'duckdb', path: lake } },
          provisioning: {
            servers: { lake: { domains: ['sales'] } },
            retiredObjects,
            // A first run at start (nothing is due yet), then on demand.
            retirementSchedule: {
              frequency: { hours: 24 },
              timeout: { minutes: 1 },
              initialDelay: { seconds: 1 },
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
        // The real scheduler, whose tasks can be triggered as an operator would.
        features: [
          schedulerServiceFactory,
          userInfo,
          notificationsStub().factory,
        ],
      });
      await waitFor('the products and contracts in the catalog', async () => {
        for (const ref of [
          'dataproduct/default/old-orders',
          'dataproduct/default/later-orders',
          'api/default/old-orders-contract',
        ]) {
          const res = await request(backend.server)
            .get(`/api/catalog/entities/by-name/${ref}`)
            .set('Authorization', mockCredentials.user.header(OWNER));
          if (res.status !== 200) return false;
        }
        return true;
      });
      // The tables, created by their owners through the API, and an agreement on one.
      for (const name of ['old-orders', 'later-orders']) {
        const res = await owner.post('/provisioning/apply', {
          entity: product(name, '2020-01-31'),
          contracts: [
            {
              port: 'orders',
              definition: YAML.parse(contract(name, lake)),
            },
          ],
        });
        if (res.status !== 200) {
          throw new Error(`Provisioning ${name}: ${res.status} ${res.text}`);
        }
      }
    });

    afterAll(async () => {
      await backend?.stop();
    });

    it('revokes the agreements of what passed its sunset and drops or keeps its tables, records it, leaving the rest', async () => {
      const agreement = await consumer.post('/access-requests', {
        productRef: 'dataproduct:default/old-orders',
        outputPort: 'orders',
        consumerRef: 'group:default/research',
        purpose: 'Order volumes for the research team',
      });
      expect(agreement.status).toBe(201);
      expect(await tables()).toEqual([
        'later_orders_orders',
        'old_orders_orders',
      ]);

      const approved = await owner.post(
        `/access-requests/${agreement.body.id}/approve`,
        {},
      );
      expect(approved.body.state).toMatch(/^(approved|active)$/);

      await triggerTask(backend, 'data-mesh-retirement');
      await waitFor(
        'the agreement revoked',
        async () =>
          (
            await owner.get(`/access-requests/${agreement.body.id}`)
          ).body.state === 'revoked',
        30_000,
      );
      await waitFor(
        'the tables as retirement leaves them',
        async () => {
          const now = await tables();
          return retiredObjects === 'drop'
            ? now.length === 1
            : now.length === 2;
        },
        30_000,
      );
      // The product's page reads what was done.
      await waitFor(
        'the retirement recorded',
        async () =>
          (
            await owner.get(
              '/provisioning/dataproduct/default/old-orders/retirement',
            )
          ).body.retirement !== undefined,
        30_000,
      );
      const recorded = await owner.get(
        '/provisioning/dataproduct/default/old-orders/retirement',
      );
      expect(recorded.body).toEqual({
        entityRef: 'dataproduct:default/old-orders',
        retirement: {
          sunset: '2020-01-31',
          objects: retiredObjects === 'drop' ? 'dropped' : 'kept',
          tables: ['lake:sales.old_orders_orders'],
          agreementsRevoked: 1,
          problems: [],
          at: expect.any(String),
        },
      });
      const later = await owner.get(
        '/provisioning/dataproduct/default/later-orders/retirement',
      );
      expect(later.body).toEqual({
        entityRef: 'dataproduct:default/later-orders',
      });
      expect(await tables()).toEqual(
        retiredObjects === 'drop'
          ? ['later_orders_orders']
          : ['later_orders_orders', 'old_orders_orders'],
      );
    });
  },
);
