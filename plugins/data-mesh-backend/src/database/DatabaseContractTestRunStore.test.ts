import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { ContractTestRunToSave } from './ContractTestRunStore';
import { DatabaseContractTestRunStore } from './DatabaseContractTestRunStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const at = (minutes: number) =>
  new Date(Date.UTC(2026, 0, 1) + minutes * 60_000);
const ORDERS = 'dataproduct:default/orders';
const ORDERS_API = 'api:default/orders-contract';
const RETURNS_API = 'api:default/returns-contract';

/** A run of a contract of orders finished at `minutes`, with `failed` failed checks. */
function run(
  minutes: number,
  failed: number,
  overrides: Partial<ContractTestRunToSave> = {},
): ContractTestRunToSave {
  return {
    entityRef: 'DataProduct:default/Orders',
    contractRef: 'API:default/Orders-Contract',
    contractId: 'orders',
    version: '1.0.0',
    server: 'warehouse',
    trigger: 'schedule',
    startedAt: at(minutes - 1),
    finishedAt: at(minutes),
    summary: { passed: 3, failed, errors: 0, skipped: 0 },
    checks: [
      { object: 'orders', metric: 'exists', outcome: 'pass' },
      {
        object: 'orders',
        property: 'order_id',
        metric: 'nullValues',
        outcome: failed ? 'fail' : 'pass',
        measured: failed,
        expected: '= 0',
      },
    ],
    ...overrides,
  };
}

describe.each(databases.eachSupportedId())(
  'DatabaseContractTestRunStore on %p',
  databaseId => {
    let knex: Knex;
    let store: DatabaseContractTestRunStore;

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      store = await DatabaseContractTestRunStore.create({
        database: mockServices.database({ knex }),
      });
    });

    it('stores a run with every check and gives it back by id, refs lowercased', async () => {
      const [stored] = await store.addRuns([run(10, 1)]);
      expect(stored.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(await store.getRun(stored.id)).toEqual({
        ...run(10, 1),
        id: stored.id,
        entityRef: ORDERS,
        contractRef: ORDERS_API,
      });
      expect(await store.getRun('no-such-run')).toBeUndefined();
    });

    it('keeps the measured values of checks as JSON of any shape', async () => {
      const checks = [
        {
          object: 'orders',
          metric: 'freshness',
          outcome: 'fail' as const,
          measured: '2026-01-01T00:00:00.000Z',
          expected: { within: 'PT1H' },
          message: 'orders is 3 hours old',
        },
      ];
      const [stored] = await store.addRuns([run(1, 1, { checks })]);
      expect((await store.getRun(stored.id))?.checks).toEqual(checks);
    });

    it('gives the latest run of each contract of a product', async () => {
      await store.addRuns([run(10, 2), run(30, 0), run(20, 1)]);
      await store.addRuns([
        run(5, 4, { contractRef: RETURNS_API, contractId: 'returns' }),
        // Another product's run of the same contract is not orders'.
        run(50, 9, { entityRef: 'dataproduct:default/returns' }),
      ]);
      const latest = await store.latestRuns(ORDERS);
      expect(
        latest.map(r => [r.contractRef, r.finishedAt, r.summary.failed]),
      ).toEqual([
        [ORDERS_API, at(30), 0],
        [RETURNS_API, at(5), 4],
      ]);
      expect(await store.latestRuns('dataproduct:default/none')).toEqual([]);
    });

    it('orders runs finished at the same time by when they were stored', async () => {
      await store.addRuns([run(10, 1)]);
      const [second] = await store.addRuns([run(10, 2)]);
      expect((await store.latestRuns(ORDERS)).map(r => r.id)).toEqual([
        second.id,
      ]);
    });

    it('gives the latest runs of each contract as a trend, oldest first, without checks', async () => {
      await store.addRuns([1, 2, 3, 4].map(i => run(i * 10, i)));
      await store.addRuns([
        run(15, 7, { contractRef: RETURNS_API, contractId: 'returns' }),
      ]);
      const history = await store.runHistory(ORDERS, { limit: 3 });
      expect(
        history.map(p => [p.contractRef, p.finishedAt, p.summary.failed]),
      ).toEqual([
        [ORDERS_API, at(20), 2],
        [ORDERS_API, at(30), 3],
        [ORDERS_API, at(40), 4],
        [RETURNS_API, at(15), 7],
      ]);
      expect(history[0]).toEqual({
        id: expect.any(String),
        contractRef: ORDERS_API,
        version: '1.0.0',
        finishedAt: at(20),
        summary: { passed: 3, failed: 2, errors: 0, skipped: 0 },
      });
    });

    it('gives the version of the latest run of each contract of many products', async () => {
      await store.addRuns([
        run(10, 0, { version: '1.0.0' }),
        run(20, 0, { version: '2.0.0' }),
        run(5, 0, {
          contractRef: RETURNS_API,
          contractId: 'returns',
          version: null,
        }),
        run(5, 0, { entityRef: 'dataproduct:default/returns' }),
      ]);
      const versions = await store.latestVersions([
        'DataProduct:default/Orders',
        'dataproduct:default/returns',
        'dataproduct:default/untested',
      ]);
      expect(versions).toEqual(
        new Map([
          [
            ORDERS,
            new Map([
              [ORDERS_API, '2.0.0'],
              [RETURNS_API, null],
            ]),
          ],
          ['dataproduct:default/returns', new Map([[ORDERS_API, '1.0.0']])],
        ]),
      );
    });

    it('deletes runs past the retention and beyond the newest of each contract, in batches', async () => {
      // Orders' contract: runs at 10..80; returns' contract: one old run.
      await store.addRuns(
        Array.from({ length: 8 }, (_, i) => run((i + 1) * 10, 0)),
      );
      const [old] = await store.addRuns([
        run(5, 0, { contractRef: RETURNS_API, contractId: 'returns' }),
      ]);
      const { deleted } = await store.deleteOldRuns({
        finishedBefore: at(25),
        keepPerContract: 4,
        batchSize: 2,
      });
      // 10 and 20 are too old; of the rest (30..80) only the newest 4 stay; returns' only
      // run is too old too.
      expect(deleted).toBe(5);
      expect(
        (await store.runHistory(ORDERS, { limit: 100 })).map(p => p.finishedAt),
      ).toEqual([at(50), at(60), at(70), at(80)]);
      expect(await store.getRun(old.id)).toBeUndefined();
      expect(
        await store.deleteOldRuns({
          finishedBefore: at(25),
          keepPerContract: 4,
        }),
      ).toEqual({ deleted: 0 });
    });

    it('stores nothing when given nothing, and many runs at once', async () => {
      expect(await store.addRuns([])).toEqual([]);
      const many = Array.from({ length: 150 }, (_, i) =>
        run(i, 0, { contractRef: `api:default/c${i}`, contractId: `c${i}` }),
      );
      expect(await store.addRuns(many)).toHaveLength(150);
      expect(await store.latestRuns(ORDERS)).toHaveLength(150);
    });
  },
);
