import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import {
  GovernanceResult,
  ScorecardCheckResult,
} from '@datamesh-portal/plugin-data-mesh-common';
import { Knex } from 'knex';
import { DatabaseScorecardStore } from './DatabaseScorecardStore';
import { ScorecardToSave } from './ScorecardStore';

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
  'DatabaseScorecardStore on %p',
  databaseId => {
    let knex: Knex;
    let store: DatabaseScorecardStore;

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
      store = await DatabaseScorecardStore.create({
        database: mockServices.database({ knex }),
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

      it('keeps the level cap with the result: written when it changes, without history, cleared when nothing holds the level', async () => {
        const levelCap = {
          checksLevel: 'gold',
          policyIds: ['policy-0'],
          reason: 'Held at silver, below gold: not compliant with “policy-0”.',
        };
        const held = scorecard(1, {
          level: 'silver',
          compliant: false,
          policyResults: policies('fail'),
          levelCap,
        });
        await store.saveScorecards([held, scorecard(2)]);
        expect(await store.getScorecard(product(1))).toMatchObject({
          level: 'silver',
          levelCap,
        });
        expect(await store.getScorecard(product(2))).not.toHaveProperty(
          'levelCap',
        );

        // Only the reason changes (a policy renamed): the row is written, no history.
        const renamed = { ...levelCap, reason: 'Held at silver: renamed.' };
        const again = await store.saveScorecards([
          { ...held, levelCap: renamed, evaluatedAt: at(10) },
        ]);
        expect(again).toEqual({ saved: 1, changed: [], ignored: [] });
        expect((await store.getScorecard(product(1)))!.levelCap).toEqual(
          renamed,
        );
        expect(await store.getScorecardHistory(product(1))).toHaveLength(1);

        // Waived: gold, compliant, nothing holds it.
        const { levelCap: _, ...free } = held;
        await store.saveScorecards([
          {
            ...free,
            level: 'gold',
            compliant: true,
            evaluatedAt: at(20),
          },
        ]);
        const freed = await store.getScorecards([product(1)]);
        expect(freed.get(product(1))).toMatchObject({
          level: 'gold',
          compliant: true,
        });
        expect(freed.get(product(1))).not.toHaveProperty('levelCap');
        const [row] = await knex('scorecards')
          .where('entity_ref', product(1))
          .select('level_cap');
        expect(row.level_cap).toBeNull();
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

      it('removes products softly: hidden from every read, restored with their history by a new result, purged after their retention', async () => {
        await store.saveScorecards([1, 2, 3].map(i => scorecard(i)));
        await store.saveScorecards([
          scorecard(2, { score: 60, evaluatedAt: at(1) }),
        ]);
        const domain = 'domain:default/domain-2';
        expect(
          await store.findScorecardsExcept([
            product(1),
            'DataProduct:default/PRODUCT-3',
          ]),
        ).toEqual({
          missing: [product(2)],
          total: 3,
        });

        expect(
          await store.removeScorecards([product(2)], { at: at(10) }),
        ).toEqual([product(2)]);
        expect(await store.getScorecard(product(2))).toBeUndefined();
        expect(
          [
            ...(await store.getScorecards([1, 2, 3].map(product))).keys(),
          ].sort(),
        ).toEqual([product(1), product(3)]);
        expect(await store.getScorecardHistory(product(2))).toEqual([]);
        expect(
          [
            ...(
              await store.getScorecardHistories([1, 2, 3].map(product), at(0))
            ).keys(),
          ].sort(),
        ).toEqual([product(1), product(3)]);
        expect(await store.getRollup('domain', domain)).toEqual({
          products: 0,
          averageScore: null,
          levelCounts: {},
          worst: [],
          compliant: 0,
        });
        // A removed product is neither missing again nor counted; removing it again does nothing.
        expect(
          await store.findScorecardsExcept([product(1), product(3)]),
        ).toEqual({ missing: [], total: 2 });
        expect(
          await store.removeScorecards([product(2)], { at: at(11) }),
        ).toEqual([]);
        // Nothing is deleted: the rows stay, marked.
        const [{ n }] = await knex('scorecard_history')
          .where('entity_ref', product(2))
          .count({ n: '*' });
        expect(Number(n)).toBe(2);

        // Back in the catalog: the next result restores it, with its history, and an unchanged
        // result adds no point.
        const back = await store.saveScorecards([
          scorecard(2, { score: 60, evaluatedAt: at(20) }),
        ]);
        expect(back).toEqual({ saved: 1, changed: [], ignored: [] });
        expect(await store.getScorecard(product(2))).toMatchObject({
          score: 60,
          evaluatedAt: at(20),
        });
        expect(
          (await store.getScorecardHistory(product(2))).map(p => [
            p.score,
            p.evaluatedAt,
          ]),
        ).toEqual([
          [2, at(0)],
          [60, at(1)],
        ]);
        expect(await store.getRollup('domain', domain)).toMatchObject({
          products: 1,
          averageScore: 60,
        });

        // Removed again, it is purged once removed before the given time, history included.
        expect(
          await store.removeScorecards([product(2)], { at: at(30) }),
        ).toEqual([product(2)]);
        expect(await store.purgeRemovedScorecards(at(30))).toEqual([]);
        expect(await store.purgeRemovedScorecards(at(31))).toEqual([
          product(2),
        ]);
        expect(
          await knex('scorecards').where('entity_ref', product(2)),
        ).toEqual([]);
        expect(
          await knex('scorecard_history').where('entity_ref', product(2)),
        ).toEqual([]);
        expect(await store.getScorecardHistory(product(1))).toHaveLength(1);
        // After a purge it starts afresh.
        await store.saveScorecards([scorecard(2, { evaluatedAt: at(40) })]);
        expect(await store.getScorecardHistory(product(2))).toHaveLength(1);
      });

      it('removes only results evaluated before the pass began', async () => {
        // `gone` left the catalog; `new` entered it after the pass read it and was evaluated
        // on a fact push while the pass ran (started at minute 10).
        await store.saveScorecards([
          scorecard(1, { evaluatedAt: at(1) }),
          scorecard(2, { evaluatedAt: at(1) }),
        ]);
        await store.saveScorecards([scorecard(3, { evaluatedAt: at(11) })]);
        expect(
          await store.findScorecardsExcept([product(1)], {
            evaluatedBefore: at(10),
          }),
        ).toEqual({
          missing: [product(2)],
          total: 3,
        });
        // Evaluated again between the pass's read and its removal: kept.
        await store.saveScorecards([scorecard(2, { evaluatedAt: at(12) })]);
        expect(
          await store.removeScorecards([product(2), product(3)], {
            at: at(13),
            evaluatedBefore: at(10),
          }),
        ).toEqual([]);
        expect((await store.getScorecards([1, 2, 3].map(product))).size).toBe(
          3,
        );
        // Without a start, every result not listed is missing.
        expect(await store.findScorecardsExcept([product(1)])).toEqual({
          missing: [product(2), product(3)],
          total: 3,
        });
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

    describe('histories of many products', () => {
      it('reads histories of many products with their state at the start', async () => {
        await store.saveScorecards([
          scorecard(1, { score: 50, evaluatedAt: at(10) }),
          scorecard(2, { score: 40, evaluatedAt: at(0) }),
        ]);
        await store.saveScorecards([
          scorecard(1, { score: 60, evaluatedAt: at(20) }),
        ]);
        const histories = await store.getScorecardHistories(
          [product(1), product(2), product(3)],
          at(15),
        );
        expect([...histories.keys()].sort()).toEqual([product(1), product(2)]);
        expect(histories.get(product(1))!.map(p => p.score)).toEqual([50, 60]);
        expect(histories.get(product(2))!.map(p => p.score)).toEqual([40]);
      });
    });
  },
);
