import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { DatabaseFactStore } from './DatabaseFactStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15'],
});

const t0 = new Date('2026-01-01T00:00:00.000Z');
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
const product = (i: number) => `dataproduct:default/product-${i}`;

describe.each(databases.eachSupportedId())(
  'DatabaseFactStore on %p',
  databaseId => {
    let store: DatabaseFactStore;

    beforeEach(async () => {
      store = await DatabaseFactStore.create({
        database: mockServices.database({
          knex: await databases.init(databaseId),
        }),
      });
    });

    describe('facts', () => {
      it('keeps every observation and the newest as the latest', async () => {
        const ref = 'DataProduct:Default/Orders';
        await expect(
          store.addFacts({
            entityRef: ref,
            source: 'ci',
            facts: { testsFailed: 2 },
            observedAt: at(10),
          }),
        ).resolves.toEqual({ isLatest: true });
        // Older than the stored one: history only.
        await expect(
          store.addFacts({
            entityRef: ref,
            source: 'ci',
            facts: { testsFailed: 9 },
            observedAt: at(5),
          }),
        ).resolves.toEqual({ isLatest: false });
        await store.addFacts({
          entityRef: ref,
          source: 'dbt',
          facts: { models: ['a', 'b'], nested: { ok: true } },
          observedAt: at(1),
        });

        const latest = await store.getLatestFacts([ref]);
        const sources = latest.get('dataproduct:default/orders');
        expect([...sources!.keys()].sort()).toEqual(['ci', 'dbt']);
        expect(sources!.get('ci')).toEqual({
          facts: { testsFailed: 2 },
          observedAt: at(10),
          receivedAt: expect.any(Date),
        });
        expect(sources!.get('dbt')!.facts).toEqual({
          models: ['a', 'b'],
          nested: { ok: true },
        });

        // Newer replaces the latest; an equal time is a correction and replaces it too.
        await expect(
          store.addFacts({
            entityRef: ref,
            source: 'ci',
            facts: { testsFailed: 0 },
            observedAt: at(20),
          }),
        ).resolves.toEqual({ isLatest: true });
        await expect(
          store.addFacts({
            entityRef: ref,
            source: 'ci',
            facts: { testsFailed: 1 },
            observedAt: at(20),
          }),
        ).resolves.toEqual({ isLatest: true });
        const again = await store.getLatestFacts([ref]);
        expect(again.get('dataproduct:default/orders')!.get('ci')).toEqual(
          expect.objectContaining({
            facts: { testsFailed: 1 },
            observedAt: at(20),
          }),
        );

        const history = await store.getFactHistory(ref, 'ci');
        expect(history.map(h => [h.facts.testsFailed, h.observedAt])).toEqual([
          [1, at(20)],
          [0, at(20)],
          [2, at(10)],
          [9, at(5)],
        ]);
        expect(
          await store.getFactHistory(ref, 'ci', { limit: 2 }),
        ).toHaveLength(2);
        expect(await store.getFactHistory(ref, 'other')).toEqual([]);
      });

      it('stores a batch atomically, keeping the newest of each source as latest', async () => {
        const result = await store.addFactsBatch([
          {
            entityRef: product(1),
            source: 'warehouse',
            facts: { rows: 1 },
            observedAt: at(2),
          },
          {
            entityRef: product(1),
            source: 'warehouse',
            facts: { rows: 3 },
            observedAt: at(3),
          },
          {
            entityRef: product(1),
            source: 'warehouse',
            facts: { rows: 2 },
            observedAt: at(1),
          },
          {
            entityRef: product(2),
            source: 'warehouse',
            facts: { rows: 7 },
            observedAt: at(1),
          },
        ]);
        expect(result.updatedEntityRefs.sort()).toEqual([
          product(1),
          product(2),
        ]);
        const latest = await store.getLatestFacts([product(1), product(2)]);
        expect(latest.get(product(1))!.get('warehouse')!.facts).toEqual({
          rows: 3,
        });
        expect(latest.get(product(2))!.get('warehouse')!.facts).toEqual({
          rows: 7,
        });
        expect(
          await store.getFactHistory(product(1), 'warehouse'),
        ).toHaveLength(3);

        // A batch entirely older than the latest changes nothing but the history.
        await expect(
          store.addFactsBatch([
            {
              entityRef: product(1),
              source: 'warehouse',
              facts: { rows: 0 },
              observedAt: at(0),
            },
          ]),
        ).resolves.toEqual({ updatedEntityRefs: [] });

        // A batch the database refuses a row of stores nothing (callers check observations
        // first; the fact provider runner's test covers malformed ones).
        await expect(
          store.addFactsBatch([
            {
              entityRef: product(3),
              source: 'warehouse',
              facts: { rows: 1 },
              observedAt: at(5),
            },
            {
              entityRef: product(3),
              source: null as unknown as string,
              facts: { rows: 2 },
              observedAt: at(6),
            },
          ]),
        ).rejects.toMatchObject({
          message: expect.stringMatching(/not.null/i),
        });
        expect((await store.getLatestFacts([product(3)])).size).toBe(0);
        expect(await store.getFactHistory(product(3), 'warehouse')).toEqual([]);
      });

      it('reads the latest facts of more than 1000 entities in one call', async () => {
        const refs = Array.from({ length: 1500 }, (_, i) => product(i));
        await store.addFactsBatch(
          refs.flatMap((entityRef, i) => [
            {
              entityRef,
              source: 'ci',
              facts: { i },
              observedAt: at(1),
            },
            ...(i % 2
              ? [
                  {
                    entityRef,
                    source: 'freshness',
                    facts: { hours: i },
                    observedAt: at(2),
                  },
                ]
              : []),
          ]),
        );
        const latest = await store.getLatestFacts([
          ...refs,
          'dataproduct:default/unknown',
        ]);
        expect(latest.size).toBe(1500);
        expect(latest.has('dataproduct:default/unknown')).toBe(false);
        expect(latest.get(product(1234))!.get('ci')!.facts).toEqual({
          i: 1234,
        });
        expect(latest.get(product(1234))!.has('freshness')).toBe(false);
        expect(latest.get(product(1233))!.get('freshness')).toEqual({
          facts: { hours: 1233 },
          observedAt: at(2),
          receivedAt: expect.any(Date),
        });
      });
    });
  },
);
