import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { PgSearchEngine } from '@backstage/plugin-search-backend-module-pg';
import {
  LunrSearchEngine,
  QueryRequestOptions,
  QueryTranslator,
  SearchEngine,
} from '@backstage/plugin-search-backend-node';
import { searchEngineRegistryExtensionPoint } from '@backstage/plugin-search-backend-node/alpha';
import { DATA_PRODUCT_SEARCH_TYPE } from '@datamesh-portal/plugin-data-mesh-common';

type SearchQuery = Parameters<SearchEngine['query']>[0];
type IndexableResultSet = Awaited<ReturnType<SearchEngine['query']>>;

type Result = IndexableResultSet['results'][number];

const isDataProduct = (result: Result) =>
  result.type === DATA_PRODUCT_SEARCH_TYPE;
const isApi = (result: Result) =>
  result.type === 'software-catalog' &&
  String((result.document as { kind?: unknown }).kind).toLocaleLowerCase(
    'en-US',
  ) === 'api';

/**
 * The results of a page with each data product moved before the APIs (data contracts) that
 * the engine ranked above it: a contract repeats its product's name, purpose and columns, and
 * both engines (Lunr's BM25, PostgreSQL's ts_rank) tend to score the shorter contract higher.
 * Everything else keeps the engine's order; ranks are the page's as the engine gave them.
 */
export function productsBeforeContracts(results: Result[]): Result[] {
  const ordered: Result[] = [];
  for (const result of results) {
    const firstApi = ordered.findIndex(isApi);
    if (isDataProduct(result) && firstApi >= 0) {
      ordered.splice(firstApi, 0, result);
    } else {
      ordered.push(result);
    }
  }
  const ranks = results.map(result => result.rank);
  return ordered.map((result, i) =>
    ranks[i] === undefined ? result : { ...result, rank: ranks[i] },
  );
}

/**
 * A search engine that answers an empty result for a type that has no index yet, instead of the
 * 500 of Backstage's Lunr engine (`MissingIndexError`): the search page's "Documentation" filter
 * of a portal without any TechDocs, or any type before its first collation, finds nothing. In
 * each page, a data product comes before the contracts ranked above it
 * ({@link productsBeforeContracts}); across pages the engine's order stands.
 * Everything else is the wrapped engine's.
 */
export class EmptyForMissingIndexSearchEngine implements SearchEngine {
  constructor(private readonly engine: SearchEngine) {}

  setTranslator(translator: QueryTranslator): void {
    this.engine.setTranslator(translator);
  }

  getIndexer(type: string) {
    return this.engine.getIndexer(type);
  }

  async query(
    query: SearchQuery,
    options?: QueryRequestOptions,
  ): Promise<IndexableResultSet> {
    try {
      const resultSet = await this.engine.query(query, options);
      return {
        ...resultSet,
        results: productsBeforeContracts(resultSet.results),
      };
    } catch (error) {
      // By name, as the search backend itself tells it apart (one class per package copy).
      if ((error as Error)?.name === 'MissingIndexError') {
        return { results: [], numberOfResults: 0 };
      }
      throw error;
    }
  }
}

/**
 * The portal's search engine, in place of `@backstage/plugin-search-backend-module-pg`:
 * PostgreSQL's full-text search when the backend's database is PostgreSQL, Lunr in memory
 * otherwise (as the search backend would default to), either answering an empty result for a
 * type without an index.
 */
export const searchEngineModule = createBackendModule({
  pluginId: 'search',
  moduleId: 'data-mesh-portal-engine',
  register(env) {
    env.registerInit({
      deps: {
        searchEngineRegistry: searchEngineRegistryExtensionPoint,
        database: coreServices.database,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ searchEngineRegistry, database, config, logger }) {
        const engine = (await PgSearchEngine.supported(database))
          ? await PgSearchEngine.fromConfig(config, { database, logger })
          : new LunrSearchEngine({ logger });
        searchEngineRegistry.setSearchEngine(
          new EmptyForMissingIndexSearchEngine(engine),
        );
      },
    });
  },
});
