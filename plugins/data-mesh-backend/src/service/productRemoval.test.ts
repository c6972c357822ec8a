import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { JsonObject } from '@backstage/types';
import { Knex } from 'knex';
import { createDataMeshStores, DataMeshStores } from '../database/stores';
import { readDataMeshBackendConfig } from './config';
import { EvaluationService } from './EvaluationService';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const DAY = 24 * 3600_000;

const product = (name: string, title = name): Entity => ({
  apiVersion: 'datamesh-portal.io/v1alpha1',
  kind: 'DataProduct',
  metadata: { name, namespace: 'default', title },
  spec: { owner: 'group:default/team', domain: 'sales', status: 'active' },
  relations: [],
});
const ref = (name: string) => `dataproduct:default/${name}`;
const NAMES = ['p1', 'p2', 'p3', 'p4'];

/**
 * A catalog whose contents the test changes between passes; `override` replaces some of its
 * methods (a list answering empty while lookups by ref still find everything, say).
 */
function changingCatalog(initial: Entity[]) {
  let current = catalogServiceMock({ entities: initial });
  let overrides: Partial<CatalogService> = {};
  const catalog = new Proxy({} as CatalogService, {
    get: (_, name: keyof CatalogService) =>
      (overrides[name] as Function | undefined) ??
      ((...args: unknown[]) => (current[name] as Function)(...args)),
  });
  return {
    catalog,
    set(entities: Entity[]) {
      current = catalogServiceMock({ entities });
      overrides = {};
    },
    override(methods: Partial<CatalogService>) {
      overrides = methods;
    },
    /** The catalog as set, without the overrides. */
    get current(): CatalogService {
      return current;
    },
  };
}

describe.each(databases.eachSupportedId())(
  'products that leave the catalog, on %p',
  databaseId => {
    let knex: Knex;
    let stores: DataMeshStores;

    async function setup(removal: JsonObject = {}) {
      knex = await databases.init(databaseId);
      stores = await createDataMeshStores({
        database: mockServices.database({ knex }),
      });
      let now = new Date('2026-11-25T09:00:00Z');
      const clock = {
        now: () => now,
        advance: (ms: number) => {
          now = new Date(now.getTime() + ms);
        },
      };
      const source = changingCatalog(NAMES.map(name => product(name)));
      const logger = mockServices.logger.mock();
      const evaluations = new EvaluationService({
        config: readDataMeshBackendConfig(
          new ConfigReader({ dataMesh: { scorecards: { removal } } }),
        ),
        catalog: source.catalog,
        auth: mockServices.auth(),
        stores,
        logger,
        now: clock.now,
      });
      /** A pass a minute after the last one. */
      const pass = async () => {
        clock.advance(60_000);
        return evaluations.evaluateAll();
      };
      const warnings = () =>
        logger.warn.mock.calls.map(([message]) => String(message));
      const shown = async () =>
        [
          ...(await stores.scorecards.getScorecards(NAMES.map(ref))).keys(),
        ].sort();
      const listed = async () =>
        (
          await stores.productIndex.queryProducts({ limit: 10, offset: 0 })
        ).items.map(item => item.name);
      return {
        clock,
        source,
        logger,
        pass,
        warnings,
        shown,
        listed,
        evaluations,
      };
    }

    it('hides a product gone from the catalog, restores it with its history when it comes back, and purges it after the retention', async () => {
      const { clock, source, logger, pass, shown, listed } = await setup({
        retention: { days: 30 },
      });
      await stores.facts.addFacts({
        entityRef: ref('p4'),
        source: 'ci',
        facts: { ok: true },
        observedAt: clock.now(),
      });
      await pass();
      const history = await stores.scorecards.getScorecardHistory(ref('p4'));
      expect(history).not.toEqual([]);

      // One of four leaves: removed at once, hidden everywhere.
      source.set(NAMES.slice(0, 3).map(n => product(n)));
      await pass();
      expect(logger.info).toHaveBeenLastCalledWith(
        'Evaluated 3 data products, removed 1 gone from the catalog',
      );
      expect(await shown()).toEqual([ref('p1'), ref('p2'), ref('p3')]);
      expect(await listed()).toEqual(['p1', 'p2', 'p3']);
      expect(await stores.scorecards.getScorecardHistory(ref('p4'))).toEqual(
        [],
      );
      expect(
        await stores.scorecards.getRollup('owner', 'group:default/team'),
      ).toMatchObject({ products: 3 });

      // Back after 10 days: shown again with its history, facts and explorer row.
      clock.advance(10 * DAY);
      source.set(NAMES.map(n => product(n)));
      await pass();
      expect(await shown()).toEqual(NAMES.map(ref));
      expect(await listed()).toEqual(NAMES);
      expect(await stores.scorecards.getScorecardHistory(ref('p4'))).toEqual(
        history,
      );
      expect((await stores.facts.getLatestFacts([ref('p4')])).size).toBe(1);

      // Gone again: kept for 30 days after its removal, then purged, facts included.
      source.set(NAMES.slice(0, 3).map(n => product(n)));
      await pass();
      expect(logger.info).toHaveBeenLastCalledWith(
        'Evaluated 3 data products, removed 1 gone from the catalog',
      );
      // Each pass is a minute after the last: this one 30 days after the removal.
      clock.advance(30 * DAY - 60_000);
      await pass();
      expect(
        await knex('scorecards').where('entity_ref', ref('p4')),
      ).toHaveLength(1);
      await pass();
      expect(logger.info).toHaveBeenLastCalledWith(
        'Evaluated 3 data products, purged 1 removed longer than the retention',
      );
      for (const table of [
        'scorecards',
        'scorecard_history',
        'product_index',
        'facts_latest',
        'fact_observations',
      ]) {
        expect(await knex(table).where('entity_ref', ref('p4'))).toEqual([]);
      }
      expect(await shown()).toEqual([ref('p1'), ref('p2'), ref('p3')]);
    });

    it('removes a product gone from the catalog between passes, reading the catalog only when its count drops', async () => {
      const { clock, source, pass, shown, listed, evaluations } = await setup();
      await pass();
      const calls: Array<{ limit?: number }> = [];
      const counting = () => {
        const catalog = source.current;
        source.override({
          queryEntities: async (request, options) => {
            calls.push({ limit: (request as { limit?: number }).limit });
            return catalog.queryEntities(request, options);
          },
        });
      };

      // Nothing gone: one count, no list.
      counting();
      expect(await evaluations.removeGoneSincePass()).toEqual([]);
      expect(calls).toEqual([{ limit: 1 }]);

      // One of four leaves: the count drops, the list is read, it is removed at once.
      clock.advance(60_000);
      source.set(NAMES.slice(0, 3).map(n => product(n)));
      calls.length = 0;
      counting();
      expect(await evaluations.removeGoneSincePass()).toEqual([ref('p4')]);
      expect(calls).toEqual([{ limit: 1 }, { limit: 1000 }]);
      expect(await shown()).toEqual([ref('p1'), ref('p2'), ref('p3')]);
      expect(await listed()).toEqual(['p1', 'p2', 'p3']);
    });

    it('keeps everything when the catalog briefly lists no products but still has them', async () => {
      const { source, pass, warnings, shown, listed } = await setup();
      await pass();
      const history = await stores.scorecards.getScorecardHistory(ref('p1'));

      source.override({
        queryEntities: async () => ({
          items: [],
          totalItems: 0,
          pageInfo: {},
        }),
      });
      await pass();
      expect(warnings()).toEqual([
        "4 of the 4 data products with results are missing from the catalog's list (more than 50%, dataMesh.scorecards.removal.maxPercent), but the catalog still has 4 of them, e.g. dataproduct:default/p1: its list was incomplete, nothing removed",
      ]);
      expect(await shown()).toEqual(NAMES.map(ref));
      expect(await listed()).toEqual(NAMES);
      expect(await stores.scorecards.getScorecardHistory(ref('p1'))).toEqual(
        history,
      );
    });

    it('keeps everything when the catalog cannot confirm a large drop', async () => {
      const { source, pass, warnings, shown } = await setup();
      await pass();
      source.override({
        queryEntities: async () => ({ items: [], totalItems: 0, pageInfo: {} }),
        getEntitiesByRefs: async () => {
          throw new Error('catalog unavailable');
        },
      });
      await pass();
      expect(warnings()).toEqual([
        "4 of the 4 data products with results are missing from the catalog's list (more than 50%, dataMesh.scorecards.removal.maxPercent), and the catalog could not confirm they are gone (Error: catalog unavailable): nothing removed",
      ]);
      expect(await shown()).toEqual(NAMES.map(ref));
    });

    it('removes a large drop the catalog confirms, softly, with a warning', async () => {
      const { source, pass, warnings, shown } = await setup();
      await pass();
      const history = await stores.scorecards.getScorecardHistory(ref('p2'));
      source.set([product('p1')]);
      await pass();
      expect(warnings()).toEqual([
        "3 of the 4 data products with results are missing from the catalog's list (more than 50%, dataMesh.scorecards.removal.maxPercent); the catalog confirmed each is gone: they are removed, and restored with their history if they come back within the retention",
      ]);
      expect(await shown()).toEqual([ref('p1')]);
      // Not deleted: back in the catalog, back with their results.
      source.set(NAMES.map(n => product(n)));
      await pass();
      expect(await shown()).toEqual(NAMES.map(ref));
      expect(await stores.scorecards.getScorecardHistory(ref('p2'))).toEqual(
        history,
      );
    });

    it('asks the catalog to confirm only beyond the configured percentage', async () => {
      const { source, pass, warnings, shown } = await setup({ maxPercent: 75 });
      await pass();
      const getEntitiesByRefs = jest.fn(
        async (_request: { entityRefs: string[] }) => ({ items: [] }),
      );
      // Three of four (75 %) is not beyond 75 %: removed without asking.
      source.set([product('p1')]);
      source.override({ getEntitiesByRefs });
      await pass();
      // (Rules look up related entities by ref; no product was asked about.)
      expect(
        getEntitiesByRefs.mock.calls.flatMap(([request]) =>
          request.entityRefs.filter(r => r.startsWith('dataproduct:')),
        ),
      ).toEqual([]);
      expect(warnings()).toEqual([]);
      expect(await shown()).toEqual([ref('p1')]);

      // Four of four is beyond: the catalog is asked, and still has them.
      source.set(NAMES.map(n => product(n)));
      await pass();
      source.override({
        queryEntities: async () => ({ items: [], totalItems: 0, pageInfo: {} }),
      });
      await pass();
      expect(warnings()).toEqual([
        expect.stringMatching(
          /^4 of the 4 data products .* \(more than 75%, .*nothing removed$/,
        ),
      ]);
      expect(await shown()).toEqual(NAMES.map(ref));
    });
  },
);
