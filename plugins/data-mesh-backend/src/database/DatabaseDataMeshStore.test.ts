import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  GovernanceResult,
  ScorecardCheckResult,
} from '@datamesh-portal/plugin-data-mesh-common';
import { Knex } from 'knex';
import { DatabaseDataMeshStore } from './DatabaseDataMeshStore';
import { ScorecardToSave, StoredWaiver } from './DataMeshStore';

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

function policies(
  ...outcomes: Array<GovernanceResult['outcome']>
): GovernanceResult[] {
  return outcomes.map((outcome, i) => ({
    id: `policy-${i}`,
    severity: i % 2 ? 'warning' : 'error',
    enforcement: 'enforce',
    origin: 'global',
    outcome,
    blocking: outcome === 'fail' && i % 2 === 0,
    ...(outcome === 'fail' ? { message: `policy ${i} failed` } : {}),
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
    compliant: true,
    policyResults: policies('pass'),
    evaluatedAt: at(0),
    ...overrides,
  };
}

describe.each(databases.eachSupportedId())(
  'DatabaseDataMeshStore on %p',
  databaseId => {
    let knex: Knex;
    let store: DatabaseDataMeshStore;

    /**
     * Holds several connections at once on PostgreSQL, so that the pool has them ready and
     * racing calls after it really run at the same time (SQLite has a single connection).
     */
    async function fillPool() {
      if (databaseId.startsWith('POSTGRES')) {
        await Promise.all(
          Array.from({ length: 4 }, () => knex.raw('select pg_sleep(0.05)')),
        );
      }
    }

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
          current: { score: 7, level: 'bronze', compliant: true },
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
          compliant: true,
          policyResults: [
            {
              id: 'policy-0',
              severity: 'error',
              enforcement: 'enforce',
              origin: 'global',
              outcome: 'pass',
              blocking: false,
            },
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
          previous: { score: 2, level: null, compliant: true },
          current: { score: 2, level: 'silver', compliant: true },
        });
        expect((await store.getScorecard(product(4)))!.checks[1].message).toBe(
          'reworded',
        );

        expect(await store.getScorecardHistory(product(1))).toEqual([
          { evaluatedAt: at(0), score: 1, level: 'bronze', compliant: true },
          {
            evaluatedAt: at(120),
            score: 99.5,
            level: 'bronze',
            compliant: true,
          },
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
          { evaluatedAt: at(30), score: 40, level: 'bronze', compliant: true },
          { evaluatedAt: at(40), score: 50, level: 'bronze', compliant: true },
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

    describe('governance results', () => {
      it('stores compliance and policy results, with history when they change', async () => {
        const results: GovernanceResult[] = [
          ...policies('fail', 'pass'),
          {
            id: 'domain-policy',
            severity: 'warning',
            enforcement: 'warn',
            origin: 'domain',
            domainRef: 'domain:default/sales',
            outcome: 'error',
            message: 'facts.ci is missing',
            blocking: false,
          },
        ];
        const first = await store.saveScorecards([
          scorecard(1, { compliant: false, policyResults: results }),
        ]);
        expect(first.changed).toEqual([
          {
            entityRef: product(1),
            previous: undefined,
            current: { score: 1, level: 'bronze', compliant: false },
          },
        ]);
        expect(await store.getScorecard(product(1))).toEqual(
          expect.objectContaining({ compliant: false, policyResults: results }),
        );
        expect(
          (await store.getScorecards([product(1)])).get(product(1))!
            .policyResults,
        ).toEqual(results);

        // Unchanged, reordered, or only a message reworded: no history point.
        const reworded = [
          results[2],
          { ...results[0], message: 'reworded' },
          results[1],
        ];
        for (const [minutes, policyResults] of [
          [10, results],
          [20, reworded],
        ] as const) {
          await expect(
            store.saveScorecards([
              scorecard(1, {
                compliant: false,
                policyResults: [...policyResults],
                evaluatedAt: at(minutes),
              }),
            ]),
          ).resolves.toEqual({ saved: 1, changed: [], ignored: [] });
        }
        expect(
          (await store.getScorecard(product(1)))!.policyResults[1].message,
        ).toBe('reworded');

        // Compliance changes (a waiver was approved): a point.
        const compliant = await store.saveScorecards([
          scorecard(1, {
            compliant: true,
            policyResults: results,
            evaluatedAt: at(30),
          }),
        ]);
        expect(compliant.changed).toEqual([
          {
            entityRef: product(1),
            previous: { score: 1, level: 'bronze', compliant: false },
            current: { score: 1, level: 'bronze', compliant: true },
          },
        ]);

        // One policy outcome changes, nothing else: a point.
        const fixed = results.map(r =>
          r.id === 'domain-policy'
            ? { ...r, outcome: 'pass' as const, message: undefined }
            : r,
        );
        const outcome = await store.saveScorecards([
          scorecard(1, {
            compliant: true,
            policyResults: fixed,
            evaluatedAt: at(40),
          }),
        ]);
        expect(outcome.changed).toEqual([
          {
            entityRef: product(1),
            previous: { score: 1, level: 'bronze', compliant: true },
            current: { score: 1, level: 'bronze', compliant: true },
          },
        ]);

        // A policy added or removed: a point each.
        for (const [minutes, policyResults] of [
          [50, [...fixed, ...policies('pass', 'pass', 'skipped').slice(2)]],
          [60, fixed],
        ] as const) {
          const result = await store.saveScorecards([
            scorecard(1, {
              compliant: true,
              policyResults: [...policyResults],
              evaluatedAt: at(minutes),
            }),
          ]);
          expect(result.changed).toHaveLength(1);
        }

        expect(await store.getScorecardHistory(product(1))).toEqual([
          { evaluatedAt: at(0), score: 1, level: 'bronze', compliant: false },
          { evaluatedAt: at(30), score: 1, level: 'bronze', compliant: true },
          { evaluatedAt: at(40), score: 1, level: 'bronze', compliant: true },
          { evaluatedAt: at(50), score: 1, level: 'bronze', compliant: true },
          { evaluatedAt: at(60), score: 1, level: 'bronze', compliant: true },
        ]);
        // Stored as real booleans (or 0/1), not as truthy text.
        const [row] = await knex('scorecard_history')
          .where('entity_ref', product(1))
          .orderBy('evaluated_at')
          .select('compliant');
        expect([false, 0]).toContain(row.compliant);
      });

      it('refuses results without a compliance verdict or policy results', async () => {
        await expect(
          store.saveScorecards([
            scorecard(1, { compliant: undefined as unknown as boolean }),
          ]),
        ).rejects.toThrow(`Compliance of ${product(1)} must be a boolean`);
        await expect(
          store.saveScorecards([
            scorecard(1, {
              policyResults: null as unknown as GovernanceResult[],
            }),
          ]),
        ).rejects.toThrow(`Policy results of ${product(1)} must be an array`);
        expect(await store.getScorecard(product(1))).toBeUndefined();
      });

      it('reports each transition once when two instances save the same products at once', async () => {
        // 600 products: more than one chunk of reads and of inserts.
        const refs = Array.from({ length: 600 }, (_, i) => i);
        const firstBatch = refs.map(i => scorecard(i));
        await fillPool();
        const firsts = await Promise.all([
          store.saveScorecards(firstBatch),
          store.saveScorecards(firstBatch),
        ]);
        const firstChanges = firsts.flatMap(r => r.changed);
        expect(firstChanges).toHaveLength(600);
        expect(new Set(firstChanges.map(c => c.entityRef)).size).toBe(600);
        expect(firstChanges.every(c => c.previous === undefined)).toBe(true);
        expect(firsts.map(r => r.saved)).toEqual([600, 600]);

        // Every product becomes non-compliant, seen by two instances at once.
        const flipped = refs.map(i =>
          scorecard(i, {
            compliant: false,
            policyResults: policies('fail'),
            evaluatedAt: at(10),
          }),
        );
        await fillPool();
        const flips = await Promise.all([
          store.saveScorecards(flipped),
          store.saveScorecards(flipped),
        ]);
        const flipChanges = flips.flatMap(r => r.changed);
        expect(flipChanges).toHaveLength(600);
        expect(new Set(flipChanges.map(c => c.entityRef)).size).toBe(600);
        expect(
          flipChanges.every(
            c => c.previous?.compliant === true && !c.current.compliant,
          ),
        ).toBe(true);

        const [{ n }] = await knex('scorecard_history').count('* as n');
        expect(Number(n)).toBe(1200);
        expect(
          (await store.getScorecardHistory(product(599))).map(p => p.compliant),
        ).toEqual([true, false]);
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
          // The two worst are not compliant.
          compliant: score >= 30,
          policyResults: policies(score >= 30 ? 'pass' : 'fail'),
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
            compliant: 5,
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
          compliant: 2,
        });
        expect(await store.getRollup('domain', 'domain:default/empty')).toEqual(
          {
            products: 0,
            averageScore: null,
            levelCounts: {},
            worst: [],
            compliant: 0,
          },
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
          compliant: 2,
        });
        expect(
          await store.getRollup('domain', domain, { entityRefs: [] }),
        ).toEqual({
          products: 0,
          averageScore: null,
          levelCounts: {},
          worst: [],
          compliant: 0,
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
        expect(rollup.compliant).toBe(600);
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

    describe('waivers', () => {
      const orders = 'dataproduct:default/orders';
      const alice = 'user:default/alice';
      const admin = 'user:default/governance-admin';

      const request = (
        overrides: Partial<
          Parameters<DatabaseDataMeshStore['createWaiver']>[0]
        > = {},
      ) => ({
        entityRef: 'DataProduct:default/Orders',
        policyId: 'personal-data-restricted',
        reason: 'The masking job ships next sprint',
        expiresAt: at(1000),
        requestedBy: 'User:default/Alice',
        requestedAt: at(0),
        ...overrides,
      });

      /** Creates a waiver and approves it. */
      async function approved(
        overrides: Parameters<typeof request>[0] = {},
      ): Promise<StoredWaiver> {
        const waiver = await store.createWaiver(request(overrides));
        return await store.decideWaiver(waiver.id, {
          action: 'approve',
          actor: admin,
          at: waiver.requestedAt,
        });
      }

      async function expectError(
        promise: Promise<unknown>,
        type: typeof ConflictError | typeof NotFoundError,
        message: string,
      ) {
        const error = await promise.then(
          () => undefined,
          e => e,
        );
        expect(error).toBeInstanceOf(type);
        expect(error.message).toBe(message);
      }

      it('records a pending request with its audit event', async () => {
        const waiver = await store.createWaiver(request());
        expect(waiver).toEqual({
          id: expect.stringMatching(
            /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
          ),
          entityRef: orders,
          policyId: 'personal-data-restricted',
          reason: 'The masking job ships next sprint',
          status: 'pending',
          requestedBy: alice,
          requestedAt: at(0),
          expiresAt: at(1000),
        });
        expect(Object.keys(waiver)).not.toContain('decidedBy');
        expect(await store.getWaiver(waiver.id)).toEqual(waiver);
        const events = await store.getWaiverEvents(waiver.id);
        expect(events).toEqual([
          { waiverId: waiver.id, action: 'requested', actor: alice, at: at(0) },
        ]);
        expect(events[0]).not.toHaveProperty('comment');

        expect(
          await store.getWaiver('00000000-0000-4000-8000-000000000000'),
        ).toBe(undefined);
        expect(
          await store.getWaiverEvents('00000000-0000-4000-8000-000000000000'),
        ).toEqual([]);
        await expect(
          store.createWaiver(request({ expiresAt: at(0) })),
        ).rejects.toThrow('A waiver must expire after it is requested');
      });

      it('approves, rejects and revokes only from the allowed states', async () => {
        // Approve a pending waiver, then revoke it.
        const first = await store.createWaiver(request());
        const approvedOne = await store.decideWaiver(first.id, {
          action: 'approve',
          actor: 'User:default/Governance-Admin',
          at: at(5),
          comment: 'Until the masking job ships',
        });
        expect(approvedOne).toEqual({
          ...first,
          status: 'approved',
          decidedBy: admin,
          decidedAt: at(5),
          decisionComment: 'Until the masking job ships',
        });
        expect(await store.getWaiver(first.id)).toEqual(approvedOne);
        await expectError(
          store.decideWaiver(first.id, {
            action: 'approve',
            actor: admin,
            at: at(6),
          }),
          ConflictError,
          `Waiver ${first.id} is approved; only a pending waiver can be approved`,
        );
        await expectError(
          store.decideWaiver(first.id, {
            action: 'reject',
            actor: admin,
            at: at(6),
          }),
          ConflictError,
          `Waiver ${first.id} is approved; only a pending waiver can be rejected`,
        );
        const revoked = await store.decideWaiver(first.id, {
          action: 'revoke',
          actor: 'user:default/bob',
          at: at(7),
        });
        expect(revoked).toEqual({
          ...first,
          status: 'revoked',
          decidedBy: 'user:default/bob',
          decidedAt: at(7),
        });
        await expectError(
          store.decideWaiver(first.id, {
            action: 'revoke',
            actor: admin,
            at: at(8),
          }),
          ConflictError,
          `Waiver ${first.id} is revoked; only an approved waiver can be revoked`,
        );
        expect(await store.getWaiverEvents(first.id)).toEqual([
          { waiverId: first.id, action: 'requested', actor: alice, at: at(0) },
          {
            waiverId: first.id,
            action: 'approved',
            actor: admin,
            at: at(5),
            comment: 'Until the masking job ships',
          },
          {
            waiverId: first.id,
            action: 'revoked',
            actor: 'user:default/bob',
            at: at(7),
          },
        ]);

        // Reject a pending waiver; then nothing else is allowed.
        const second = await store.createWaiver(
          request({ policyId: 'other', requestedAt: at(1) }),
        );
        await expectError(
          store.decideWaiver(second.id, {
            action: 'revoke',
            actor: admin,
            at: at(2),
          }),
          ConflictError,
          `Waiver ${second.id} is pending; only an approved waiver can be revoked`,
        );
        expect(
          await store.decideWaiver(second.id, {
            action: 'reject',
            actor: admin,
            at: at(3),
            comment: 'Mask it first',
          }),
        ).toEqual(
          expect.objectContaining({
            status: 'rejected',
            decidedBy: admin,
            decidedAt: at(3),
            decisionComment: 'Mask it first',
          }),
        );
        for (const action of ['approve', 'reject', 'revoke'] as const) {
          await expect(
            store.decideWaiver(second.id, { action, actor: admin, at: at(4) }),
          ).rejects.toThrow(`Waiver ${second.id} is rejected; only a`);
        }
        expect(
          (await store.getWaiverEvents(second.id)).map(e => [
            e.action,
            e.actor,
            e.comment,
          ]),
        ).toEqual([
          ['requested', alice, undefined],
          ['rejected', admin, 'Mask it first'],
        ]);

        // An approved waiver past its expiry cannot be revoked, even before it is marked.
        const third = await approved({ policyId: 'third', expiresAt: at(20) });
        await expectError(
          store.decideWaiver(third.id, {
            action: 'revoke',
            actor: admin,
            at: at(20),
          }),
          ConflictError,
          `Waiver ${third.id} expired at ${at(
            20,
          ).toISOString()}; only an unexpired waiver can be revoked`,
        );
        expect((await store.getWaiver(third.id))!.status).toBe('approved');

        const unknown = '00000000-0000-4000-8000-000000000000';
        await expectError(
          store.decideWaiver(unknown, {
            action: 'approve',
            actor: admin,
            at: at(1),
          }),
          NotFoundError,
          `Waiver ${unknown} not found`,
        );
      });

      it('refuses a second request while one is pending or approved and unexpired', async () => {
        const first = await store.createWaiver(request({ expiresAt: at(100) }));
        // Pending: refused, also for the same product spelt differently.
        await expectError(
          store.createWaiver(
            request({ entityRef: orders.toUpperCase(), requestedAt: at(1) }),
          ),
          ConflictError,
          `Waiver ${first.id} of policy personal-data-restricted for ${orders} is pending; a new waiver can only be requested after it is rejected, revoked or expired`,
        );
        // Another policy or another product: allowed.
        await store.createWaiver(request({ policyId: 'other' }));
        await store.createWaiver(request({ entityRef: product(1) }));

        // Approved and unexpired: refused until its expiry.
        await store.decideWaiver(first.id, {
          action: 'approve',
          actor: admin,
          at: at(2),
        });
        await expectError(
          store.createWaiver(request({ requestedAt: at(99) })),
          ConflictError,
          `Waiver ${
            first.id
          } of policy personal-data-restricted for ${orders} is approved until ${at(
            100,
          ).toISOString()}; a new waiver can only be requested after it is rejected, revoked or expired`,
        );
        // At its expiry it no longer counts, even before expireWaivers marks it.
        const renewal = await store.createWaiver(
          request({ requestedAt: at(100), expiresAt: at(200) }),
        );

        // After a rejection: allowed.
        await store.decideWaiver(renewal.id, {
          action: 'reject',
          actor: admin,
          at: at(101),
        });
        const afterRejection = await store.createWaiver(
          request({ requestedAt: at(102), expiresAt: at(200) }),
        );
        // After a revocation: allowed.
        await store.decideWaiver(afterRejection.id, {
          action: 'approve',
          actor: admin,
          at: at(103),
        });
        await store.decideWaiver(afterRejection.id, {
          action: 'revoke',
          actor: admin,
          at: at(104),
        });
        const afterRevocation = await store.createWaiver(
          request({ requestedAt: at(105), expiresAt: at(150) }),
        );
        // After an expiry: allowed.
        await store.decideWaiver(afterRevocation.id, {
          action: 'approve',
          actor: admin,
          at: at(106),
        });
        await store.expireWaivers(at(150));
        expect((await store.getWaiver(afterRevocation.id))!.status).toBe(
          'expired',
        );
        await store.createWaiver(request({ requestedAt: at(150) }));

        // Identical requests at once: exactly one is recorded.
        await fillPool();
        const racing = await Promise.allSettled(
          Array.from({ length: 3 }, () =>
            store.createWaiver(request({ policyId: 'raced' })),
          ),
        );
        expect(racing.map(r => r.status).sort()).toEqual([
          'fulfilled',
          'rejected',
          'rejected',
        ]);
        expect(
          racing
            .filter((r): r is PromiseRejectedResult => r.status === 'rejected')
            .map(r => r.reason.name),
        ).toEqual(['ConflictError', 'ConflictError']);
        expect(
          await store.listWaivers({
            entityRefs: [orders],
            statuses: ['pending'],
          }),
        ).toHaveLength(3);
      });

      it('lists waivers by product, status and expiry, most recently requested first', async () => {
        const a = await store.createWaiver(
          request({ policyId: 'a', requestedAt: at(1), expiresAt: at(50) }),
        );
        const b = await approved({
          policyId: 'b',
          requestedAt: at(2),
          expiresAt: at(30),
        });
        const c = await approved({
          entityRef: product(1),
          policyId: 'a',
          requestedAt: at(3),
          expiresAt: at(40),
        });
        const d = await store.createWaiver(
          request({
            entityRef: product(2),
            policyId: 'a',
            requestedAt: at(4),
            expiresAt: at(20),
          }),
        );
        await store.decideWaiver(d.id, {
          action: 'reject',
          actor: admin,
          at: at(5),
        });
        const ids = (waivers: StoredWaiver[]) => waivers.map(w => w.id);

        expect(ids(await store.listWaivers())).toEqual([
          d.id,
          c.id,
          b.id,
          a.id,
        ]);
        expect(await store.listWaivers()).toEqual([
          await store.getWaiver(d.id),
          c,
          b,
          a,
        ]);
        expect(
          ids(
            await store.listWaivers({
              entityRefs: ['DataProduct:default/Orders', product(2)],
            }),
          ),
        ).toEqual([d.id, b.id, a.id]);
        expect(
          ids(await store.listWaivers({ statuses: ['approved'] })),
        ).toEqual([c.id, b.id]);
        expect(
          ids(await store.listWaivers({ statuses: ['pending', 'rejected'] })),
        ).toEqual([d.id, a.id]);
        // At or before.
        expect(ids(await store.listWaivers({ expiresBefore: at(30) }))).toEqual(
          [d.id, b.id],
        );
        expect(
          ids(
            await store.listWaivers({
              statuses: ['approved'],
              expiresBefore: at(40),
              entityRefs: [product(1), product(2)],
            }),
          ),
        ).toEqual([c.id]);
        expect(ids(await store.listWaivers({ limit: 2 }))).toEqual([
          d.id,
          c.id,
        ]);
        expect(await store.listWaivers({ entityRefs: [] })).toEqual([]);
        expect(await store.listWaivers({ statuses: [] })).toEqual([]);
        expect(await store.listWaivers({ statuses: ['expired'] })).toEqual([]);

        // More products than fit in one list of refs: merged, still ordered and limited.
        const many = Array.from({ length: 1100 }, (_, i) => product(1000 + i));
        const late = await store.createWaiver(
          request({
            entityRef: product(2099),
            policyId: 'a',
            requestedAt: at(9),
            expiresAt: at(50),
          }),
        );
        expect(
          ids(
            await store.listWaivers({
              entityRefs: [product(1), ...many, orders],
              limit: 3,
            }),
          ),
        ).toEqual([late.id, c.id, b.id]);
      });

      it('expires approved waivers past their expiry, each exactly once', async () => {
        // 30 approved waivers expiring at minutes 10..39, and some that must not expire.
        const expiring = await Promise.all(
          Array.from({ length: 30 }, (_, i) =>
            approved({
              entityRef: product(i),
              requestedAt: at(0),
              expiresAt: at(10 + i),
            }),
          ),
        );
        const pending = await store.createWaiver(
          request({ policyId: 'pending', expiresAt: at(5) }),
        );
        const rejected = await store.createWaiver(
          request({ policyId: 'rejected', expiresAt: at(5) }),
        );
        await store.decideWaiver(rejected.id, {
          action: 'reject',
          actor: admin,
          at: at(1),
        });
        const revoked = await approved({
          policyId: 'revoked',
          expiresAt: at(5),
        });
        await store.decideWaiver(revoked.id, {
          action: 'revoke',
          actor: admin,
          at: at(2),
        });

        // Three instances at once, up to minute 29 inclusive: 20 waivers, each returned once.
        const now = at(29);
        await fillPool();
        const claimed = (
          await Promise.all([
            store.expireWaivers(now),
            store.expireWaivers(now),
            store.expireWaivers(now),
          ])
        ).flat();
        expect(claimed.map(w => w.id).sort()).toEqual(
          expiring
            .slice(0, 20)
            .map(w => w.id)
            .sort(),
        );
        expect(claimed.every(w => w.status === 'expired')).toBe(true);
        expect(claimed.find(w => w.id === expiring[3].id)).toEqual({
          ...expiring[3],
          status: 'expired',
        });
        expect(await store.getWaiver(expiring[3].id)).toEqual({
          ...expiring[3],
          status: 'expired',
        });
        expect(await store.getWaiverEvents(expiring[3].id)).toEqual([
          {
            waiverId: expiring[3].id,
            action: 'requested',
            actor: alice,
            at: at(0),
          },
          {
            waiverId: expiring[3].id,
            action: 'approved',
            actor: admin,
            at: at(0),
          },
          {
            waiverId: expiring[3].id,
            action: 'expired',
            actor: 'system',
            at: now,
          },
        ]);
        const [{ n }] = await knex('waiver_events')
          .where('action', 'expired')
          .count('* as n');
        expect(Number(n)).toBe(20);

        // Nothing left to expire then; the rest later.
        await expect(store.expireWaivers(now)).resolves.toEqual([]);
        expect(
          (await store.expireWaivers(at(100))).map(w => w.id).sort(),
        ).toEqual(
          expiring
            .slice(20)
            .map(w => w.id)
            .sort(),
        );
        expect((await store.getWaiver(pending.id))!.status).toBe('pending');
        expect((await store.getWaiver(rejected.id))!.status).toBe('rejected');
        expect((await store.getWaiver(revoked.id))!.status).toBe('revoked');
        expect(await store.listWaivers({ statuses: ['expired'] })).toHaveLength(
          30,
        );
      });

      it('claims expiry reminders within the window, each exactly once', async () => {
        const soon = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            approved({ entityRef: product(i), expiresAt: at(100 + i) }),
          ),
        );
        const atEnd = await approved({ policyId: 'end', expiresAt: at(200) });
        const later = await approved({ policyId: 'later', expiresAt: at(201) });
        const past = await approved({ policyId: 'past', expiresAt: at(60) });
        const pending = await store.createWaiver(
          request({ policyId: 'pending', expiresAt: at(150) }),
        );

        const now = at(60);
        await fillPool();
        const claimed = (
          await Promise.all([
            store.claimExpiryReminders(now, at(200)),
            store.claimExpiryReminders(now, at(200)),
            store.claimExpiryReminders(now, at(200)),
          ])
        ).flat();
        expect(claimed.map(w => w.id).sort()).toEqual(
          [...soon, atEnd].map(w => w.id).sort(),
        );
        expect(claimed.find(w => w.id === atEnd.id)).toEqual({
          ...atEnd,
          expiryNotifiedAt: now,
        });
        expect(await store.getWaiver(soon[0].id)).toEqual({
          ...soon[0],
          expiryNotifiedAt: now,
        });
        // Claimed once only; reminding does not change the status or the audit log.
        await expect(
          store.claimExpiryReminders(at(61), at(200)),
        ).resolves.toEqual([]);
        expect(
          (await store.getWaiverEvents(atEnd.id)).map(e => e.action),
        ).toEqual(['requested', 'approved']);
        expect(await store.getWaiver(later.id)).not.toHaveProperty(
          'expiryNotifiedAt',
        );
        expect(await store.getWaiver(past.id)).not.toHaveProperty(
          'expiryNotifiedAt',
        );
        expect((await store.getWaiver(pending.id))!.expiryNotifiedAt).toBe(
          undefined,
        );

        // A wider window later takes the next one; a reminded waiver still expires.
        expect(
          (await store.claimExpiryReminders(at(70), at(300))).map(w => w.id),
        ).toEqual([later.id]);
        expect(
          (await store.expireWaivers(at(100))).map(w => w.id).sort(),
        ).toEqual([past.id, soon[0].id].sort());
      });
    });

    describe('migrations', () => {
      const waiverRequest = {
        entityRef: product(1),
        policyId: 'personal-data-restricted',
        reason: 'Migration test',
        expiresAt: at(100),
        requestedBy: 'user:default/alice',
        requestedAt: at(0),
      };

      it('rolls back and migrates again on a populated database', async () => {
        await store.addFacts({
          entityRef: product(1),
          source: 'ci',
          facts: { ok: true },
          observedAt: at(1),
        });
        await store.saveScorecards([scorecard(1), scorecard(2)]);
        const waiver = await store.createWaiver(waiverRequest);
        await store.decideWaiver(waiver.id, {
          action: 'approve',
          actor: 'user:default/admin',
          at: at(1),
        });

        const directory = DatabaseDataMeshStore.migrationsDirectory;
        await knex.migrate.rollback({ directory }, true);
        for (const table of [
          'fact_observations',
          'facts_latest',
          'scorecards',
          'scorecard_history',
          'waivers',
          'waiver_events',
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
        expect(await again.listWaivers()).toEqual([]);
        await again.createWaiver(waiverRequest);

        // Populated again, down and up once more.
        await knex.migrate.rollback({ directory }, true);
        await knex.migrate.latest({ directory });
        expect(await knex.schema.hasTable('scorecards')).toBe(true);
        expect(await knex.schema.hasTable('waivers')).toBe(true);
      });

      it('undoes the governance migration alone, keeping the scorecards and their indexes', async () => {
        const indexes = async (table: string): Promise<string[]> =>
          databaseId.startsWith('POSTGRES')
            ? knex('pg_indexes')
                .where({ schemaname: 'public', tablename: table })
                .pluck('indexname')
            : knex('sqlite_master')
                .where({ type: 'index', tbl_name: table })
                .whereNotNull('sql')
                .pluck('name');
        const columns = async (table: string) =>
          Object.keys(await knex(table).columnInfo()).sort();
        // Both migrations applied.
        expect(await columns('scorecards')).toEqual(
          [
            'checks',
            'compliant',
            'domain_ref',
            'entity_ref',
            'evaluated_at',
            'level',
            'owner_ref',
            'policy_results',
            'score',
          ].sort(),
        );

        await store.saveScorecards([
          scorecard(1, { compliant: false, policyResults: policies('fail') }),
          scorecard(2),
        ]);
        await store.createWaiver(waiverRequest);

        const directory = DatabaseDataMeshStore.migrationsDirectory;
        // The later product index migration is undone first.
        await knex.migrate.down({ directory });
        const [, undone] = await knex.migrate.down({ directory });
        expect(undone).toEqual(['20261125010000_governance.js']);
        expect(await knex.schema.hasTable('waivers')).toBe(false);
        expect(await knex.schema.hasTable('waiver_events')).toBe(false);
        expect(await columns('scorecards')).toEqual(
          [
            'checks',
            'domain_ref',
            'entity_ref',
            'evaluated_at',
            'level',
            'owner_ref',
            'score',
          ].sort(),
        );
        expect(await columns('scorecard_history')).toEqual(
          ['entity_ref', 'evaluated_at', 'id', 'level', 'score'].sort(),
        );
        expect(await indexes('scorecards')).toEqual(
          expect.arrayContaining([
            'scorecards_domain_score_idx',
            'scorecards_owner_score_idx',
          ]),
        );
        expect(await indexes('scorecard_history')).toEqual(
          expect.arrayContaining(['scorecard_history_entity_evaluated_idx']),
        );
        const rows = await knex('scorecards')
          .orderBy('entity_ref')
          .select('entity_ref', 'score', 'evaluated_at');
        expect(rows.map(r => r.entity_ref)).toEqual([product(1), product(2)]);
        const [{ n }] = await knex('scorecard_history').count('* as n');
        expect(Number(n)).toBe(2);

        // Up again: the results kept count as compliant until re-evaluated.
        await knex.migrate.latest({ directory });
        expect(await store.getScorecard(product(1))).toEqual(
          expect.objectContaining({
            score: 1,
            compliant: true,
            policyResults: [],
            evaluatedAt: at(0),
          }),
        );
        expect(await store.getScorecardHistory(product(1))).toEqual([
          { evaluatedAt: at(0), score: 1, level: 'bronze', compliant: true },
        ]);
        const result = await store.saveScorecards([
          scorecard(1, {
            compliant: false,
            policyResults: policies('fail'),
            evaluatedAt: at(10),
          }),
          scorecard(2, { evaluatedAt: at(10) }),
        ]);
        expect(result.changed.map(c => c.entityRef)).toEqual([
          product(1),
          product(2),
        ]);
        expect(result.changed[0].previous).toEqual({
          score: 1,
          level: 'bronze',
          compliant: true,
        });
        expect(await store.listWaivers()).toEqual([]);
        await store.createWaiver(waiverRequest);
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
