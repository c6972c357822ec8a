import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { GovernanceResult } from '@datamesh-portal/plugin-data-mesh-common';
import { migrationsDirectory } from './client';
import { DatabaseScorecardStore } from './DatabaseScorecardStore';
import { ScorecardToSave } from './ScorecardStore';
import { createDataMeshStores, DataMeshStores } from './stores';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const directory = migrationsDirectory;
const at = (minutes: number) =>
  new Date(Date.UTC(2026, 0, 1) + minutes * 60_000);
const product = (i: number) => `dataproduct:default/product-${i}`;

/** The tables each migration creates, in order. */
const MIGRATIONS: Array<[string, string[]]> = [
  [
    '20261124230000_init.js',
    ['fact_observations', 'facts_latest', 'scorecards', 'scorecard_history'],
  ],
  ['20261125010000_governance.js', ['waivers', 'waiver_events']],
  ['20261125030000_product_index.js', ['product_index']],
  ['20261126010000_removed_products.js', []],
  ['20261126020000_fact_retention.js', []],
  ['20261207010000_contract_test_runs.js', ['contract_test_runs']],
  [
    '20261208010000_access_agreements.js',
    ['access_agreements', 'access_agreement_transitions'],
  ],
  ['20261209120000_product_search.js', ['product_search']],
  ['20261210010000_scorecard_level_cap.js', []],
  ['20261211010000_contract_definitions.js', ['contract_definitions']],
  ['20261212010000_rollup_covering_indexes.js', []],
];
const ALL_TABLES = MIGRATIONS.flatMap(([, tables]) => tables).sort();

/** Writes through the stores so that every table of theirs has rows. */
async function populate(stores: DataMeshStores, round: number) {
  for (let i = 0; i < 3; i++) {
    const entityRef = `dataproduct:default/product-${i}`;
    await stores.facts.addFacts({
      entityRef,
      source: 'ci',
      facts: { testsFailed: i, round },
      observedAt: at(round * 10 + i),
    });
    await stores.scorecards.saveScorecards([
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
        ...(i === 1
          ? {
              levelCap: {
                checksLevel: 'silver',
                policyIds: ['personal-data-restricted'],
                reason: 'Held at bronze, below silver.',
              },
            }
          : {}),
        evaluatedAt: at(round * 10 + i),
      },
    ]);
    await stores.productIndex.saveProducts([
      {
        entityRef,
        name: `product-${i}`,
        title: `Product ${i}`,
        status: 'active',
        search: {
          version: `product-${i}`,
          rows: () => [{ key: 'metadata.name', value: `product-${i}` }],
        },
      },
    ]);
  }
  const requested = await stores.waivers.createWaiver({
    entityRef: 'dataproduct:default/product-1',
    policyId: 'personal-data-restricted',
    reason: `Round ${round}`,
    requestedBy: 'user:default/owner',
    requestedAt: at(round * 10),
    expiresAt: at(round * 10 + 5),
  });
  if (!('created' in requested)) throw new Error('Waiver request blocked');
  await stores.waivers.updateWaiverStatus(requested.created.id, {
    from: 'pending',
    to: 'approved',
    actor: 'user:default/admin',
    at: at(round * 10 + 1),
  });
  await stores.contractTestRuns.addRuns([
    {
      entityRef: 'dataproduct:default/product-0',
      contractRef: 'api:default/product-0-contract',
      contractId: 'product-0',
      version: `1.0.${round}`,
      server: 'warehouse',
      trigger: 'schedule',
      startedAt: at(round * 10),
      finishedAt: at(round * 10 + 1),
      summary: { passed: 1, failed: 0, errors: 0, skipped: 0 },
      checks: [{ object: 'orders', metric: 'exists', outcome: 'pass' }],
    },
  ]);
  const agreement = await stores.accessAgreements.create({
    productRef: 'dataproduct:default/product-0',
    outputPort: 'orders',
    consumerRef: `group:default/team-${round}`,
    purpose: 'Monthly revenue reporting for finance',
    approval: 'owners',
    requestedBy: 'user:default/alice',
    requestedAt: at(round * 10),
  });
  if ('created' in agreement) {
    await stores.accessAgreements.transition(agreement.created.id, {
      from: ['requested'],
      to: 'approved',
      actor: 'user:default/owner',
      at: at(round * 10 + 1),
      decision: true,
    });
  }
  await stores.contractHistory.record([
    {
      contractRef: 'api:default/product-0-contract',
      definition: {
        apiVersion: 'v3.1.0',
        kind: 'DataContract',
        id: 'product-0',
        version: `1.0.${round}`,
        status: 'active',
      },
      seenAt: at(round * 10),
    },
  ]);
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
      const stores = await createDataMeshStores({
        database: mockServices.database({ knex }),
      });
      await populate(stores, 1);
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
      await populate(stores, 2);
      const again = await counts();
      for (const table of ALL_TABLES) {
        expect(again[table]).toBeGreaterThan(0);
      }
      expect(
        (await stores.scorecards.getScorecard('dataproduct:default/product-2'))!
          .score,
      ).toBe(54);
    });

    it('rolls everything back on a populated database and migrates to the latest again', async () => {
      const stores = await createDataMeshStores({
        database: mockServices.database({ knex }),
      });
      await populate(stores, 1);
      const before = await counts();

      await knex.migrate.rollback({ directory }, true);
      expect(await tables()).toEqual([]);
      await knex.migrate.latest({ directory });
      expect(await counts()).toEqual(
        Object.fromEntries(ALL_TABLES.map(table => [table, 0])),
      );

      // The store starts on it as on a new database and fills every table the same way.
      const again = await createDataMeshStores({
        database: mockServices.database({ knex }),
      });
      await populate(again, 1);
      expect(await counts()).toEqual(before);
      expect(
        await again.facts.getLatestFacts(['dataproduct:default/product-0']),
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

/** A scorecard result of product i, as the store tests save them. */
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
    checks: [{ id: 'check-0', outcome: 'pass' }],
    compliant: true,
    policyResults: policies('pass'),
    evaluatedAt: at(0),
    ...overrides,
  };
}

function policies(
  ...outcomes: Array<GovernanceResult['outcome']>
): GovernanceResult[] {
  return outcomes.map((outcome, i) => ({
    id: `policy-${i}`,
    severity: 'error',
    enforcement: 'enforce',
    origin: 'global',
    outcome,
    blocking: outcome === 'fail',
  }));
}

async function createWaiver(
  stores: DataMeshStores,
  request: Parameters<DataMeshStores['waivers']['createWaiver']>[0],
) {
  const result = await stores.waivers.createWaiver(request);
  if (!('created' in result)) throw new Error('Waiver request blocked');
  return result.created;
}

describe.each(databases.eachSupportedId())(
  'the stores across migrations on %p',
  databaseId => {
    let knex: Knex;
    let stores: DataMeshStores;

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      stores = await createDataMeshStores({
        database: mockServices.database({ knex }),
      });
    });
    const waiverRequest = {
      entityRef: product(1),
      policyId: 'personal-data-restricted',
      reason: 'Migration test',
      expiresAt: at(100),
      requestedBy: 'user:default/alice',
      requestedAt: at(0),
    };

    it('rolls back and migrates again on a populated database', async () => {
      await stores.facts.addFacts({
        entityRef: product(1),
        source: 'ci',
        facts: { ok: true },
        observedAt: at(1),
      });
      await stores.scorecards.saveScorecards([scorecard(1), scorecard(2)]);
      const waiver = await createWaiver(stores, waiverRequest);
      await stores.waivers.updateWaiverStatus(waiver.id, {
        from: 'pending',
        to: 'approved',
        actor: 'user:default/admin',
        at: at(1),
      });

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
      const again = await createDataMeshStores({
        database: mockServices.database({ knex }),
      });
      expect((await again.scorecards.getScorecards([product(1)])).size).toBe(0);
      await again.scorecards.saveScorecards([scorecard(1)]);
      expect((await again.scorecards.getScorecard(product(1)))!.score).toBe(1);
      expect(await again.waivers.listWaivers()).toEqual([]);
      await createWaiver(again, waiverRequest);

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
      // Every migration applied.
      expect(await columns('scorecards')).toEqual(
        [
          'checks',
          'compliant',
          'domain_ref',
          'entity_ref',
          'evaluated_at',
          'level',
          'level_cap',
          'owner_ref',
          'policy_results',
          'removed_at',
          'score',
        ].sort(),
      );

      await stores.scorecards.saveScorecards([
        scorecard(1, { compliant: false, policyResults: policies('fail') }),
        scorecard(2),
      ]);
      await createWaiver(stores, waiverRequest);

      // The later migrations are undone first, one at a time.
      let undone: string[];
      do {
        [, undone] = await knex.migrate.down({ directory });
      } while (undone[0] !== '20261125010000_governance.js');
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
      expect(await stores.scorecards.getScorecard(product(1))).toEqual(
        expect.objectContaining({
          score: 1,
          compliant: true,
          policyResults: [],
          evaluatedAt: at(0),
        }),
      );
      expect(await stores.scorecards.getScorecardHistory(product(1))).toEqual([
        { evaluatedAt: at(0), score: 1, level: 'bronze', compliant: true },
      ]);
      const result = await stores.scorecards.saveScorecards([
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
      expect(await stores.waivers.listWaivers()).toEqual([]);
      await createWaiver(stores, waiverRequest);
    });

    it('undoes the removal and fact retention migrations on a populated database: removed products show again', async () => {
      await stores.scorecards.saveScorecards([scorecard(1), scorecard(2)]);
      await stores.scorecards.removeScorecards([product(2)], { at: at(5) });
      await stores.facts.addFacts({
        entityRef: product(1),
        source: 'ci',
        facts: { ok: true },
        observedAt: at(1),
      });
      expect((await stores.scorecards.getScorecards([product(2)])).size).toBe(
        0,
      );

      // The later migrations are undone first, one at a time.
      let access: string[];
      do {
        [, access] = await knex.migrate.down({ directory });
      } while (access[0] !== '20261208010000_access_agreements.js');
      expect(await knex.schema.hasTable('access_agreements')).toBe(false);
      const [, contractTests] = await knex.migrate.down({ directory });
      expect(contractTests).toEqual(['20261207010000_contract_test_runs.js']);
      const [, retention] = await knex.migrate.down({ directory });
      expect(retention).toEqual(['20261126020000_fact_retention.js']);
      const [, removal] = await knex.migrate.down({ directory });
      expect(removal).toEqual(['20261126010000_removed_products.js']);
      expect(await knex.schema.hasColumn('scorecards', 'removed_at')).toBe(
        false,
      );
      expect(
        await knex('scorecards').orderBy('entity_ref').pluck('entity_ref'),
      ).toEqual([product(1), product(2)]);
      const [{ n }] = await knex('fact_observations').count({ n: '*' });
      expect(Number(n)).toBe(1);

      await knex.migrate.latest({ directory });
      expect(
        [
          ...(
            await stores.scorecards.getScorecards([product(1), product(2)])
          ).keys(),
        ].sort(),
      ).toEqual([product(1), product(2)]);
      expect(
        await stores.facts.deleteFactHistory({ observedBefore: at(100) }),
      ).toEqual({ deleted: 0 });
    });

    it('skips migrations when asked to', async () => {
      const fresh = await databases.init(databaseId);
      await createDataMeshStores({
        database: mockServices.database({ knex: fresh }),
        skipMigrations: true,
      });
      expect(await fresh.schema.hasTable('scorecards')).toBe(false);
      await DatabaseScorecardStore.create({
        database: mockServices.database({ knex: fresh }),
        skipMigrations: true,
      });
      expect(await fresh.schema.hasTable('scorecards')).toBe(false);
      await createDataMeshStores({
        database: mockServices.database({
          knex: fresh,
          migrations: { skip: true },
        }),
      });
      expect(await fresh.schema.hasTable('scorecards')).toBe(false);
    });
  },
);
