import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { DatabaseDataMeshStore } from './DatabaseDataMeshStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const directory = DatabaseDataMeshStore.migrationsDirectory;
const at = (minutes: number) =>
  new Date(Date.UTC(2026, 0, 1) + minutes * 60_000);

/** The tables each migration creates, in order. */
const MIGRATIONS: Array<[string, string[]]> = [
  [
    '20261124230000_init.js',
    ['fact_observations', 'facts_latest', 'scorecards', 'scorecard_history'],
  ],
  ['20261125010000_governance.js', ['waivers', 'waiver_events']],
  ['20261125030000_product_index.js', ['product_index']],
];
const ALL_TABLES = MIGRATIONS.flatMap(([, tables]) => tables).sort();

/** Writes through the store so that every table of the store has rows. */
async function populate(store: DatabaseDataMeshStore, round: number) {
  for (let i = 0; i < 3; i++) {
    const entityRef = `dataproduct:default/product-${i}`;
    await store.addFacts({
      entityRef,
      source: 'ci',
      facts: { testsFailed: i, round },
      observedAt: at(round * 10 + i),
    });
    await store.saveScorecards([
      {
        entityRef,
        domainRef: 'domain:default/sales',
        ownerRef: 'group:default/sales-data',
        score: 50 + i + round,
        level: 'bronze',
        checks: [{ id: 'tests-pass', outcome: i ? 'fail' : 'pass' }],
        compliant: i !== 1,
        policyResults: [
          {
            id: 'personal-data-restricted',
            severity: 'error',
            enforcement: 'enforce',
            origin: 'global',
            outcome: i === 1 ? 'fail' : 'pass',
            blocking: i === 1,
          },
        ],
        evaluatedAt: at(round * 10 + i),
        index: {
          name: `product-${i}`,
          title: `Product ${i}`,
          status: 'active',
        },
      },
    ]);
  }
  const waiver = await store.createWaiver({
    entityRef: 'dataproduct:default/product-1',
    policyId: 'personal-data-restricted',
    reason: `Round ${round}`,
    requestedBy: 'user:default/owner',
    requestedAt: at(round * 10),
    expiresAt: at(round * 10 + 5),
  });
  await store.decideWaiver(waiver.id, {
    action: 'approve',
    actor: 'user:default/admin',
    at: at(round * 10 + 1),
  });
}

describe.each(databases.eachSupportedId())(
  'migrations of a populated database on %p',
  databaseId => {
    let knex: Knex;

    /** Row counts of the store's tables that exist now. */
    async function counts(): Promise<Record<string, number>> {
      const result: Record<string, number> = {};
      for (const table of ALL_TABLES) {
        if (await knex.schema.hasTable(table)) {
          const [{ n }] = await knex(table).count({ n: '*' });
          result[table] = Number(n);
        }
      }
      return result;
    }

    /** Every table in the database but knex's own. */
    async function tables(): Promise<string[]> {
      const names: string[] = databaseId.startsWith('POSTGRES')
        ? await knex('information_schema.tables')
            .where('table_schema', 'public')
            .pluck('table_name')
        : await knex('sqlite_master')
            .where('type', 'table')
            .whereNot('name', 'like', 'sqlite_%')
            .pluck('name');
      return names.filter(name => !name.startsWith('knex_migrations')).sort();
    }

    beforeEach(async () => {
      knex = await databases.init(databaseId);
    });

    it('goes down one migration at a time keeping the other tables rows, and up again', async () => {
      const store = await DatabaseDataMeshStore.create({
        database: mockServices.database({ knex }),
      });
      await populate(store, 1);
      const full = await counts();
      expect(Object.keys(full).sort()).toEqual(ALL_TABLES);
      expect(await tables()).toEqual(ALL_TABLES);
      for (const table of ALL_TABLES) {
        expect(full[table]).toBeGreaterThan(0);
      }

      for (let step = MIGRATIONS.length - 1; step >= 0; step--) {
        const [, undone] = await knex.migrate.down({ directory });
        expect(undone).toEqual([MIGRATIONS[step][0]]);
        const kept = MIGRATIONS.slice(0, step).flatMap(([, t]) => t);
        expect(await tables()).toEqual([...kept].sort());
        const now = await counts();
        for (const table of kept) expect(now[table]).toBe(full[table]);
      }
      expect(await tables()).toEqual([]);

      for (const [name] of MIGRATIONS) {
        const [, done] = await knex.migrate.up({ directory });
        expect(done).toEqual([name]);
      }
      expect(await tables()).toEqual(ALL_TABLES);
      await populate(store, 2);
      const again = await counts();
      for (const table of ALL_TABLES) {
        expect(again[table]).toBeGreaterThan(0);
      }
      expect(
        (await store.getScorecard('dataproduct:default/product-2'))!.score,
      ).toBe(54);
    });

    it('rolls everything back on a populated database and migrates to the latest again', async () => {
      const store = await DatabaseDataMeshStore.create({
        database: mockServices.database({ knex }),
      });
      await populate(store, 1);
      const before = await counts();

      await knex.migrate.rollback({ directory }, true);
      expect(await tables()).toEqual([]);
      await knex.migrate.latest({ directory });
      expect(await counts()).toEqual(
        Object.fromEntries(ALL_TABLES.map(table => [table, 0])),
      );

      // The store starts on it as on a new database and fills every table the same way.
      const again = await DatabaseDataMeshStore.create({
        database: mockServices.database({ knex }),
      });
      await populate(again, 1);
      expect(await counts()).toEqual(before);
      expect(
        await again.getLatestFacts(['dataproduct:default/product-0']),
      ).toEqual(
        new Map([
          [
            'dataproduct:default/product-0',
            new Map([
              [
                'ci',
                expect.objectContaining({
                  facts: { testsFailed: 0, round: 1 },
                  observedAt: at(10),
                }),
              ],
            ]),
          ],
        ]),
      );
    });
  },
);
