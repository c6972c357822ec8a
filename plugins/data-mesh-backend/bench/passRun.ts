/*
 * The scorecard pass of pass.bench.ts and scale.bench.ts, run in a child process by plain Node as the backend runs
 * it (TypeScript through backstage-cli's node transform, `yarn start`'s, and packages such as
 * cel-js loaded by Node itself), not in jest's vm context: there every global lookup is a call
 * into Node, which makes the rules' interpreter several times slower than in a backend.
 *
 * Input: the environment variable PASS_RUN, JSON of runPasses.ts's PassRunInput. Output: one
 * line of JSON on stdout, its PassRunOutput (`memory`: RSS and heap before the passes, peak
 * heap, heap after a full collection when Node runs with --expose-gc).
 */
import {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { CatalogClient } from '@backstage/catalog-client';
import { ConfigReader } from '@backstage/config';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import knexFactory from 'knex';
import path from 'path';
import { ProductQuery } from '../src/database/ProductIndexStore';
import { createDataMeshStores } from '../src/database/stores';
import { readDataMeshBackendConfig } from '../src/service/config';
import { EvaluationService } from '../src/service/EvaluationService';
import { catalogWithRelations, FACT_SOURCES, PRODUCTS } from './fixtures';
import { profiled } from './profile';
import { PassRunInput } from './runPasses';

/** The real catalog's HTTP API as the plugin's catalog service reads it: a token per request. */
function catalogOverHttp(baseUrl: string, auth: AuthService): CatalogService {
  const client = new CatalogClient({
    discoveryApi: {
      getBaseUrl: async pluginId => `${baseUrl}/api/${pluginId}`,
    },
  });
  return new Proxy(client, {
    get:
      (target, method: keyof CatalogClient) =>
      async (
        request: unknown,
        options: { credentials: BackstageCredentials },
      ) => {
        const { token } = await auth.getPluginRequestToken({
          onBehalfOf: options.credentials,
          targetPluginId: 'catalog',
        });
        return (target[method] as Function).call(target, request, { token });
      },
  }) as unknown as CatalogService;
}

async function main() {
  const input = JSON.parse(process.env.PASS_RUN ?? '{}') as PassRunInput;
  const knex =
    input.database.client === 'pg'
      ? knexFactory({
          client: 'pg',
          connection: input.database.connection as any,
        })
      : knexFactory({
          client: 'better-sqlite3',
          connection: { filename: ':memory:' },
          useNullAsDefault: true,
        });
  const stores = await createDataMeshStores({
    database: mockServices.database({ knex }),
  });
  const observedAt = new Date(Date.now() - 60 * 60_000);
  const lastUpdated = new Date(Date.now() - 7 * 86_400_000).toISOString();
  for (let from = 0; from < PRODUCTS; from += 1000) {
    await stores.facts.addFactsBatch(
      Array.from({ length: Math.min(1000, PRODUCTS - from) }, (_, k) =>
        FACT_SOURCES.map(source => ({
          entityRef: `dataproduct:default/product-${from + k}`,
          source,
          facts:
            source === 'freshness'
              ? { lastUpdated }
              : {
                  passed: 40 + ((from + k) % 3),
                  failed: (from + k) % 4 ? 0 : 1,
                  ratio: 0.97,
                },
          observedAt,
        })),
      ).flat(),
    );
  }
  const auth = mockServices.auth();
  const service = new EvaluationService({
    config: readDataMeshBackendConfig(new ConfigReader({})),
    catalog: input.catalogBaseUrl
      ? catalogOverHttp(input.catalogBaseUrl, auth)
      : catalogServiceMock({ entities: catalogWithRelations() }),
    auth,
    stores,
    logger: mockServices.rootLogger({ level: 'none' }),
  });

  global.gc?.();
  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakHeap = before.heapUsed;
  const sampler = setInterval(() => {
    const usage = process.memoryUsage();
    peakRss = Math.max(peakRss, usage.rss);
    peakHeap = Math.max(peakHeap, usage.heapUsed);
  }, 50);
  const passes: Array<{ wallMs: number; cpuMs: number; products: number }> = [];
  try {
    for (let pass = 0; pass < input.passes; pass++) {
      const start = performance.now();
      const cpu = process.cpuUsage();
      const { products } = input.profileDir
        ? await profiled(
            path.join(
              input.profileDir,
              `${input.database.client}-pass${pass + 1}.cpuprofile`,
            ),
            () => service.evaluateAll(),
          )
        : await service.evaluateAll();
      const { user, system } = process.cpuUsage(cpu);
      passes.push({
        wallMs: performance.now() - start,
        cpuMs: (user + system) / 1000,
        products,
      });
    }
  } finally {
    clearInterval(sampler);
  }
  // What the passes keep (with --expose-gc): the heap after a full collection.
  global.gc?.();
  const after = process.memoryUsage();
  // The reads whose cost must not grow with the mesh (issue 22): the explorer's first page and
  // a domain's rollup, in SQL over our index, without and with a read condition (the catalog's
  // isEntityOwner of one of the 50 teams, as our index applies it).
  const median = (values: number[]) =>
    [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const timedMs = async (fn: () => Promise<unknown>) => {
    await fn();
    const times: number[] = [];
    for (let r = 0; r < 10; r++) {
      const start = performance.now();
      await fn();
      times.push(performance.now() - start);
    }
    return median(times);
  };
  const owner = {
    key: 'relations.ownedBy',
    values: ['group:default/group-7'],
  };
  const explorer: ProductQuery = {
    text: 'synthetic',
    statuses: ['active'],
    sort: '-score',
    limit: 25,
    offset: 0,
  };
  const domain = 'domain:default/domain-0';
  const reads = {
    explorerMs: await timedMs(() =>
      stores.productIndex.queryProducts(explorer),
    ),
    explorerOwnerMs: await timedMs(() =>
      stores.productIndex.queryProducts({ ...explorer, readable: owner }),
    ),
    rollupMs: await timedMs(() =>
      stores.scorecards.getRollup('domain', domain),
    ),
    rollupOwnerMs: await timedMs(async () =>
      stores.scorecards.getRollup('domain', domain, {
        entityRefs: await stores.productIndex.listRefs(owner, {
          by: 'domain',
          ref: domain,
        }),
      }),
    ),
  };
  const sample = Array.from(
    { length: 100 },
    (_, i) => `dataproduct:default/product-${Math.floor((i * PRODUCTS) / 100)}`,
  );
  const stored = await stores.scorecards.getScorecards(sample);
  await knex.destroy();
  process.stdout.write(
    `${JSON.stringify({
      passes,
      peakRssMb: peakRss / 1024 ** 2,
      reads,
      memory: {
        rssBeforeMb: before.rss / 1024 ** 2,
        heapBeforeMb: before.heapUsed / 1024 ** 2,
        peakHeapMb: peakHeap / 1024 ** 2,
        heapAfterGcMb: after.heapUsed / 1024 ** 2,
        externalAfterMb: after.external / 1024 ** 2,
      },
      scores: [...stored.values()].map(s => s.score),
    })}\n`,
  );
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
