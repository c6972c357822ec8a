import {
  SchedulerServiceTaskInvocationDefinition,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  CollectedFacts,
  FactProvider,
} from '@datamesh-portal/plugin-data-mesh-node';
import { createDataMeshStores } from '../database/stores';
import { readDataMeshBackendConfig } from './config';
import { EvaluationService } from './EvaluationService';
import { scheduleFactProviders, scheduleFactRetention } from './factProviders';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const at = (minutes: number) =>
  new Date(Date.UTC(2026, 0, 1) + minutes * 60_000);
const products: Entity[] = ['p1', 'p2'].map(name => ({
  apiVersion: 'datamesh-portal.io/v1alpha1',
  kind: 'DataProduct',
  metadata: { name, namespace: 'default' },
  spec: { owner: 'team', domain: 'sales', status: 'active' },
  relations: [],
}));
const ref = (name: string) => `dataproduct:default/${name}`;

describe.each(databases.eachSupportedId())(
  'a fact provider run on %p',
  databaseId => {
    /** Schedules one provider returning `collected`; returns its run and the stores. */
    async function setup(
      collected: CollectedFacts[],
      options: { maxSourcesPerProduct?: number } = {},
    ) {
      const stores = await createDataMeshStores({
        database: mockServices.database({
          knex: await databases.init(databaseId),
        }),
        facts: options,
      });
      const catalog = catalogServiceMock({ entities: products });
      const auth = mockServices.auth();
      const logger = mockServices.logger.mock();
      const tasks: Array<
        SchedulerServiceTaskInvocationDefinition &
          SchedulerServiceTaskScheduleDefinition
      > = [];
      const scheduler = mockServices.scheduler.mock({
        scheduleTask: async task => {
          tasks.push(task);
        },
      });
      const provider: FactProvider = {
        source: 'warehouse',
        schedule: { frequency: { hours: 1 }, timeout: { minutes: 1 } },
        collect: async () => collected,
      };
      await scheduleFactProviders({
        providers: [provider],
        scheduler,
        logger,
        catalog,
        auth,
        facts: stores.facts,
        evaluations: new EvaluationService({
          config: readDataMeshBackendConfig(new ConfigReader({})),
          catalog,
          auth,
          stores,
          logger,
        }),
      });
      const run = () => tasks[0].fn(new AbortController().signal);
      return { run, stores, logger };
    }

    it('stores the observations about known products and evaluates them', async () => {
      const { run, stores } = await setup([
        { entityRef: 'DataProduct:default/P1', facts: { rows: 3 } },
        { entityRef: ref('unknown'), facts: { rows: 1 } },
      ]);
      await run();
      const latest = await stores.facts.getLatestFacts([
        ref('p1'),
        ref('unknown'),
      ]);
      expect([...latest.keys()]).toEqual([ref('p1')]);
      expect(latest.get(ref('p1'))!.get('warehouse')!.facts).toEqual({
        rows: 3,
      });
      expect(await stores.scorecards.getScorecard(ref('p1'))).toBeDefined();
      expect(await stores.scorecards.getScorecard(ref('p2'))).toBeUndefined();
    });

    it.each([
      [
        { facts: [] as any },
        'Fact provider warehouse: facts of dataproduct:default/p2 must be a JSON object',
      ],
      [
        { facts: { rows: 2 }, observedAt: new Date('yesterday') },
        'Fact provider warehouse: observedAt of dataproduct:default/p2 must be a valid date',
      ],
    ])(
      'stores nothing of a run with a malformed observation %#',
      async (bad, message) => {
        const { run, stores } = await setup([
          { entityRef: ref('p1'), facts: { rows: 1 }, observedAt: at(5) },
          { entityRef: ref('p2'), ...bad },
        ]);
        await expect(run()).rejects.toMatchObject({
          name: 'InputError',
          message,
        });
        const latest = await stores.facts.getLatestFacts([
          ref('p1'),
          ref('p2'),
        ]);
        expect(latest.size).toBe(0);
      },
    );

    it('stores the others and warns when a product already has the most sources allowed', async () => {
      const { run, stores, logger } = await setup(
        [
          { entityRef: ref('p1'), facts: { rows: 1 } },
          { entityRef: ref('p2'), facts: { rows: 2 } },
        ],
        { maxSourcesPerProduct: 1 },
      );
      await stores.facts.addFacts({
        entityRef: ref('p1'),
        source: 'ci',
        facts: { ok: true },
        observedAt: at(1),
      });
      await run();
      const latest = await stores.facts.getLatestFacts([ref('p1'), ref('p2')]);
      expect([...latest.get(ref('p1'))!.keys()]).toEqual(['ci']);
      expect(latest.get(ref('p2'))!.get('warehouse')!.facts).toEqual({
        rows: 2,
      });
      expect(logger.warn).toHaveBeenCalledWith(
        'Fact provider warehouse: not stored for 1 product(s) that already have the most fact sources allowed (dataMesh.facts.maxSourcesPerProduct), e.g. dataproduct:default/p1',
      );
    });

    it('deletes fact history past dataMesh.facts.retention on its schedule, keeping the latest of each source', async () => {
      const stores = await createDataMeshStores({
        database: mockServices.database({
          knex: await databases.init(databaseId),
        }),
      });
      const tasks: Array<
        SchedulerServiceTaskInvocationDefinition &
          SchedulerServiceTaskScheduleDefinition
      > = [];
      const config = readDataMeshBackendConfig(
        new ConfigReader({
          dataMesh: {
            facts: {
              retention: 'P10D',
              cleanupSchedule: { frequency: { minutes: 30 }, timeout: 'PT5M' },
            },
          },
        }),
      );
      const now = at(20 * 24 * 60);
      await scheduleFactRetention({
        config: config.facts,
        scheduler: mockServices.scheduler.mock({
          scheduleTask: async task => {
            tasks.push(task);
          },
        }),
        logger: mockServices.logger.mock(),
        facts: stores.facts,
        now: () => now,
      });
      expect(tasks).toEqual([
        expect.objectContaining({
          id: 'data-mesh-fact-retention',
          frequency: { minutes: 30 },
          timeout: { minutes: 5 },
        }),
      ]);
      // Days 1 to 15 of history, then the run on day 20: days 10 and later stay.
      for (let day = 1; day <= 15; day++) {
        await stores.facts.addFacts({
          entityRef: ref('p1'),
          source: 'ci',
          facts: { day },
          observedAt: at(day * 24 * 60),
        });
      }
      await stores.facts.addFacts({
        entityRef: ref('p2'),
        source: 'ci',
        facts: { day: 2 },
        observedAt: at(2 * 24 * 60),
      });
      await tasks[0].fn(new AbortController().signal);
      const days = async (name: string) =>
        (await stores.facts.getFactHistory(ref(name), 'ci')).map(
          h => h.facts.day,
        );
      expect(await days('p1')).toEqual([15, 14, 13, 12, 11, 10]);
      expect(await days('p2')).toEqual([2]);
    });
  },
);
