import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { DatabaseScorecardStore } from '../database/DatabaseScorecardStore';
import { ScorecardToSave } from '../database/ScorecardStore';
import { computeInsight } from './insight';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const DAY = 86_400_000;
const now = new Date('2026-03-31T12:00:00.000Z');
const daysAgo = (days: number) => new Date(now.getTime() - days * DAY);
const ref = (name: string) => `dataproduct:default/${name}`;

function result(
  name: string,
  score: number,
  evaluatedAt: Date,
  extra: Partial<ScorecardToSave> = {},
): ScorecardToSave {
  return {
    entityRef: ref(name),
    domainRef: 'domain:default/clinical',
    ownerRef: 'group:default/team',
    score,
    level: score >= 50 ? 'bronze' : null,
    checks: [],
    compliant: true,
    policyResults: [],
    evaluatedAt,
    ...extra,
  };
}

describe.each(databases.eachSupportedId())('mesh insight on %p', databaseId => {
  it('computes domains, a daily trend, regressions and the leaderboard', async () => {
    const knex = await databases.init(databaseId);
    const store = await DatabaseScorecardStore.create({
      database: mockServices.database({ knex }),
    });
    // a: 80 since long ago, 40 three days ago (a regression).
    await store.saveScorecards([result('a', 80, daysAgo(60))]);
    await store.saveScorecards([result('a', 40, daysAgo(3))]);
    // b: 60 ten days ago, still 60 but non-compliant since yesterday (a regression).
    await store.saveScorecards([
      result('b', 60, daysAgo(10), { domainRef: 'domain:default/research' }),
    ]);
    await store.saveScorecards([
      result('b', 60, daysAgo(1), {
        domainRef: 'domain:default/research',
        compliant: false,
      }),
    ]);
    // c: new two days ago, no state a week ago; not readable in the second call.
    await store.saveScorecards([
      result('c', 100, daysAgo(2), { domainRef: null }),
    ]);

    const insight = await computeInsight(
      store,
      [ref('a'), ref('b'), ref('c')],
      now,
    );
    expect(insight.products).toBe(3);
    expect(insight.averageScore).toBeCloseTo(200 / 3);
    expect(insight.compliant).toBe(2);
    expect(insight.domains).toEqual([
      {
        domainRef: 'domain:default/clinical',
        products: 1,
        averageScore: 40,
        levelCounts: { none: 1 },
        compliant: 1,
      },
      {
        domainRef: 'domain:default/research',
        products: 1,
        averageScore: 60,
        levelCounts: { bronze: 1 },
        compliant: 0,
      },
      {
        domainRef: null,
        products: 1,
        averageScore: 100,
        levelCounts: { bronze: 1 },
        compliant: 1,
      },
    ]);
    expect(insight.trend).toHaveLength(30);
    expect(insight.trend[0]).toEqual({
      date: '2026-03-02',
      averageScore: 80,
      products: 1,
    });
    // Ten days ago b arrived; three days ago a dropped; two days ago c arrived.
    const byDate = new Map(insight.trend.map(p => [p.date, p]));
    expect(byDate.get('2026-03-21')).toEqual({
      date: '2026-03-21',
      averageScore: 70,
      products: 2,
    });
    expect(byDate.get('2026-03-28')!.averageScore).toBe(50);
    expect(byDate.get('2026-03-31')).toEqual({
      date: '2026-03-31',
      averageScore: 200 / 3,
      products: 3,
    });
    expect(insight.regressions).toEqual([
      {
        entityRef: ref('a'),
        from: { score: 80, level: 'bronze', compliant: true },
        to: { score: 40, level: null, compliant: true },
      },
      {
        entityRef: ref('b'),
        from: { score: 60, level: 'bronze', compliant: true },
        to: { score: 60, level: 'bronze', compliant: false },
      },
    ]);
    expect(insight.leaderboard).toEqual([
      {
        domainRef: 'domain:default/research',
        averageScore: 60,
        products: 1,
        rank: 1,
      },
      {
        domainRef: 'domain:default/clinical',
        averageScore: 40,
        products: 1,
        rank: 2,
      },
    ]);

    // Only readable products count.
    const restricted = await computeInsight(store, [ref('b')], now);
    expect(restricted.products).toBe(1);
    expect(restricted.trend[29].averageScore).toBe(60);
    expect(restricted.regressions.map(r => r.entityRef)).toEqual([ref('b')]);
  });
});
