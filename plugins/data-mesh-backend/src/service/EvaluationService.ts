import {
  AuthService,
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  applyWaivers,
  DataProductEntityV1alpha1,
  DataProductEvaluator,
  dataProductSearchTerms,
  entityRefKey,
  EvaluateResponse,
  GovernancePolicy,
  productRelatedRefs,
  RuleContextInput,
  textOrNull,
  withDraftRelations,
} from '@datamesh-portal/plugin-data-mesh-common';
import {
  CatalogContractLookup,
  ContractColumnIndex,
} from '@datamesh-portal/plugin-data-mesh-node';
import chunk from 'lodash/chunk';
import { setImmediate } from 'node:timers/promises';
import { ProductIndexEntry } from '../database/ProductIndexStore';
import { StoredScorecard } from '../database/ScorecardStore';
import { DataMeshStores } from '../database/stores';
import { DataMeshBackendConfig } from './config';
import { groupBy } from './groupBy';
import { CatalogReadiness } from './CatalogReadiness';
import { ComplianceBreach, GovernanceNotifier } from './GovernanceNotifier';
import { catalogSearch } from './readableProducts';
import { RuleContextBuilder, RulePass } from './RuleContextBuilder';

/** The explorer's fields of a product; its search text is the product's search terms. */
export function productIndexEntry(
  product: Entity,
  contractColumns: string[] = [],
): ProductIndexEntry {
  const spec = (product.spec ?? {}) as Record<string, unknown>;
  return {
    entityRef: entityRefKey(product),
    name: product.metadata.name,
    title: textOrNull(product.metadata.title),
    status: textOrNull(spec.status),
    type: textOrNull(spec.type),
    classification: textOrNull(spec.classification),
    personalData: spec.personalData === true,
    searchText: dataProductSearchTerms(product, contractColumns).join('\n'),
    search: catalogSearch(product),
  };
}

// A full pass reads, evaluates and saves products in pages of this size.
const PAGE_SIZE = 1000;

/**
 * How long evaluations may run before letting the event loop serve what waits (requests, the
 * scheduler's abort), in milliseconds of the monotonic clock: a page of products takes far
 * longer, a product far less (its rules stop at `productTimeout`).
 */
const YIELD_AFTER_MS = 10;

/** What the pages of one evaluation run share: when it last yielded, and its abort signal. */
class EvaluationRun {
  private yieldedAt: number;

  constructor(
    private readonly clock: () => number,
    private readonly signal?: AbortSignal,
    /** What the rules' contexts of the run's pages share. */
    readonly rules?: RulePass,
  ) {
    this.yieldedAt = clock();
  }

  get aborted(): boolean {
    return this.signal?.aborted ?? false;
  }

  /**
   * Called between products: yields to the event loop once the run has had it for
   * {@link YIELD_AFTER_MS}; then whether the run must stop.
   */
  async next(): Promise<boolean> {
    if (this.clock() - this.yieldedAt >= YIELD_AFTER_MS) {
      await setImmediate();
      this.yieldedAt = this.clock();
    }
    return this.aborted;
  }
}

/**
 * Evaluates data products against the scorecard checks and the governance policies: one
 * product on demand, when its facts or waivers change, every product in the scheduled pass, or
 * a draft product in a dry run. Global rules are compiled once, when the service is created;
 * domain policies when a domain's policies change.
 */
export class EvaluationService {
  private readonly evaluator: DataProductEvaluator;
  private readonly contexts: RuleContextBuilder;
  private readonly contractColumns = new ContractColumnIndex();
  private readonly now: () => Date;

  constructor(
    private readonly options: {
      config: DataMeshBackendConfig;
      catalog: CatalogService;
      auth: AuthService;
      stores: DataMeshStores;
      logger: LoggerService;
      notifier?: GovernanceNotifier;
      /**
       * Whether the catalog has finished its first processing: the scheduled pass waits for
       * it, and until then results notify nobody (see {@link CatalogReadiness}).
       */
      readiness?: Pick<CatalogReadiness, 'ready' | 'wait' | 'check' | 'settle'>;
      /** The clock; tests move it. */
      now?: () => Date;
      /**
       * Milliseconds of a monotonic clock, which evaluations read to yield to the event loop
       * (see {@link YIELD_AFTER_MS}); tests move one.
       */
      clock?: () => number;
    },
  ) {
    const { productTimeoutMs, maxPoliciesPerDomain } =
      options.config.ruleBounds;
    this.evaluator = new DataProductEvaluator(options.config.rules, {
      timeLimitMs: productTimeoutMs,
      maxPoliciesPerDomain,
    });
    this.contexts = new RuleContextBuilder({
      ...options,
      facts: options.stores.facts,
    });
    this.now = options.now ?? (() => new Date());
  }

  get config(): DataMeshBackendConfig {
    return this.options.config;
  }

  /**
   * Dry run: the verdict a draft product would get with the facts given, nothing stored. The
   * draft gets the relations the catalog would give it, so rules see its upstream and contracts.
   * Everything is read as the caller: the catalog (contracts, domains, owner, upstream) on
   * their behalf, so what they may not read is as absent; and stored facts only of the product
   * the draft is a version of, when the caller may read that product, never of another.
   */
  async dryRun(
    entity: DataProductEntityV1alpha1,
    facts: Record<string, Record<string, unknown>>,
    credentials: BackstageCredentials,
  ): Promise<EvaluateResponse> {
    const now = this.now();
    const { catalog, auth } = this.options;
    const ref = entityRefKey(entity);
    const [draft, stored] = await Promise.all([
      withDraftRelations(
        entity,
        new CatalogContractLookup(catalog, auth, { credentials }),
      ),
      catalog.getEntityByRef(ref, { credentials }),
    ]);
    const { contexts, findDomain } = await this.contexts.build(
      [draft],
      now,
      undefined,
      { credentials, storedFactsOf: stored ? [ref] : [] },
    );
    const context = contexts.get(ref)!;
    const extra = Object.fromEntries(Object.keys(facts).map(s => [s, now]));
    return this.evaluator.evaluate(
      {
        ...context,
        facts: { ...context.facts, ...(facts as RuleContextInput['facts']) },
        observedAt: { ...context.observedAt, ...extra },
      },
      findDomain,
    );
  }

  /** The policies in force for a product, from its domain and the domains above it. */
  async policiesFor(product: Entity): Promise<GovernancePolicy[]> {
    const { contexts, findDomain } = await this.contexts.build(
      [product],
      this.now(),
    );
    const domain = contexts.get(entityRefKey(product))?.domain as Entity | null;
    return this.evaluator
      .policiesFor(domain, findDomain)
      .map(compiled => compiled.policy);
  }

  /** Global policies and those of the given Domain entities, in that order. */
  policiesOf(domains: Entity[]): GovernancePolicy[] {
    return [
      ...this.evaluator.policies.global,
      ...domains.flatMap(domain =>
        this.evaluator.policies.domainPolicies(domain),
      ),
    ].map(compiled => compiled.policy);
  }

  /**
   * Evaluates stored products now, applies their approved waivers and saves the results; owners
   * of products that became non-compliant are notified once, unless the catalog has not
   * finished its first processing yet.
   */
  async evaluateAndSave(products: Entity[]): Promise<StoredScorecard[]> {
    const { results, breaches } = await this.evaluatePage(
      products,
      this.startRun(),
    );
    await this.notify(breaches);
    return results;
  }

  /**
   * Tells owners of the products that became non-compliant; nobody while the catalog has not
   * finished its first processing, when a breach may only be a domain, owner or contract that
   * the catalog has not processed yet.
   */
  private async notify(breaches: ComplianceBreach[]) {
    const { notifier, readiness, logger } = this.options;
    if (!notifier || breaches.length === 0) return;
    // Asked again when the first pass has not run yet: evaluations on demand count as soon
    // as the catalog has finished.
    if (readiness && !readiness.ready && !(await readiness.check())) {
      logger.info(
        `Not notifying the owners of ${breaches.length} data products that became non-compliant: the catalog has not finished its first processing, the results are provisional`,
      );
      return;
    }
    await notifier.productsBecameNonCompliant(breaches);
  }

  private startRun(signal?: AbortSignal, rules?: RulePass): EvaluationRun {
    return new EvaluationRun(
      this.options.clock ?? (() => performance.now()),
      signal,
      rules,
    );
  }

  /**
   * Evaluates and saves products, yielding between them; the breaches are those that became
   * non-compliant. When the run is aborted, the products evaluated until then are saved and
   * the others are not: `results` has fewer items than `products`.
   */
  private async evaluatePage(
    products: Entity[],
    run: EvaluationRun,
  ): Promise<{ results: StoredScorecard[]; breaches: ComplianceBreach[] }> {
    if (products.length === 0) return { results: [], breaches: [] };
    const evaluatedAt = this.now();
    const refs = products.map(product => entityRefKey(product));
    const [{ contexts, findDomain, findEntity }, waivers] = await Promise.all([
      this.contexts.build(products, evaluatedAt, run.rules),
      this.options.stores.waivers.listWaivers({
        entityRefs: refs,
        statuses: ['approved'],
        limit: Number.MAX_SAFE_INTEGER,
      }),
    ]);
    const waiversOf = groupBy(waivers, w => w.entityRef);
    const blockingIds = new Map<string, string[]>();
    const indexEntries: ProductIndexEntry[] = [];
    const results: StoredScorecard[] = [];
    for (const [i, product] of products.entries()) {
      if (await run.next()) break;
      // Waivers decide the level cap as they decide compliance.
      const { scorecard, governance } = this.evaluator.evaluate(
        contexts.get(refs[i])!,
        findDomain,
        { waivers: waiversOf.get(refs[i]), now: evaluatedAt },
      );
      const { domain, owner, contracts } = productRelatedRefs(product);
      const contractColumns = contracts.flatMap(ref => {
        const api = findEntity(ref);
        return api ? this.contractColumns.columnsOf(ref, api) : [];
      });
      const waived = applyWaivers(
        governance.results,
        waiversOf.get(refs[i]) ?? [],
        evaluatedAt,
      );
      blockingIds.set(
        refs[i],
        waived.results.filter(r => r.blocking).map(r => r.id),
      );
      indexEntries.push(productIndexEntry(product, contractColumns));
      results.push({
        entityRef: refs[i],
        domainRef: domain ?? null,
        ownerRef: owner ?? null,
        ...scorecard,
        compliant: waived.compliant,
        policyResults: governance.results,
        evaluatedAt,
      });
    }
    if (results.length === 0) return { results, breaches: [] };
    const { scorecards, productIndex, transaction } = this.options.stores;
    // The explorer's rows change with the results, in their transaction: the explorer never
    // lists a product with fields of one evaluation and the score of another.
    const { changed } = await transaction(async tx => {
      const saved = await scorecards.saveScorecards(results, {
        transaction: tx,
      });
      const ignored = new Set(saved.ignored);
      await productIndex.saveProducts(
        indexEntries.filter(entry => !ignored.has(entry.entityRef)),
        { transaction: tx },
      );
      return saved;
    });
    // The store reports each transition once, so owners hear of each breach once.
    const ownerOf = new Map(results.map(r => [r.entityRef, r.ownerRef]));
    const breaches = changed
      .filter(
        change =>
          (change.previous?.compliant ?? true) && !change.current.compliant,
      )
      .map(change => ({
        entityRef: change.entityRef,
        ownerRef: ownerOf.get(change.entityRef) ?? null,
        policyIds: blockingIds.get(change.entityRef) ?? [],
      }));
    return { results, breaches };
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
   * The scheduled pass: every data product in the catalog, page by page; then products that
   * left the catalog are removed (softly: hidden, kept with their history, restored if they
   * come back) and those removed longer than the retention are purged. A failure stops the
   * pass before anything is removed; pages already saved are complete results of their
   * products.
   *
   * The pass yields to the event loop between products, so that the backend serves requests
   * while it runs, and stops between products when `signal` (the scheduler's) is aborted:
   * the products evaluated until then are saved, nothing is removed, and it returns with
   * `aborted`.
   *
   * The first pass waits until the catalog has finished its first processing (`readiness`).
   * When it has not within the wait, the pass runs anyway, its results provisional: they
   * notify nobody and remove nothing, and it returns with `provisional`; later passes and
   * evaluations count.
   */
  async evaluateAll(
    options: { signal?: AbortSignal } = {},
  ): Promise<{ products: number; aborted?: boolean; provisional?: boolean }> {
    const { readiness } = this.options;
    if (readiness && !readiness.ready) {
      await readiness.wait(options.signal);
      if (options.signal?.aborted) return { products: 0, aborted: true };
    }
    const provisional = readiness !== undefined && !readiness.ready;
    const startedAt = this.now();
    const credentials = await this.options.auth.getOwnServiceCredentials();
    const seen: string[] = [];
    const run = this.startRun(options.signal, this.contexts.startPass());
    // Told once at the end, so that an owner gets one notification for many products; also
    // when the pass fails, since the saved pages' transitions will not be seen again.
    const breaches: ComplianceBreach[] = [];
    let cursor: string | undefined;
    try {
      while (!run.aborted) {
        const page = await this.options.catalog.queryEntities(
          cursor
            ? { cursor, limit: PAGE_SIZE }
            : { filter: { kind: 'DataProduct' }, limit: PAGE_SIZE },
          { credentials },
        );
        const evaluated = await this.evaluatePage(page.items, run);
        breaches.push(...evaluated.breaches);
        seen.push(...evaluated.results.map(result => result.entityRef));
        cursor = page.pageInfo.nextCursor;
        if (!cursor) break;
      }
    } finally {
      await this.notify(breaches);
    }
    if (run.aborted) {
      this.options.logger.info(
        `Evaluation pass aborted after ${seen.length} data products; none removed`,
      );
      return { products: seen.length, aborted: true };
    }
    if (provisional) {
      this.options.logger.info(
        `Evaluated ${seen.length} data products provisionally (the catalog has not finished its first processing); none removed`,
      );
      // Only the first pass waits: the next ones, and evaluations until then, count.
      readiness!.settle();
      return { products: seen.length, provisional: true };
    }
    const removed = await this.removeGone(seen, startedAt, credentials);
    const purged = await this.purgeRemoved();
    this.options.logger.info(
      `Evaluated ${seen.length} data products${
        removed.length
          ? `, removed ${removed.length} gone from the catalog`
          : ''
      }${
        purged.length
          ? `, purged ${purged.length} removed longer than the retention`
          : ''
      }`,
    );
    return { products: seen.length };
  }

  /**
   * Products removed from the catalog leave our reads between passes (issue 22), at the cost
   * of one count: the catalog's DataProducts against our listed ones. Only when the catalog
   * has fewer are its product refs read (no more than their names), and those with results
   * that it no longer lists are removed as by the pass (a large drop only when the catalog
   * confirms each by ref). A product removed while as many were added waits for the pass.
   */
  async removeGoneSincePass(): Promise<string[]> {
    const { catalog, stores } = this.options;
    const startedAt = this.now();
    const credentials = await this.options.auth.getOwnServiceCredentials();
    const fields = ['kind', 'metadata.namespace', 'metadata.name'];
    const { totalItems } = await catalog.queryEntities(
      { filter: { kind: 'DataProduct' }, limit: 1, fields },
      { credentials },
    );
    if (totalItems >= (await stores.productIndex.countListed())) return [];
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await catalog.queryEntities(
        cursor
          ? { cursor, limit: PAGE_SIZE, fields }
          : { filter: { kind: 'DataProduct' }, limit: PAGE_SIZE, fields },
        { credentials },
      );
      seen.push(...page.items.map(entity => entityRefKey(entity)));
      cursor = page.pageInfo.nextCursor;
    } while (cursor);
    const removed = await this.removeGone(seen, startedAt, credentials);
    if (removed.length) {
      this.options.logger.info(
        `Removed ${removed.length} data products gone from the catalog since the last pass`,
      );
    }
    return removed;
  }

  /**
   * Marks the products with results that the pass did not see as removed. A sudden drop (more
   * than `removal.maxPercent` of them at once, as when the catalog briefly answers a short or
   * empty list) is removed only if the catalog, asked again for each by ref, confirms that
   * none of them exists; otherwise nothing is removed and a warning says why.
   */
  private async removeGone(
    seen: string[],
    startedAt: Date,
    credentials: BackstageCredentials,
  ): Promise<string[]> {
    const { scorecards, transaction } = this.options.stores;
    const { logger } = this.options;
    const { maxPercent } = this.options.config.removal;
    // Results saved since the pass began are newer than its read of the catalog: kept.
    const { missing, total } = await scorecards.findScorecardsExcept(seen, {
      evaluatedBefore: startedAt,
    });
    if (missing.length === 0) return [];
    if (missing.length * 100 > total * maxPercent) {
      const drop = `${missing.length} of the ${total} data products with results are missing from the catalog's list (more than ${maxPercent}%, dataMesh.scorecards.removal.maxPercent)`;
      let found: string[];
      try {
        found = await this.stillInCatalog(missing, credentials);
      } catch (error) {
        logger.warn(
          `${drop}, and the catalog could not confirm they are gone (${error}): nothing removed`,
        );
        return [];
      }
      if (found.length > 0) {
        logger.warn(
          `${drop}, but the catalog still has ${found.length} of them, e.g. ${found[0]}: its list was incomplete, nothing removed`,
        );
        return [];
      }
      logger.warn(
        `${drop}; the catalog confirmed each is gone: they are removed, and restored with their history if they come back within the retention`,
      );
    }
    return transaction(tx =>
      scorecards.removeScorecards(missing, {
        at: this.now(),
        evaluatedBefore: startedAt,
        transaction: tx,
      }),
    );
  }

  /** Which of these product refs the catalog has, asked by ref. */
  private async stillInCatalog(
    refs: string[],
    credentials: BackstageCredentials,
  ): Promise<string[]> {
    const found: string[] = [];
    for (const part of chunk(refs, PAGE_SIZE)) {
      const { items } = await this.options.catalog.getEntitiesByRefs(
        {
          entityRefs: part,
          fields: ['kind', 'metadata.namespace', 'metadata.name'],
        },
        { credentials },
      );
      found.push(
        ...items.flatMap(entity => (entity ? [entityRefKey(entity)] : [])),
      );
    }
    return found;
  }

  /**
   * Deletes the results, history, explorer rows and facts of products removed longer than
   * `removal.retention` ago, in one transaction.
   */
  private async purgeRemoved(): Promise<string[]> {
    const { scorecards, productIndex, facts, transaction } =
      this.options.stores;
    const removedBefore = new Date(
      this.now().getTime() - this.options.config.removal.retentionMs,
    );
    return transaction(async tx => {
      const purged = await scorecards.purgeRemovedScorecards(removedBefore, {
        transaction: tx,
      });
      await productIndex.deleteProducts(purged, { transaction: tx });
      await facts.deleteFacts(purged, { transaction: tx });
      return purged;
    });
  }
}
