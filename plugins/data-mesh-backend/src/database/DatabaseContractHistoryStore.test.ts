import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { OdcsContract } from '@datamesh-portal/plugin-data-mesh-common';
import { Knex } from 'knex';
import { migratedClient } from './client';
import { contractContentHash } from './ContractHistoryStore';
import { DatabaseContractHistoryStore } from './DatabaseContractHistoryStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const at = (minutes: number) =>
  new Date(Date.UTC(2026, 0, 1) + minutes * 60_000);
const ORDERS = 'api:default/orders-contract';
const RETURNS = 'api:default/returns-contract';

const contract = (version: string, extra: object = {}): OdcsContract =>
  ({
    apiVersion: 'v3.1.0',
    kind: 'DataContract',
    id: 'orders',
    version,
    status: 'active',
    schema: [
      { name: 'orders', properties: [{ name: 'id', logicalType: 'integer' }] },
    ],
    ...extra,
  } as OdcsContract);

describe.each(databases.eachSupportedId())(
  'DatabaseContractHistoryStore on %p',
  databaseId => {
    let knex: Knex;
    let store: DatabaseContractHistoryStore;

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      store = new DatabaseContractHistoryStore(
        await migratedClient({ database: mockServices.database({ knex }) }),
      );
    });

    it('records each content once, in the order first seen, with the one before it', async () => {
      const v1 = contract('1.0.0');
      const v2 = contract('2.0.0', { description: { purpose: 'Orders' } });
      const first = await store.record([
        {
          contractRef: 'API:default/Orders-Contract',
          definition: v1,
          seenAt: at(1),
        },
        { contractRef: RETURNS, definition: v1, seenAt: at(1) },
      ]);
      expect(first.map(n => [n.recorded.contractRef, n.previous])).toEqual([
        [ORDERS, undefined],
        [RETURNS, undefined],
      ]);
      // The same content again, with its keys in another order: nothing new.
      const reordered = Object.fromEntries(
        Object.entries(v1).reverse(),
      ) as OdcsContract;
      expect(contractContentHash(reordered)).toBe(contractContentHash(v1));
      expect(
        await store.record([
          { contractRef: ORDERS, definition: reordered, seenAt: at(2) },
        ]),
      ).toEqual([]);

      const [second] = await store.record([
        { contractRef: ORDERS, definition: v2, seenAt: at(3) },
      ]);
      expect(second).toEqual({
        recorded: {
          contractRef: ORDERS,
          version: '2.0.0',
          hash: contractContentHash(v2),
          firstSeenAt: at(3),
          definition: v2,
        },
        previous: {
          contractRef: ORDERS,
          version: '1.0.0',
          hash: contractContentHash(v1),
          firstSeenAt: at(1),
          definition: v1,
        },
      });
      expect(await store.listVersions(ORDERS)).toEqual([
        {
          contractRef: ORDERS,
          version: '2.0.0',
          hash: contractContentHash(v2),
          firstSeenAt: at(3),
        },
        {
          contractRef: ORDERS,
          version: '1.0.0',
          hash: contractContentHash(v1),
          firstSeenAt: at(1),
        },
      ]);
      expect(await store.listVersions(ORDERS, { limit: 1 })).toHaveLength(1);
      expect(
        (await store.getDefinition(ORDERS, contractContentHash(v1)))
          ?.definition,
      ).toEqual(v1);
      expect(await store.getDefinition(ORDERS, 'nope')).toBeUndefined();
      const latest = await store.latestDefinitions([
        ORDERS,
        RETURNS,
        'api:default/none',
      ]);
      expect([...latest.keys()].sort()).toEqual([ORDERS, RETURNS]);
      expect(latest.get(ORDERS)?.version).toBe('2.0.0');
    });

    it('records a content that two callers see at once once', async () => {
      const v1 = contract('1.0.0');
      const results = await Promise.all(
        [1, 2, 3].map(() =>
          store.record([
            { contractRef: ORDERS, definition: v1, seenAt: at(1) },
          ]),
        ),
      );
      expect(results.flat()).toHaveLength(1);
      expect(await store.listVersions(ORDERS)).toHaveLength(1);
    });

    it('does not record a revert to a content seen before', async () => {
      await store.record([
        { contractRef: ORDERS, definition: contract('1.0.0'), seenAt: at(1) },
      ]);
      await store.record([
        { contractRef: ORDERS, definition: contract('1.1.0'), seenAt: at(2) },
      ]);
      expect(
        await store.record([
          { contractRef: ORDERS, definition: contract('1.0.0'), seenAt: at(3) },
        ]),
      ).toEqual([]);
      expect((await store.listVersions(ORDERS)).map(v => v.version)).toEqual([
        '1.1.0',
        '1.0.0',
      ]);
    });
  },
);
