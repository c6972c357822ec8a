import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ScorecardCheckResult } from '@datamesh-portal/plugin-data-mesh-common';
import { Knex } from 'knex';
import { DatabaseDataMeshStore } from './DatabaseDataMeshStore';
import { ScorecardToSave } from './DataMeshStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15'],
});

const t0 = new Date('2026-01-01T00:00:00.000Z');
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
const product = (i: number) => `dataproduct:default/product-${i}`;

function checks(
  ...outcomes: Array<ScorecardCheckResult['outcome']>
): ScorecardCheckResult[] {
  return outcomes.map((outcome, i) => ({
    id: `check-${i}`,
    outcome,
    ...(outcome === 'fail' ? { message: `check ${i} failed` } : {}),
  }));
}

function scorecard(
  i: number,
  overrides: Partial<ScorecardToSave> = {},
): ScorecardToSave {
  return {
    entityRef: product(i),
    domainRef: `domain:default/domain-${i % 4}`,
    ownerRef: `group:default/team-${i % 3}`,
    score: i % 101,
    level: i % 2 ? 'bronze' : null,
    checks: checks('pass', i % 2 ? 'pass' : 'fail'),
    evaluatedAt: at(0),
    ...overrides,
  };
}

describe.each(databases.eachSupportedId())(
  'DatabaseDataMeshStore on %p',
  databaseId => {
    let knex: Knex;
    let store: DatabaseDataMeshStore;

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      store = await DatabaseDataMeshStore.create({
        database: mockServices.database({ knex }),
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

        // A bad observation fails the whole batch.
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
              source: 'warehouse',
              facts: [] as any,
              observedAt: at(6),
            },
          ]),
        ).rejects.toThrow('Facts must be a JSON object');
        expect((await store.getLatestFacts([product(3)])).size).toBe(0);
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

    describe('scorecards', () => {
      it('saves 2,000 results in one call and adds history only on change', async () => {
        const first = Array.from({ length: 2000 }, (_, i) => scorecard(i));
        const saved = await store.saveScorecards(first);
        expect(saved.saved).toBe(2000);
        expect(saved.ignored).toEqual([]);
        expect(saved.changed).toHaveLength(2000);
        expect(saved.changed[7]).toEqual({
          entityRef: product(7),
          previous: undefined,
          current: { score: 7, level: 'bronze' },
        });

        const all = Array.from({ length: 2000 }, (_, i) => product(i));
        const latest = await store.getScorecards(all);
        expect(latest.size).toBe(2000);
        expect(latest.get(product(1500))).toEqual({
          entityRef: product(1500),
          domainRef: 'domain:default/domain-0',
          ownerRef: 'group:default/team-0',
          score: 1500 % 101,
          level: null,
          checks: [
            { id: 'check-0', outcome: 'pass' },
            { id: 'check-1', outcome: 'fail', message: 'check 1 failed' },
          ],
          evaluatedAt: at(0),
        });

        // The same results an hour later: no history, evaluatedAt refreshed.
        const unchanged = await store.saveScorecards(
          first.map(r => ({ ...r, evaluatedAt: at(60) })),
        );
        expect(unchanged).toEqual({ saved: 2000, changed: [], ignored: [] });
        expect((await store.getScorecard(product(3)))!.evaluatedAt).toEqual(
          at(60),
        );

        // Score, level, one check outcome, or a message only.
        const next = first.map(r => ({ ...r, evaluatedAt: at(120) }));
        next[1] = { ...next[1], score: 99.5 };
        next[2] = { ...next[2], level: 'silver' };
        next[3] = { ...next[3], checks: checks('pass', 'error') };
        next[4] = {
          ...next[4],
          checks: [
            { id: 'check-0', outcome: 'pass' },
            { id: 'check-1', outcome: 'fail', message: 'reworded' },
          ],
        };
        next[5] = { ...next[5], checks: checks('pass') };
        const result = await store.saveScorecards(next);
        expect(result.saved).toBe(2000);
        expect(result.changed.map(c => c.entityRef).sort()).toEqual(
          [1, 2, 3, 5].map(product).sort(),
        );
        expect(result.changed.find(c => c.entityRef === product(2))).toEqual({
          entityRef: product(2),
          previous: { score: 2, level: null },
          current: { score: 2, level: 'silver' },
        });
        expect((await store.getScorecard(product(4)))!.checks[1].message).toBe(
          'reworded',
        );

        expect(await store.getScorecardHistory(product(1))).toEqual([
          { evaluatedAt: at(0), score: 1, level: 'bronze' },
          { evaluatedAt: at(120), score: 99.5, level: 'bronze' },
        ]);
        expect(await store.getScorecardHistory(product(4))).toHaveLength(1);
        const [{ n }] = await knex('scorecard_history').count('* as n');
        expect(Number(n)).toBe(2004);
      });

      it('ignores a result older than the stored one and deduplicates a batch', async () => {
        await store.saveScorecards([scorecard(1, { evaluatedAt: at(10) })]);
        const result = await store.saveScorecards([
          scorecard(1, { evaluatedAt: at(5), score: 0 }),
          scorecard(2, { evaluatedAt: at(5), score: 10 }),
          scorecard(2, { evaluatedAt: at(6), score: 20 }),
          scorecard(2, { evaluatedAt: at(4), score: 30 }),
        ]);
        expect(result.ignored).toEqual([product(1)]);
        expect(result.saved).toBe(1);
        expect((await store.getScorecard(product(1)))!.score).toBe(1);
        expect((await store.getScorecard(product(2)))!.score).toBe(20);
        expect(await store.getScorecard('dataproduct:default/none')).toBe(
          undefined,
        );
        await expect(store.saveScorecards([])).resolves.toEqual({
          saved: 0,
          changed: [],
          ignored: [],
        });
      });

      it('returns history oldest first, with since and limit', async () => {
        for (const [minutes, score] of [
          [30, 40],
          [10, 20],
          [20, 30],
          [40, 50],
        ]) {
          // Saved out of order on purpose, each newer than the last saved one except 10 and 20.
          await store.saveScorecards([
            scorecard(1, { evaluatedAt: at(minutes), score }),
          ]);
        }
        // 10 and 20 were older than 30, so they were ignored.
        expect(await store.getScorecardHistory(product(1))).toEqual([
          { evaluatedAt: at(30), score: 40, level: 'bronze' },
          { evaluatedAt: at(40), score: 50, level: 'bronze' },
        ]);
        for (let i = 5; i <= 9; i++) {
          await store.saveScorecards([
            scorecard(1, { evaluatedAt: at(i * 10), score: i * 10 + 10 }),
          ]);
        }
        const all = await store.getScorecardHistory(product(1));
        expect(all.map(p => p.score)).toEqual([40, 50, 60, 70, 80, 90, 100]);
        expect(
          (await store.getScorecardHistory(product(1), { since: at(70) })).map(
            p => p.score,
          ),
        ).toEqual([80, 90, 100]);
        expect(
          (await store.getScorecardHistory(product(1), { limit: 2 })).map(
            p => p.evaluatedAt,
          ),
        ).toEqual([at(80), at(90)]);
        expect(
          (
            await store.getScorecardHistory(product(1), {
              since: at(40),
              until: at(60),
            })
          ).map(p => p.score),
        ).toEqual([50, 60, 70]);
      });

      it('deletes the results and history of products that left the catalog', async () => {
        await store.saveScorecards([1, 2, 3].map(i => scorecard(i)));
        const gone = await store.deleteScorecardsExcept([
          product(1),
          'DataProduct:default/PRODUCT-3',
        ]);
        expect(gone).toEqual([product(2)]);
        expect(
          [
            ...(await store.getScorecards([1, 2, 3].map(product))).keys(),
          ].sort(),
        ).toEqual([product(1), product(3)]);
        expect(await store.getScorecardHistory(product(2))).toEqual([]);
        expect(await store.getScorecardHistory(product(1))).toHaveLength(1);
      });
    });

    describe('rollups', () => {
      const domain = 'domain:default/sales';
      beforeEach(async () => {
        const results: ScorecardToSave[] = [
          { score: 90, level: 'gold', owner: 'a' },
          { score: 80, level: 'silver', owner: 'a' },
          { score: 70, level: 'silver', owner: 'b' },
          { score: 40, level: 'bronze', owner: 'b' },
          { score: 10, level: null, owner: 'b' },
          { score: 20, level: null, owner: 'a' },
          { score: 30, level: 'bronze', owner: 'a' },
        ].map(({ score, level, owner }, i) => ({
          entityRef: product(i),
          domainRef: domain,
          ownerRef: `group:default/${owner}`,
          score,
          level,
          checks: [],
          evaluatedAt: at(0),
        }));
        // Products of another domain and of none.
        results.push(
          scorecard(100, { domainRef: 'domain:default/other', score: 0 }),
          scorecard(101, { domainRef: null, ownerRef: null, score: 0 }),
        );
        await store.saveScorecards(results);
      });

      it('counts levels, averages scores and lists the worst of a domain', async () => {
        expect(await store.getRollup('domain', 'Domain:default/Sales')).toEqual(
          {
            products: 7,
            averageScore: 340 / 7,
            levelCounts: { gold: 1, silver: 2, bronze: 2, none: 2 },
            worst: [
              { entityRef: product(4), score: 10, level: null },
              { entityRef: product(5), score: 20, level: null },
              { entityRef: product(6), score: 30, level: 'bronze' },
              { entityRef: product(3), score: 40, level: 'bronze' },
              { entityRef: product(2), score: 70, level: 'silver' },
            ],
          },
        );
        expect(await store.getRollup('owner', 'group:default/b')).toEqual({
          products: 3,
          averageScore: 40,
          levelCounts: { silver: 1, bronze: 1, none: 1 },
          worst: [
            { entityRef: product(4), score: 10, level: null },
            { entityRef: product(3), score: 40, level: 'bronze' },
            { entityRef: product(2), score: 70, level: 'silver' },
          ],
        });
        expect(await store.getRollup('domain', 'domain:default/empty')).toEqual(
          { products: 0, averageScore: null, levelCounts: {}, worst: [] },
        );
      });

      it('counts only the products the caller may see', async () => {
        const visible = [product(0), product(4), product(6), product(100)];
        expect(
          await store.getRollup('domain', domain, { entityRefs: visible }),
        ).toEqual({
          products: 3,
          averageScore: (90 + 10 + 30) / 3,
          levelCounts: { gold: 1, bronze: 1, none: 1 },
          worst: [
            { entityRef: product(4), score: 10, level: null },
            { entityRef: product(6), score: 30, level: 'bronze' },
            { entityRef: product(0), score: 90, level: 'gold' },
          ],
        });
        expect(
          await store.getRollup('domain', domain, { entityRefs: [] }),
        ).toEqual({
          products: 0,
          averageScore: null,
          levelCounts: {},
          worst: [],
        });
      });

      it('merges chunks of a long list of visible products', async () => {
        // 1,200 more products in the domain, visible ones spread over three chunks.
        await store.saveScorecards(
          Array.from({ length: 1200 }, (_, i) =>
            scorecard(1000 + i, {
              domainRef: domain,
              score: 50 + (i % 40),
              level: 'bronze',
            }),
          ),
        );
        const visible = Array.from({ length: 1200 }, (_, i) =>
          product(1000 + i),
        ).filter((_, i) => i % 2 === 0);
        // The three worst sit in different chunks of the visible list.
        visible.push(product(4), product(5));
        const rollup = await store.getRollup('domain', domain, {
          entityRefs: visible.reverse(),
        });
        expect(rollup.products).toBe(602);
        expect(rollup.levelCounts).toEqual({ bronze: 600, none: 2 });
        const expectedTotal =
          10 +
          20 +
          Array.from({ length: 600 }, (_, k) => 50 + ((2 * k) % 40)).reduce(
            (a, b) => a + b,
          );
        expect(rollup.averageScore).toBeCloseTo(expectedTotal / 602, 10);
        expect(rollup.worst.map(w => w.score)).toEqual([10, 20, 50, 50, 50]);
        expect(rollup.worst.slice(0, 3).map(w => w.entityRef)).toEqual([
          product(4),
          product(5),
          product(1000),
        ]);
      });
    });

    describe('migrations', () => {
      it('rolls back and migrates again on a populated database', async () => {
        await store.addFacts({
          entityRef: product(1),
          source: 'ci',
          facts: { ok: true },
          observedAt: at(1),
        });
        await store.saveScorecards([scorecard(1), scorecard(2)]);

        const directory = DatabaseDataMeshStore.migrationsDirectory;
        await knex.migrate.rollback({ directory }, true);
        for (const table of [
          'fact_observations',
          'facts_latest',
          'scorecards',
          'scorecard_history',
        ]) {
          expect(await knex.schema.hasTable(table)).toBe(false);
        }

        await knex.migrate.latest({ directory });
        const again = await DatabaseDataMeshStore.create({
          database: mockServices.database({ knex }),
        });
        expect((await again.getScorecards([product(1)])).size).toBe(0);
        await again.saveScorecards([scorecard(1)]);
        expect((await again.getScorecard(product(1)))!.score).toBe(1);

        // Populated again, down and up once more.
        await knex.migrate.rollback({ directory }, true);
        await knex.migrate.latest({ directory });
        expect(await knex.schema.hasTable('scorecards')).toBe(true);
      });

      it('skips migrations when asked to', async () => {
        const fresh = await databases.init(databaseId);
        await DatabaseDataMeshStore.create({
          database: mockServices.database({ knex: fresh }),
          skipMigrations: true,
        });
        expect(await fresh.schema.hasTable('scorecards')).toBe(false);
        await DatabaseDataMeshStore.create({
          database: mockServices.database({
            knex: fresh,
            migrations: { skip: true },
          }),
        });
        expect(await fresh.schema.hasTable('scorecards')).toBe(false);
      });
    });
  },
);
