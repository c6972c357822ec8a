import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { defaultCatalogCollatorEntityTransformer } from '@backstage/plugin-search-backend-module-catalog';
import {
  DatabaseDocumentStore,
  PgSearchEngine,
} from '@backstage/plugin-search-backend-module-pg';
import {
  LunrSearchEngine,
  SearchEngine,
  TestPipeline,
} from '@backstage/plugin-search-backend-node';
import { dataProductSearchTerms } from '@datamesh-portal/plugin-data-mesh-common';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import {
  EmptyForMissingIndexSearchEngine,
  productsBeforeContracts,
} from './searchEngine';

jest.setTimeout(120_000);

const ROOT = path.resolve(__dirname, '../../../..');
const ORGANISATIONS = ['social-media', 'financial-group', 'hospital'];

function read(organisation: string, file: string): Entity[] {
  return YAML.parseAllDocuments(
    fs.readFileSync(path.join(ROOT, 'examples', organisation, file), 'utf8'),
  )
    .map(doc => doc.toJSON() as Entity)
    .filter(Boolean);
}

const products = ORGANISATIONS.flatMap(org => read(org, 'products.yaml'));
const contracts = ORGANISATIONS.flatMap(org => read(org, 'contracts.yaml'));

/** The documents the portal's collators make of the example products and contracts. */
const productDocuments = products.map(product => ({
  // As the data mesh collator writes them (plugin-search-backend-module-data-mesh).
  title: product.metadata.title ?? product.metadata.name,
  text: [product.metadata.description, product.spec?.purpose]
    .filter(Boolean)
    .join('\n'),
  searchTerms: dataProductSearchTerms(product),
  location: `/catalog/default/dataproduct/${product.metadata.name}`,
}));
const contractDocuments = contracts.map(api => ({
  ...defaultCatalogCollatorEntityTransformer(api),
  location: `/catalog/default/api/${api.metadata.name}`,
}));

async function index(engine: SearchEngine) {
  for (const [type, documents] of [
    ['data-product', productDocuments],
    ['software-catalog', contractDocuments],
  ] as const) {
    const { error } = await TestPipeline.fromIndexer(
      await engine.getIndexer(type),
    )
      .withDocuments(documents)
      .execute();
    expect(error).toBeUndefined();
  }
}

const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });

const engines: Array<[string, () => Promise<SearchEngine>]> = [
  [
    'Lunr',
    async () => new LunrSearchEngine({ logger: mockServices.logger.mock() }),
  ],
  ...databases.eachSupportedId().map(
    ([id]) =>
      [
        `PostgreSQL (${id})`,
        async () => {
          const knex = await databases.init(id);
          return new PgSearchEngine(
            await DatabaseDocumentStore.create(mockServices.database({ knex })),
            mockServices.rootConfig(),
          );
        },
      ] as [string, () => Promise<SearchEngine>],
  ),
];

describe.each(engines)('the portal search engine on %s', (_name, create) => {
  let inner: SearchEngine;
  let engine: SearchEngine;

  beforeAll(async () => {
    inner = await create();
    engine = new EmptyForMissingIndexSearchEngine(inner);
    await index(engine);
  });

  it('answers an empty result for a type without an index', async () => {
    await expect(
      engine.query({ term: 'patient', types: ['techdocs'] }),
    ).resolves.toEqual({ results: [], numberOfResults: 0 });
    await expect(
      engine.query({ term: '', types: ['techdocs'], filters: { kind: 'x' } }),
    ).resolves.toMatchObject({ results: [] });
  });

  it('finds what is indexed as the engine does', async () => {
    const { results } = await engine.query({
      term: 'patient records',
      types: ['data-product', 'techdocs'],
    });
    expect(results[0]?.document.location).toBe(
      '/catalog/default/dataproduct/patient-records',
    );
  });

  it("ranks each example product above its contract when searched by the product's title", async () => {
    const misranked: string[] = [];
    for (const product of products) {
      const contract = `${product.metadata.name}-contract`;
      if (!contracts.some(api => api.metadata.name === contract)) continue;
      const title = product.metadata.title ?? product.metadata.name;
      const { results } = await engine.query({ term: title, pageLimit: 100 });
      const rank = (location: string) =>
        results.findIndex(result => result.document.location === location);
      const productRank = rank(
        `/catalog/default/dataproduct/${product.metadata.name}`,
      );
      const contractRank = rank(`/catalog/default/api/${contract}`);
      if (
        productRank < 0 ||
        (contractRank >= 0 && contractRank < productRank)
      ) {
        misranked.push(
          `${title}: product ${productRank}, contract ${contractRank}`,
        );
      }
    }
    expect(misranked).toEqual([]);
  });
});

describe('Lunr without the wrapper', () => {
  it('fails on a type without an index (what the wrapper answers for)', async () => {
    const lunr = new LunrSearchEngine({ logger: mockServices.logger.mock() });
    await expect(
      lunr.query({ term: 'x', types: ['techdocs'] }),
    ).rejects.toMatchObject({ name: 'MissingIndexError' });
  });
});

describe('productsBeforeContracts', () => {
  const result = (type: string, name: string, rank: number, kind?: string) => ({
    type,
    rank,
    document: { title: name, text: '', location: `/${name}`, kind },
  });

  it('moves a product before the contracts ranked above it, and nothing else', () => {
    const ordered = productsBeforeContracts([
      result('software-catalog', 'svc', 1, 'Component'),
      result('software-catalog', 'orders-contract', 2, 'API'),
      result('techdocs', 'guide', 3),
      result('data-product', 'orders', 4),
      result('data-product', 'returns', 5),
      result('software-catalog', 'returns-contract', 6, 'API'),
    ]);
    expect(ordered.map(r => [r.document.title, r.rank])).toEqual([
      ['svc', 1],
      ['orders', 2],
      ['returns', 3],
      ['orders-contract', 4],
      ['guide', 5],
      ['returns-contract', 6],
    ]);
  });
});
