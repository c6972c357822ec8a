import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { DatabaseFactStore } from './DatabaseFactStore';
import { DEFAULT_MAX_SOURCES_PER_PRODUCT } from './FactStore';

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
    let knex: Knex;
    let store: DatabaseFactStore;

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      store = await DatabaseFactStore.create({
        database: mockServices.database({ knex }),
      });
    });

    /** A store on the same database allowing `max` sources per product. */
    const capped = (max: number) =>
      DatabaseFactStore.create({
        database: mockServices.database({ knex }),
        maxSourcesPerProduct: max,
      });
    const push = (
      target: DatabaseFactStore,
      entityRef: string,
      source: string,
      minutes = 1,
    ) =>
      target.addFacts({
        entityRef,
        source,
        facts: { source, minutes },
        observedAt: at(minutes),
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
        ).resolves.toEqual({ updatedEntityRefs: [], refused: [] });

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

    describe('sources per product', () => {
      it('refuses one source more than allowed, naming source and the cap, and stores nothing of it', async () => {
        const store3 = await capped(3);
        for (const source of ['ci', 'dbt', 'warehouse']) {
          await push(store3, 'DataProduct:default/Orders', source);
        }
        const refusal = push(store3, 'dataproduct:default/orders', 'lineage');
        await expect(refusal).rejects.toMatchObject({
          name: 'InputError',
          message:
            'source: "lineage" would be a new fact source of dataproduct:default/orders, which already has the most allowed (3, dataMesh.facts.maxSourcesPerProduct); push under one of its sources',
          problems: [
            {
              field: 'source',
              message:
                '"lineage" would be a new fact source of dataproduct:default/orders, which already has the most allowed (3, dataMesh.facts.maxSourcesPerProduct); push under one of its sources',
            },
          ],
        });
        expect(
          await store3.getFactHistory('dataproduct:default/orders', 'lineage'),
        ).toEqual([]);
        // Its sources still take observations, and other products have their own count.
        await expect(
          push(store3, 'dataproduct:default/orders', 'ci', 2),
        ).resolves.toEqual({ isLatest: true });
        await expect(push(store3, product(1), 'lineage')).resolves.toEqual({
          isLatest: true,
        });
        const latest = await store3.getLatestFacts([
          'dataproduct:default/orders',
        ]);
        expect(
          [...latest.get('dataproduct:default/orders')!.keys()].sort(),
        ).toEqual(['ci', 'dbt', 'warehouse']);
      });

      it('stores a batch but the observations of sources beyond the cap, and says which', async () => {
        const store2 = await capped(2);
        await push(store2, product(1), 'ci');
        const result = await store2.addFactsBatch(
          [
            [product(1), 'dbt'],
            [product(1), 'lineage'],
            [product(1), 'ci'],
            [product(1), 'lineage'],
            [product(1), 'warehouse'],
            [product(2), 'lineage'],
          ].map(([entityRef, source], i) => ({
            entityRef,
            source,
            facts: { i },
            observedAt: at(10 + i),
          })),
        );
        expect(result).toEqual({
          updatedEntityRefs: [product(1), product(2)],
          refused: [
            { entityRef: product(1), source: 'lineage' },
            { entityRef: product(1), source: 'warehouse' },
          ],
        });
        const latest = await store2.getLatestFacts([product(1), product(2)]);
        expect([...latest.get(product(1))!.keys()].sort()).toEqual([
          'ci',
          'dbt',
        ]);
        expect(latest.get(product(1))!.get('ci')!.facts).toEqual({ i: 2 });
        expect([...latest.get(product(2))!.keys()]).toEqual(['lineage']);
        expect(await store2.getFactHistory(product(1), 'lineage')).toEqual([]);
      });

      it('holds the cap when new sources of one product are pushed at once', async () => {
        const store3 = await capped(3);
        // Connections ready, so that the pushes really run together on PostgreSQL.
        if (databaseId.startsWith('POSTGRES')) {
          await Promise.all(
            Array.from({ length: 8 }, () => knex.raw('select pg_sleep(0.05)')),
          );
        }
        const outcomes = await Promise.allSettled(
          Array.from({ length: 12 }, (_, i) =>
            push(store3, product(1), `source${i}`),
          ),
        );
        const stored = outcomes.filter(o => o.status === 'fulfilled');
        const refused = outcomes.flatMap(o =>
          o.status === 'rejected' ? [o.reason] : [],
        );
        expect(stored).toHaveLength(3);
        expect(refused).toHaveLength(9);
        for (const error of refused) expect(error.name).toBe('InputError');
        const latest = await store3.getLatestFacts([product(1)]);
        expect(latest.get(product(1))!.size).toBe(3);
        const [{ n }] = await knex('fact_observations').count({ n: '*' });
        expect(Number(n)).toBe(3);
      });

      it('allows 20 sources by default', async () => {
        expect(DEFAULT_MAX_SOURCES_PER_PRODUCT).toBe(20);
        for (let i = 0; i < 20; i++)
          await push(store, product(1), `source${i}`);
        await expect(push(store, product(1), 'source20')).rejects.toMatchObject(
          {
            name: 'InputError',
            message: expect.stringContaining(
              '(20, dataMesh.facts.maxSourcesPerProduct)',
            ),
          },
        );
      });
    });

    describe('retention', () => {
      it('deletes history observed before the cut-off, keeping the newest observation of each source', async () => {
        const observe = (
          entityRef: string,
          source: string,
          minutes: number,
          n = minutes,
        ) =>
          store.addFacts({
            entityRef,
            source,
            facts: { n },
            observedAt: at(minutes),
          });
        // product 1, ci: old history and a recent latest.
        for (const minutes of [1, 2, 3, 50])
          await observe(product(1), 'ci', minutes);
        // product 1, dbt: only old observations, two at the same time: the later stored is the latest.
        await observe(product(1), 'dbt', 1);
        await observe(product(1), 'dbt', 5, 51);
        await observe(product(1), 'dbt', 5, 52);
        // product 2, ci: a single old observation.
        await observe(product(2), 'ci', 4);
        const latestBefore = await store.getLatestFacts([
          product(1),
          product(2),
        ]);

        expect(
          await store.deleteFactHistory({
            observedBefore: at(10),
            batchSize: 2,
          }),
        ).toEqual({ deleted: 5 });
        const history = async (ref: string, source: string) =>
          (await store.getFactHistory(ref, source)).map(h => h.facts.n);
        expect(await history(product(1), 'ci')).toEqual([50]);
        expect(await history(product(1), 'dbt')).toEqual([52]);
        expect(await history(product(2), 'ci')).toEqual([4]);
        expect(await store.getLatestFacts([product(1), product(2)])).toEqual(
          latestBefore,
        );
        // Nothing more to delete.
        expect(
          await store.deleteFactHistory({ observedBefore: at(10) }),
        ).toEqual({ deleted: 0 });
        // A later cut-off still keeps each source's newest.
        expect(
          await store.deleteFactHistory({ observedBefore: at(1000) }),
        ).toEqual({ deleted: 0 });
      });

      it('deletes every fact of the given products only', async () => {
        await push(store, product(1), 'ci');
        await push(store, product(1), 'dbt', 2);
        await push(store, product(2), 'ci');
        await store.deleteFacts(['DataProduct:default/Product-1']);
        expect([
          ...(await store.getLatestFacts([product(1), product(2)])).keys(),
        ]).toEqual([product(2)]);
        expect(await store.getFactHistory(product(1), 'ci')).toEqual([]);
        expect(await store.getFactHistory(product(2), 'ci')).toHaveLength(1);
      });
    });
  },
);
