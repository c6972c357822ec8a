import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  compileScorecardChecks,
  CompiledRule,
  DataProductEntityV1alpha1,
  evaluateScorecard,
  parseDataMeshRef,
  RuleContextInput,
  Scorecard,
} from '@datamesh-portal/plugin-data-mesh-common';
import { DataMeshStore, StoredScorecard } from '../database/DataMeshStore';
import { refKey, RuleContextBuilder } from './RuleContextBuilder';
import { ScorecardConfig } from './scorecardConfig';

// A full pass reads, evaluates and saves products in pages of this size.
const PAGE_SIZE = 1000;

/**
 * Evaluates data products against the scorecard checks: one product on demand or when its
 * facts change, every product in the scheduled pass, or a draft product in a dry run. The
 * checks are compiled once, when the service is created.
 */
export class ScorecardService {
  private readonly compiled: CompiledRule[];
  private readonly contexts: RuleContextBuilder;

  constructor(
    private readonly options: {
      config: ScorecardConfig;
      catalog: CatalogService;
      auth: AuthService;
      store: DataMeshStore;
      logger: LoggerService;
    },
  ) {
    this.compiled = compileScorecardChecks(
      options.config.checks,
      options.config.levels,
    );
    this.contexts = new RuleContextBuilder(options);
  }

  get config(): ScorecardConfig {
    return this.options.config;
  }

  /** The scorecard of a product in a given context, without saving anything. */
  score(context: RuleContextInput): Scorecard {
    const { checks, levels } = this.options.config;
    return evaluateScorecard(this.compiled, checks, levels, context);
  }

  /** Dry run: the scorecard a draft product would get, with the facts given. */
  async dryRun(
    entity: Entity,
    facts: Record<string, Record<string, unknown>> = {},
  ): Promise<Scorecard> {
    const now = new Date();
    const context = (await this.contexts.build([entity], now)).get(
      refKey(entity),
    )!;
    const extra = Object.fromEntries(Object.keys(facts).map(s => [s, now]));
    return this.score({
      ...context,
      facts: { ...context.facts, ...(facts as RuleContextInput['facts']) },
      observedAt: { ...context.observedAt, ...extra },
    });
  }

  /** Evaluates stored products now and saves their results. */
  async evaluateAndSave(products: Entity[]): Promise<StoredScorecard[]> {
    if (products.length === 0) return [];
    const evaluatedAt = new Date();
    const contexts = await this.contexts.build(products, evaluatedAt);
    const results = products.map(product => {
      const entityRef = refKey(product);
      const spec = product.spec as DataProductEntityV1alpha1['spec'];
      const ref = (value: string | undefined, field: 'owner' | 'domain') =>
        value ? refKey(parseDataMeshRef(value, field, product)) : null;
      return {
        entityRef,
        domainRef: ref(spec.domain, 'domain'),
        ownerRef: ref(spec.owner, 'owner'),
        ...this.score(contexts.get(entityRef)!),
        evaluatedAt,
      };
    });
    await this.options.store.saveScorecards(results);
    return results;
  }

  /** Re-evaluates the products with these refs (those that exist) and saves them. */
  async evaluateRefs(entityRefs: string[]): Promise<StoredScorecard[]> {
    const { items } = await this.options.catalog.getEntitiesByRefs(
      { entityRefs, filter: { kind: 'DataProduct' } },
      { credentials: await this.options.auth.getOwnServiceCredentials() },
    );
    return this.evaluateAndSave(items.filter((e): e is Entity => Boolean(e)));
  }

  /**
   * The scheduled pass: every data product in the catalog, page by page, then the results of
   * products that left the catalog are removed. A failure stops the pass before anything is
   * removed; pages already saved are complete results of their products.
   */
  async evaluateAll(): Promise<{ products: number }> {
    const credentials = await this.options.auth.getOwnServiceCredentials();
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.options.catalog.queryEntities(
        cursor
          ? { cursor, limit: PAGE_SIZE }
          : { filter: { kind: 'DataProduct' }, limit: PAGE_SIZE },
        { credentials },
      );
      await this.evaluateAndSave(page.items);
      seen.push(...page.items.map(e => refKey(e)));
      cursor = page.pageInfo.nextCursor;
    } while (cursor);
    const removed = await this.options.store.deleteScorecardsExcept(seen);
    this.options.logger.info(
      `Evaluated ${seen.length} data products${
        removed.length
          ? `, removed ${removed.length} gone from the catalog`
          : ''
      }`,
    );
    return { products: seen.length };
  }
}
