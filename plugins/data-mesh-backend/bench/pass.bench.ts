/*
 * Scorecard pass benchmark, run by `yarn bench` at the repository root.
 *
 * Target: a full pass over 10,000 products (read, evaluate, persist) under 5 s, on SQLite and
 * on PostgreSQL (when BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is set).
 *
 * The products are read from Backstage's in-memory catalog (`catalogServiceMock`, the catalog
 * client's InMemoryCatalogClient), page by page as from the real one; the store runs on the
 * real databases. Ingesting 10,000 entities into a real catalog backend and reading them from
 * it is measured by the scale benchmark, not here. The test asserts correctness (every product
 * evaluated and stored, outcomes vary), not speed.
 */
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createDataMeshStores } from '../src/database/stores';
import { EvaluationService } from '../src/service/EvaluationService';
import { readDataMeshBackendConfig } from '../src/service/config';

jest.setTimeout(10 * 60_000);

const PRODUCTS = Number(process.env.BENCH_PRODUCTS ?? 10_000);
const DOMAINS = 20;
const GROUPS = 50;
const PASSES = 3;

/** Synthetic products: varied enough that checks pass and fail, with lineage between them. */
function syntheticCatalog(): Entity[] {
  const entities: Entity[] = [];
  for (let d = 0; d < DOMAINS; d++) {
    entities.push({
      apiVersion: 'datamesh-portal.io/v1alpha1',
      kind: 'Domain',
      metadata: { name: `domain-${d}`, namespace: 'default' },
      spec: { owner: `group-${d}` },
    });
  }
  for (let g = 0; g < GROUPS; g++) {
    entities.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: `group-${g}`, namespace: 'default' },
      spec: { type: 'team', children: [] },
    });
  }
  for (let i = 0; i < PRODUCTS; i++) {
    const upstream = i >= 10 ? [`product-${i - 10}`, `product-${i - 7}`] : [];
    entities.push({
      apiVersion: 'datamesh-portal.io/v1alpha1',
      kind: 'DataProduct',
      metadata: {
        name: `product-${i}`,
        namespace: 'default',
        description: i % 7 ? `Synthetic product ${i}` : undefined,
        tags: i % 3 ? ['synthetic'] : undefined,
      },
      spec: {
        owner: `group:default/group-${i % (GROUPS + 5)}`,
        domain: `domain-${i % DOMAINS}`,
        status: ['active', 'active', 'active', 'draft', 'deprecated'][i % 5],
        version: i % 4 ? '1.0.0' : undefined,
        purpose:
          i % 6 ? 'A synthetic product used to measure a scorecard pass.' : 'x',
        usage: i % 5 ? 'Read the table.' : undefined,
        limitations: i % 5 ? 'None known.' : undefined,
        classification: ['internal', 'confidential', 'restricted'][i % 3],
        personalData: i % 2 === 0,
        inputPorts: upstream.map(p => ({ name: p, dataProduct: p })),
        outputPorts: [
          {
            name: 'table',
            type: 'table',
            contract: i % 9 ? `product-${i}-contract` : undefined,
          },
        ],
        slos: i % 8 ? { freshness: 'PT24H', availability: 99.5 } : undefined,
        support: i % 4 ? [{ channel: 'chat', url: 'https://chat' }] : undefined,
      },
      relations: upstream.map(p => ({
        type: 'dependsOn',
        targetRef: `dataproduct:default/${p}`,
      })),
    });
  }
  return entities;
}

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const rows: string[] = [];

afterAll(() => {
  process.stdout.write(
    [
      '',
      `Scorecard pass: ${PRODUCTS} products, default checks, node ${process.version}`,
      'database     pass 1 (s)  pass 2 (s)  pass 3 (s)  peak RSS (MB)',
      ...rows,
      '',
    ].join('\n'),
  );
});

describe.each(databases.eachSupportedId())('scorecard pass on %p', id => {
  it(`evaluates and stores ${PRODUCTS} products`, async () => {
    const knex = await databases.init(id);
    const stores = await createDataMeshStores({
      database: mockServices.database({ knex }),
    });
    const service = new EvaluationService({
      config: readDataMeshBackendConfig(new ConfigReader({})),
      catalog: catalogServiceMock({ entities: syntheticCatalog() }),
      auth: mockServices.auth(),
      stores,
      logger: mockServices.logger.mock(),
    });

    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 50);
    const times: string[] = [];
    try {
      for (let pass = 0; pass < PASSES; pass++) {
        const start = performance.now();
        const { products } = await service.evaluateAll();
        times.push(((performance.now() - start) / 1000).toFixed(2));
        expect(products).toBe(PRODUCTS);
      }
    } finally {
      clearInterval(sampler);
    }
    rows.push(
      `${String(id).padEnd(12)} ${times
        .map(t => t.padStart(10))
        .join('  ')}  ${String(Math.round(peak / 1024 / 1024)).padStart(13)}`,
    );

    const sample = Array.from(
      { length: 100 },
      (_, i) => `dataproduct:default/product-${i * 97}`,
    );
    const stored = await stores.scorecards.getScorecards(sample);
    expect(stored.size).toBe(100);
    const scores = new Set([...stored.values()].map(s => s.score));
    expect(scores.size).toBeGreaterThan(1);
  });
});
