import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createDataMeshStores } from '../database/stores';
import { ContractTestService } from './ContractTestService';
import { readContractTestsConfig } from './contractTestsConfig';
import { DataServers } from './DataServers';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const ORDERS = 'dataproduct:default/orders';

/** The orders product at `etag`, providing these APIs. */
function orders(etag: string, apis: string[]): Entity {
  return {
    apiVersion: 'datamesh-portal.io/v1alpha1',
    kind: 'DataProduct',
    metadata: { name: 'orders', namespace: 'default', etag },
    spec: { status: 'draft', owner: 'group:default/sales' },
    relations: apis.map(name => ({
      type: 'providesApi',
      targetRef: `api:default/${name}`,
    })),
  };
}
const api = (name: string, type: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'API',
  metadata: { name, namespace: 'default' },
  spec: { type, definition: 'apiVersion: v3.1.0' },
});
const APIS = [
  api('orders-contract', 'odcs'),
  api('orders-rest', 'openapi'),
  api('orders-history', 'odcs'),
];

describe('ContractTestService.testNew, every minute', () => {
  it('reads only new and changed products: their relations, runs and contract types', async () => {
    const knex = await databases.init('SQLITE_3');
    const stores = await createDataMeshStores({
      database: mockServices.database({ knex }),
    });
    // The catalog as it is now; the test changes the product in it.
    let current = catalogServiceMock({
      entities: [orders('e1', ['orders-contract', 'orders-rest']), ...APIS],
    });
    const read: string[][] = [];
    const catalog = {
      queryEntities: (...args: Parameters<CatalogService['queryEntities']>) =>
        current.queryEntities(...args),
      getEntitiesByRefs: (
        ...args: Parameters<CatalogService['getEntitiesByRefs']>
      ) => {
        read.push(args[0].entityRefs);
        return current.getEntitiesByRefs(...args);
      },
    } as unknown as CatalogService;
    let now = new Date('2026-12-07T08:00:00Z');
    const minutes = (n: number) => (now = new Date(now.getTime() + n * 60_000));
    const evaluated: string[][] = [];
    const service = new ContractTestService({
      config: readContractTestsConfig(mockServices.rootConfig()),
      // No server is configured: each run is an error run that says so, and is stored.
      servers: { get: () => undefined } as unknown as DataServers,
      catalog,
      auth: mockServices.auth(),
      stores,
      evaluations: {
        evaluateRefs: async (refs: string[]) => {
          evaluated.push(refs);
        },
      } as any,
      logger: mockServices.logger.mock(),
      now: () => now,
    });
    const runsOf = async () =>
      (await stores.contractTestRuns.latestRuns(ORDERS)).map(
        run => `${run.contractRef} ${run.trigger}`,
      );
    const productReads = () =>
      read.filter(refs => refs.includes(ORDERS)).length;

    // New: read, its contract tested (the REST API is no contract).
    await expect(service.testNew()).resolves.toEqual({ products: 1, read: 1 });
    expect(await runsOf()).toEqual(['api:default/orders-contract new']);
    expect(evaluated).toEqual([[ORDERS]]);

    // The next minute it is read once more and found with nothing to test; after that only
    // its etag is listed.
    minutes(1);
    await expect(service.testNew()).resolves.toEqual({ products: 0, read: 1 });
    const readsBefore = read.length;
    for (let i = 0; i < 5; i++) {
      minutes(1);
      await expect(service.testNew()).resolves.toEqual({
        products: 0,
        read: 0,
      });
    }
    expect(read).toHaveLength(readsBefore);

    // A contract is added: the product's etag changes, and the new contract is tested within
    // the minute, only it.
    current = catalogServiceMock({
      entities: [
        orders('e2', ['orders-contract', 'orders-rest', 'orders-history']),
        ...APIS,
      ],
    });
    minutes(1);
    await expect(service.testNew()).resolves.toEqual({ products: 1, read: 1 });
    expect((await runsOf()).sort()).toEqual([
      'api:default/orders-contract new',
      'api:default/orders-history new',
    ]);
    minutes(1);
    await expect(service.testNew()).resolves.toEqual({ products: 0, read: 1 });
    minutes(1);
    await expect(service.testNew()).resolves.toEqual({ products: 0, read: 0 });

    // An hour on, a product found with nothing to test is read again (an API's type may have
    // changed without the product changing).
    const productReadsBefore = productReads();
    minutes(60);
    await expect(service.testNew()).resolves.toEqual({ products: 0, read: 1 });
    expect(productReads()).toBe(productReadsBefore + 1);
  });

  it('reads a product again while its test has not been stored', async () => {
    const knex = await databases.init('SQLITE_3');
    const stores = await createDataMeshStores({
      database: mockServices.database({ knex }),
    });
    const catalog = catalogServiceMock({
      entities: [orders('e1', ['orders-contract']), ...APIS],
    });
    const failing = {
      ...stores,
      contractTestRuns: {
        ...stores.contractTestRuns,
        latestVersions: stores.contractTestRuns.latestVersions.bind(
          stores.contractTestRuns,
        ),
        addRuns: async () => {
          throw new Error('the database is gone');
        },
      },
    } as typeof stores;
    const service = new ContractTestService({
      config: readContractTestsConfig(mockServices.rootConfig()),
      servers: { get: () => undefined } as unknown as DataServers,
      catalog,
      auth: mockServices.auth(),
      stores: failing,
      evaluations: { evaluateRefs: async () => {} } as any,
      logger: mockServices.logger.mock(),
    });
    await expect(service.testNew()).resolves.toEqual({ products: 1, read: 1 });
    // Its run was lost: it is still new, and tested again.
    await expect(service.testNew()).resolves.toEqual({ products: 1, read: 1 });
  });
});

describe('ContractTestService.testAll, the scheduled run', () => {
  it('reads contracts and evaluates products a batch at a time, each tested product once', async () => {
    const knex = await databases.init('SQLITE_3');
    const stores = await createDataMeshStores({
      database: mockServices.database({ knex }),
    });
    // 60 active products with a contract of their own, and one with none.
    const product = (i: number, apis: string[]): Entity => ({
      ...orders('e1', apis),
      metadata: { name: `p${i}`, namespace: 'default' },
      spec: { status: 'active', owner: 'group:default/sales' },
    });
    const products = Array.from({ length: 60 }, (_, i) =>
      product(i, [`c${i}`, 'orders-rest']),
    );
    const mock = catalogServiceMock({
      entities: [
        ...products,
        product(60, ['orders-rest']),
        ...products.map((_, i) => api(`c${i}`, 'odcs')),
        ...APIS,
      ],
    });
    const byRefs: string[][] = [];
    const catalog = {
      queryEntities: mock.queryEntities.bind(mock),
      getEntitiesByRefs: (
        ...args: Parameters<CatalogService['getEntitiesByRefs']>
      ) => {
        byRefs.push(args[0].entityRefs);
        return mock.getEntitiesByRefs(...args);
      },
    } as unknown as CatalogService;
    const evaluated: string[][] = [];
    const service = new ContractTestService({
      config: readContractTestsConfig(mockServices.rootConfig()),
      servers: { get: () => undefined } as unknown as DataServers,
      catalog,
      auth: mockServices.auth(),
      stores,
      evaluations: {
        evaluateRefs: async (refs: string[]) => {
          evaluated.push(refs);
        },
      } as any,
      logger: mockServices.logger.mock(),
    });

    await expect(service.testAll()).resolves.toEqual({ products: 61 });

    const refs = products.map((_, i) => `dataproduct:default/p${i}`);
    for (const ref of refs) {
      expect(await stores.contractTestRuns.latestRuns(ref)).toHaveLength(1);
    }
    // Batches of 25: one catalog request for their contracts; evaluations of 5 at a time.
    expect(evaluated.map(batch => batch.length)).toEqual([
      5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5,
    ]);
    expect(evaluated.flat().sort()).toEqual([...refs].sort());
    expect(byRefs).toHaveLength(3);
  });
});
