import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createDataMeshStores, DataMeshStores } from '../database/stores';
import { readDataMeshBackendConfig } from './config';
import { EvaluationService } from './EvaluationService';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const product = (name: string): Entity => ({
  apiVersion: 'datamesh-portal.io/v1alpha1',
  kind: 'DataProduct',
  metadata: { name, namespace: 'default' },
  spec: { owner: 'group:default/team', domain: 'sales', status: 'active' },
  relations: [],
});
const ref = (name: string) => `dataproduct:default/${name}`;
const names = (count: number) =>
  Array.from({ length: count }, (_, i) => `p${String(i).padStart(2, '0')}`);

/**
 * Counts the turns of the event loop: a setImmediate callback that schedules itself runs
 * once per turn, and only when nothing holds the loop.
 */
function countTurns() {
  let turns = 0;
  let timer: NodeJS.Immediate | undefined;
  const turn = () => {
    turns += 1;
    timer = setImmediate(turn);
  };
  timer = setImmediate(turn);
  return {
    get turns() {
      return turns;
    },
    stop: () => clearImmediate(timer),
  };
}

describe.each(databases.eachSupportedId())('the evaluation pass, on %p', id => {
  let stores: DataMeshStores;
  let entities: Entity[];
  const logger = mockServices.logger.mock();
  let now: Date;
  /** Milliseconds of the monotonic clock evaluations read; each reading runs `onRead`. */
  let clockMs: number;
  let onRead: () => void;

  function service() {
    return new EvaluationService({
      config: readDataMeshBackendConfig(new ConfigReader({})),
      catalog: catalogServiceMock({ entities }),
      auth: mockServices.auth(),
      stores,
      logger,
      now: () => now,
      clock: () => {
        onRead();
        return clockMs;
      },
    });
  }

  beforeEach(async () => {
    const knex = await databases.init(id);
    stores = await createDataMeshStores({
      database: mockServices.database({ knex }),
    });
    now = new Date('2026-12-01T09:00:00Z');
    clockMs = 0;
    onRead = () => {};
    jest.clearAllMocks();
  });

  it('yields to the event loop between products, so that requests are served while it runs', async () => {
    entities = names(30).map(product);
    // Every product takes longer than a pass may hold the event loop.
    const turnsAtReading: number[] = [];
    const loop = countTurns();
    onRead = () => {
      clockMs += 1000;
      turnsAtReading.push(loop.turns);
    };
    try {
      expect(await service().evaluateAll()).toEqual({ products: 30 });
    } finally {
      loop.stop();
    }
    // The clock is read before each product; the loop turned between any two products.
    expect(new Set(turnsAtReading).size).toBeGreaterThanOrEqual(30);
    const stored = await stores.scorecards.getScorecards(names(30).map(ref));
    expect(stored.size).toBe(30);
  });

  it('keeps the event loop while products are quick', async () => {
    entities = names(30).map(product);
    const turnsAtReading: number[] = [];
    const loop = countTurns();
    onRead = () => turnsAtReading.push(loop.turns);
    try {
      await service().evaluateAll();
    } finally {
      loop.stop();
    }
    // The clock stands still: after the reading when the run starts, one per product, all in
    // one turn of the loop (the page is evaluated without yielding in between).
    const products = turnsAtReading.slice(1);
    expect(products).toHaveLength(30);
    expect(new Set(products).size).toBe(1);
  });

  it('stops between products when aborted: saves those evaluated and removes nothing', async () => {
    entities = names(4).map(product);
    expect(await service().evaluateAll()).toEqual({ products: 4 });
    const first = await stores.scorecards.getScorecards(names(4).map(ref));

    // p03 leaves the catalog; the next pass is aborted after its first product.
    entities = names(3).map(product);
    now = new Date('2026-12-01T10:00:00Z');
    const controller = new AbortController();
    let readings = 0;
    onRead = () => {
      readings += 1;
      // The run reads the clock when it starts, then before each product.
      if (readings === 3) controller.abort();
    };
    expect(await service().evaluateAll({ signal: controller.signal })).toEqual({
      products: 1,
      aborted: true,
    });
    expect(logger.info).toHaveBeenLastCalledWith(
      'Evaluation pass aborted after 1 data products; none removed',
    );

    const after = await stores.scorecards.getScorecards(names(4).map(ref));
    expect([...after.keys()].sort()).toEqual(names(4).map(ref));
    expect(after.get(ref('p00'))!.evaluatedAt).toEqual(now);
    for (const name of ['p01', 'p02', 'p03']) {
      expect(after.get(ref(name))!.evaluatedAt).toEqual(
        first.get(ref(name))!.evaluatedAt,
      );
    }

    // The next whole pass removes it.
    onRead = () => {};
    expect(await service().evaluateAll()).toEqual({ products: 3 });
    expect([
      ...(await stores.scorecards.getScorecards(names(4).map(ref))).keys(),
    ]).not.toContain(ref('p03'));
  });

  it('reads and evaluates nothing once aborted', async () => {
    entities = names(4).map(product);
    const catalog = catalogServiceMock({ entities });
    const queryEntities = jest.spyOn(catalog, 'queryEntities');
    const evaluations = new EvaluationService({
      config: readDataMeshBackendConfig(new ConfigReader({})),
      catalog,
      auth: mockServices.auth(),
      stores,
      logger,
    });
    expect(
      await evaluations.evaluateAll({ signal: AbortSignal.abort() }),
    ).toEqual({ products: 0, aborted: true });
    expect(queryEntities).not.toHaveBeenCalled();
    expect(
      (await stores.scorecards.getScorecards(names(4).map(ref))).size,
    ).toBe(0);
  });
});
