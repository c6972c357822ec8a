import {
  AuthService,
  LoggerService,
  SchedulerServiceTaskFunction,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { ServiceUnavailableError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ContractTestsResponse,
  ContractTestSummary,
  DATA_PRODUCT_STATUSES,
  entityRefKey,
  isJsonObject,
  ODCS_API_TYPE,
  productRelatedRefs,
  readOdcsContract,
} from '@datamesh-portal/plugin-data-mesh-common';
import {
  ContractTestResult,
  testContract,
} from '@datamesh-portal/plugin-data-mesh-contract-tests';
import chunk from 'lodash/chunk';
import pLimit from 'p-limit';
import {
  ContractTestRunToSave,
  ContractTestTrigger,
  StoredContractTestRun,
} from '../database/ContractTestRunStore';
import { FactObservation } from '../database/FactStore';
import { DataMeshStores } from '../database/stores';
import { ContractTestsConfig } from './contractTestsConfig';
import { DataServers } from './DataServers';
import { EvaluationService } from './EvaluationService';
import { EventLoopPacer } from './eventLoopPacer';

/** The fact sources contract test runs write: rules read `facts.contract_tests`, `facts.freshness`. */
const CONTRACT_TESTS_FACT_SOURCE = 'contract_tests';
const FRESHNESS_FACT_SOURCE = 'freshness';

/** Runs of each contract in a product's trend. */
const HISTORY_LENGTH = 20;
/** Products read from the catalog per request of a scheduled run. */
const PAGE_SIZE = 500;
/**
 * The share of the event loop above which a background run pauses between products (see
 * EventLoopPacer): 200 scorecard reads/s keep a backend about 40 % busy on their own, and
 * their slowest 1 % stays within 25 ms up to about half.
 */
const BACKGROUND_UTILIZATION = 0.5;
/**
 * Products of a background run whose contracts are read together: a catalog request per batch
 * instead of per product (each is an HTTP exchange with the catalog, on the event loop the
 * backend's requests share).
 */
const BACKGROUND_BATCH = 25;
/** Products of a background run evaluated again together. */
const EVALUATION_BATCH = 5;

interface TestOptions {
  signal?: Signal;
  /** Refs of the contracts to test; all of the product's when absent. */
  contracts?: string[];
  /** Contracts already read from the catalog, by ref (see contractsAmong). */
  resolved?: Map<string, Entity | undefined>;
  /** The caller evaluates the product again, with others. */
  evaluated?: 'by caller';
}
/** The statuses whose new contracts are tested at once. */
const NOT_RETIRED = DATA_PRODUCT_STATUSES.filter(
  status => status !== 'retired',
);
/** Refs per catalog request by ref. */
const REFS_PER_REQUEST = 500;
/** What is read of API entities to tell data contracts from other APIs. */
const TYPE_FIELDS = [
  'kind',
  'metadata.namespace',
  'metadata.name',
  'spec.type',
];

/**
 * How long a product found with nothing to test is not read again by the look for new
 * contracts, which runs every minute, while its etag stays the same: an API's type can change
 * without its product changing, and is then tested within this time.
 */
const SETTLED_TTL_MS = 60 * 60 * 1000;
/** What the look for new contracts lists of every product: enough to tell what changed. */
const LISTING_FIELDS = [
  'kind',
  'metadata.namespace',
  'metadata.name',
  'metadata.etag',
];
/** What is read of products: their relations name their contracts. */
const PRODUCT_FIELDS = [
  'kind',
  'metadata.namespace',
  'metadata.name',
  'metadata.etag',
  'relations',
];

type Signal = Parameters<SchedulerServiceTaskFunction>[0];

const ZERO: ContractTestSummary = {
  passed: 0,
  failed: 0,
  errors: 0,
  skipped: 0,
};

function addCounts(a: ContractTestSummary, b: ContractTestSummary) {
  return {
    passed: a.passed + b.passed,
    failed: a.failed + b.failed,
    errors: a.errors + b.errors,
    skipped: a.skipped + b.skipped,
  };
}

/** A run's JSON shape, as the API answers it. */
export function runResponse(run: StoredContractTestRun) {
  return {
    ...run,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt.toISOString(),
  };
}

/** The newest data the runs measured: the latest timestamp of their `freshness` checks. */
function lastUpdatedOf(runs: StoredContractTestRun[]): Date | undefined {
  const times = runs
    .flatMap(run => run.checks)
    .filter(check => check.metric === 'freshness' && check.timestamp)
    .map(check => new Date(check.timestamp!).getTime())
    .filter(time => !Number.isNaN(time));
  return times.length ? new Date(Math.max(...times)) : undefined;
}

/**
 * Contract tests: every contract a data product provides (its API entities of `spec.type`
 * `odcs`) is tested on its data server by the engine, each run is stored with every check,
 * and the product's latest runs become its facts `contract_tests` (passed, failed, errors,
 * skipped) and `freshness` (`lastUpdated`, the newest data measured), after which the product
 * is evaluated again.
 *
 * A run never throws for a bad contract, server or query: each becomes an `error` check of the
 * run. A product whose test fails for another reason (the database, the catalog) is logged and
 * the scheduled run goes on with the others.
 */
export class ContractTestService {
  /** Products being tested on this instance: a second request waits for the same run. */
  private readonly running = new Map<string, Promise<boolean>>();
  /** Products found with nothing to test, by ref: their etag then, and when. */
  private readonly settled = new Map<string, { etag: string; seen: number }>();
  private readonly now: () => Date;

  constructor(
    private readonly options: {
      config: ContractTestsConfig;
      servers: DataServers;
      catalog: CatalogService;
      auth: AuthService;
      stores: DataMeshStores;
      evaluations: EvaluationService;
      logger: LoggerService;
      /** The clock. */
      now?: () => Date;
    },
  ) {
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Tests every contract of a product now (or only `contracts`, refs of some of them), stores
   * the runs, writes its facts and evaluates it again. A product already being tested on this
   * instance is not tested twice: the call waits for that run.
   */
  async testProduct(
    product: Entity,
    trigger: ContractTestTrigger,
    options: TestOptions = {},
  ): Promise<boolean> {
    const entityRef = entityRefKey(product);
    const running = this.running.get(entityRef);
    if (running) return running;
    const run = this.test(product, trigger, options).finally(() =>
      this.running.delete(entityRef),
    );
    this.running.set(entityRef, run);
    return run;
  }

  /** The scheduled run: every contract of every active product, `concurrency` at a time. */
  async testAll(signal?: Signal): Promise<{ products: number }> {
    let products = 0;
    await this.forEachProduct(['active'], signal, async page => {
      await this.testEach(
        page.map(product => ({ product })),
        'schedule',
        signal,
      );
      products += page.length;
    });
    const { deleted } = await this.deleteOldRuns();
    this.options.logger.info(
      `Contract tests: tested ${products} active data products${
        deleted ? `, deleted ${deleted} runs past their retention` : ''
      }`,
    );
    return { products };
  }

  /**
   * Tests the contracts that were never tested of products that are not retired: a product
   * just created (by a template, as a draft), a contract just added. They need not wait for
   * the scheduled run, which tests active products only.
   *
   * It runs every minute, so it reads only what changed: the products' refs and etags (one
   * small page per 500 products), then the relations, runs and contract types of the products
   * that are new or whose etag changed since they were last found with nothing to test. A
   * product found so is not read again for an hour (an API's type can change without its
   * product changing).
   */
  async testNew(signal?: Signal): Promise<{ products: number; read: number }> {
    let products = 0;
    let read = 0;
    const now = this.now().getTime();
    for (const [ref, { seen }] of this.settled) {
      if (now - seen >= SETTLED_TTL_MS) this.settled.delete(ref);
    }
    await this.forEachProduct(
      NOT_RETIRED,
      signal,
      async listed => {
        const changed = listed
          .filter(product => {
            const known = this.settled.get(entityRefKey(product));
            return !known || known.etag !== product.metadata.etag;
          })
          .map(product => entityRefKey(product));
        if (changed.length === 0) return;
        const page = await this.entitiesByRefs(changed, PRODUCT_FIELDS);
        read += page.length;
        const tested =
          await this.options.stores.contractTestRuns.latestVersions(changed);
        const candidates = page.map(product => {
          const ofProduct = tested.get(entityRefKey(product));
          return {
            product,
            contracts: productRelatedRefs(product).contracts.filter(
              ref => !ofProduct?.has(ref),
            ),
          };
        });
        // APIs of other types are no data contracts: they never get a run.
        const asked = candidates.flatMap(candidate => candidate.contracts);
        const contracts = asked.length
          ? await this.contractsAmong(asked, TYPE_FIELDS)
          : new Map<string, Entity | undefined>();
        const untested = [];
        for (const { product, contracts: refs } of candidates) {
          const toTest = refs.filter(ref => contracts.has(ref));
          if (toTest.length > 0) {
            untested.push({ product, contracts: toTest });
          } else if (product.metadata.etag) {
            // Nothing to test: not read again until it changes (or for an hour). A product
            // tested now is found so on the next run, once its runs are stored.
            this.settled.set(entityRefKey(product), {
              etag: product.metadata.etag,
              seen: now,
            });
          }
        }
        await this.testEach(untested, 'new', signal);
        products += untested.length;
      },
      LISTING_FIELDS,
    );
    if (products) {
      this.options.logger.info(
        `Contract tests: tested the new contracts of ${products} data products`,
      );
    }
    return { products, read };
  }

  /** The retention of runs: past `retention`, or beyond the newest `keepRunsPerContract`. */
  async deleteOldRuns(): Promise<{ deleted: number }> {
    const { retentionMs, keepRunsPerContract } = this.options.config;
    return this.options.stores.contractTestRuns.deleteOldRuns({
      finishedBefore: new Date(this.now().getTime() - retentionMs),
      keepPerContract: keepRunsPerContract,
    });
  }

  /**
   * The latest run of each contract of the product, with a short trend: its contracts of
   * the catalog (odcs APIs, and refs the catalog does not resolve, whose runs say so).
   */
  async productTests(product: Entity): Promise<ContractTestsResponse> {
    const entityRef = entityRefKey(product);
    const { contractTestRuns } = this.options.stores;
    const [contracts, latest, history] = await Promise.all([
      this.contractsAmong(productRelatedRefs(product).contracts, TYPE_FIELDS),
      contractTestRuns.latestRuns(entityRef),
      contractTestRuns.runHistory(entityRef, { limit: HISTORY_LENGTH }),
    ]);
    const latestOf = new Map(latest.map(run => [run.contractRef, run]));
    const items = [...contracts.keys()].map(contractRef => {
      const run = latestOf.get(contractRef);
      return {
        contractRef,
        ...(run ? { latest: runResponse(run) } : {}),
        history: history
          .filter(point => point.contractRef === contractRef)
          .map(point => ({
            runId: point.id,
            version: point.version,
            finishedAt: point.finishedAt.toISOString(),
            summary: point.summary,
          })),
      };
    });
    return {
      entityRef,
      summary: items.reduce(
        (sum, item) =>
          item.latest ? addCounts(sum, item.latest.summary) : sum,
        ZERO,
      ),
      contracts: items,
    };
  }

  async getRun(id: string): Promise<StoredContractTestRun | undefined> {
    return this.options.stores.contractTestRuns.getRun(id);
  }

  /**
   * Tests the product's contracts (those of `options.contracts`, or all), stores the runs and
   * writes its facts; then evaluates it again, unless `options.evaluated` says its caller will.
   * `options.resolved` holds contracts already read from the catalog. False when it had no
   * contract to test.
   */
  private async test(
    product: Entity,
    trigger: ContractTestTrigger,
    options: TestOptions,
  ): Promise<boolean> {
    const entityRef = entityRefKey(product);
    const refs = productRelatedRefs(product).contracts;
    const contracts = options.resolved
      ? new Map(
          refs
            .filter(ref => options.resolved!.has(ref))
            .map(ref => [ref, options.resolved!.get(ref)]),
        )
      : await this.contractsAmong(refs);
    const runs: ContractTestRunToSave[] = [];
    for (const [contractRef, api] of contracts) {
      if (options.contracts && !options.contracts.includes(contractRef)) {
        continue;
      }
      runs.push(
        await this.testOne(
          entityRef,
          contractRef,
          api,
          trigger,
          options.signal,
        ),
      );
    }
    if (runs.length === 0) return false;
    await this.options.stores.contractTestRuns.addRuns(runs);
    await this.writeFacts(entityRef, [...contracts.keys()]);
    if (!options.evaluated) {
      await this.options.evaluations.evaluateRefs([entityRef]);
    }
    return true;
  }

  /**
   * The data contracts among API refs (lowercase), by ref: odcs API entities, and refs the
   * catalog does not resolve (undefined), which are tested as errors that say so. APIs of other
   * types are no data contracts. `fields` limits what is read of each entity.
   */
  private async contractsAmong(
    refs: string[],
    fields?: string[],
  ): Promise<Map<string, Entity | undefined>> {
    const unique = [...new Set(refs)];
    const items = await this.entitiesByRefs(unique, fields, true);
    const contracts = new Map<string, Entity | undefined>();
    items.forEach((api, i) => {
      if (!api || api.spec?.type === ODCS_API_TYPE) {
        contracts.set(unique[i], api);
      }
    });
    return contracts;
  }

  /** Entities by ref, `REFS_PER_REQUEST` at a time: those found, or every slot with `keep`. */
  private async entitiesByRefs(
    refs: string[],
    fields?: string[],
  ): Promise<Entity[]>;
  private async entitiesByRefs(
    refs: string[],
    fields: string[] | undefined,
    keep: true,
  ): Promise<Array<Entity | undefined>>;
  private async entitiesByRefs(
    refs: string[],
    fields?: string[],
    keep?: boolean,
  ): Promise<Array<Entity | undefined>> {
    const credentials = await this.options.auth.getOwnServiceCredentials();
    const found: Array<Entity | undefined> = [];
    for (const part of chunk(refs, REFS_PER_REQUEST)) {
      const { items } = await this.options.catalog.getEntitiesByRefs(
        { entityRefs: part, ...(fields ? { fields } : {}) },
        { credentials },
      );
      found.push(...items);
    }
    return keep ? found : found.filter(Boolean);
  }

  /** Tests one contract; whatever goes wrong is an `error` check of the run. */
  private async testOne(
    entityRef: string,
    contractRef: string,
    api: Entity | undefined,
    trigger: ContractTestTrigger,
    signal?: Signal,
  ): Promise<ContractTestRunToSave> {
    const startedAt = this.now();
    const failed = (message: string, contract?: unknown) => {
      const known = isJsonObject(contract) ? contract : {};
      return {
        entityRef,
        contractRef,
        contractId: typeof known.id === 'string' ? known.id : contractRef,
        version: typeof known.version === 'string' ? known.version : null,
        server: null,
        trigger,
        startedAt,
        finishedAt: this.now(),
        summary: { ...ZERO, errors: 1 },
        checks: [
          { object: '', metric: 'exists', outcome: 'error' as const, message },
        ],
      };
    };
    if (!api) {
      return failed(
        `Contract ${contractRef} of ${entityRef} could not be tested: it is not in the catalog`,
      );
    }
    let contract: unknown;
    try {
      contract = readOdcsContract(
        (api.spec as { definition?: unknown }).definition as string,
      );
    } catch (error) {
      return failed(
        `Contract ${contractRef} of ${entityRef} could not be tested: ${
          (error as Error).message
        }`,
      );
    }
    try {
      const result = await this.withinTimeout(signal, runSignal =>
        testContract(contract, {
          servers: id => this.options.servers.get(id),
          now: startedAt,
          signal: runSignal,
        }),
      );
      return {
        entityRef,
        contractRef,
        contractId: result.id || contractRef,
        version: result.version || null,
        server: result.server || null,
        trigger,
        startedAt: new Date(result.startedAt),
        finishedAt: new Date(result.finishedAt),
        summary: result.summary,
        checks: result.checks,
      };
    } catch (error) {
      return failed(
        `Contract ${contractRef} of ${entityRef} could not be tested: ${
          (error as Error).message
        }`,
        contract,
      );
    }
  }

  /**
   * Runs a contract's test with a signal aborted after `timeout` or with the scheduler's, and
   * settles then even if the engine does not (its promise is abandoned).
   */
  private async withinTimeout(
    signal: Signal | undefined,
    run: (signal: AbortSignal) => Promise<ContractTestResult>,
  ): Promise<ContractTestResult> {
    const { timeoutMs } = this.options.config;
    const timeout = AbortSignal.timeout(timeoutMs);
    const runSignal = signal
      ? AbortSignal.any([signal as AbortSignal, timeout])
      : timeout;
    let onAbort: (() => void) | undefined;
    const stopped = new Promise<never>((_, reject) => {
      onAbort = () =>
        reject(
          new ServiceUnavailableError(
            timeout.aborted
              ? `the test did not finish within ${timeoutMs} ms (dataMesh.contractTests.timeout)`
              : 'the run was aborted',
          ),
        );
      if (runSignal.aborted) onAbort();
      else runSignal.addEventListener('abort', onAbort);
    });
    try {
      return await Promise.race([run(runSignal), stopped]);
    } finally {
      runSignal.removeEventListener('abort', onAbort!);
    }
  }

  /**
   * Writes the product's facts from the latest run of each of its contracts: the counts
   * (`contract_tests`) and the newest data measured (`freshness`, when a run measured any).
   */
  private async writeFacts(entityRef: string, contractRefs: string[]) {
    const current = new Set(contractRefs);
    const latest = (
      await this.options.stores.contractTestRuns.latestRuns(entityRef)
    ).filter(run => current.has(run.contractRef));
    if (latest.length === 0) return;
    const observedAt = new Date(
      Math.max(...latest.map(run => run.finishedAt.getTime())),
    );
    const summary = latest.reduce(
      (sum, run) => addCounts(sum, run.summary),
      ZERO,
    );
    const observations: FactObservation[] = [
      {
        entityRef,
        source: CONTRACT_TESTS_FACT_SOURCE,
        facts: {
          ...summary,
          contracts: latest.length,
          runs: latest.map(run => run.id),
        },
        observedAt,
      },
    ];
    const lastUpdated = lastUpdatedOf(latest);
    if (lastUpdated) {
      observations.push({
        entityRef,
        source: FRESHNESS_FACT_SOURCE,
        facts: {
          lastUpdated: lastUpdated.toISOString(),
          ageSeconds: Math.max(
            0,
            Math.round((observedAt.getTime() - lastUpdated.getTime()) / 1000),
          ),
        },
        observedAt,
      });
    }
    const { refused } = await this.options.stores.facts.addFactsBatch(
      observations,
    );
    if (refused.length) {
      this.options.logger.warn(
        `Contract tests: facts ${refused
          .map(r => r.source)
          .join(
            ', ',
          )} of ${entityRef} not stored, it already has the most fact sources allowed (dataMesh.facts.maxSourcesPerProduct)`,
      );
    }
  }

  /**
   * A background run over products, `BACKGROUND_BATCH` at a time: their contracts read in one
   * request, the products tested `concurrency` at a time, then evaluated again
   * `EVALUATION_BATCH` at a time, each step paced. One that fails is logged, the others go on.
   */
  private async testEach(
    items: Array<{ product: Entity; contracts?: string[] }>,
    trigger: ContractTestTrigger,
    signal?: Signal,
  ) {
    const limit = pLimit(this.options.config.concurrency);
    // The requests the backend serves meanwhile come first.
    const pacer = new EventLoopPacer({
      maxUtilization: BACKGROUND_UTILIZATION,
    });
    for (const batch of chunk(items, BACKGROUND_BATCH)) {
      if (signal?.aborted) return;
      const resolved = await this.contractsAmong(
        batch.flatMap(({ product }) => productRelatedRefs(product).contracts),
      );
      const tested: string[] = [];
      await Promise.all(
        batch.map(({ product, contracts }) =>
          limit(async () => {
            await pacer.pace();
            if (signal?.aborted) return;
            try {
              const ran = await this.testProduct(product, trigger, {
                signal,
                contracts,
                resolved,
                evaluated: 'by caller',
              });
              if (ran) tested.push(entityRefKey(product));
            } catch (error) {
              this.options.logger.warn(
                `Contract tests of ${entityRefKey(product)} failed: ${error}`,
              );
            }
          }),
        ),
      );
      // Evaluated again a few at a time, paced as the tests are: an evaluation of the whole
      // batch would hold the event loop (and SQLite's one connection) as long as all of them.
      for (const refs of chunk(tested, EVALUATION_BATCH)) {
        await pacer.pace();
        try {
          await this.options.evaluations.evaluateRefs(refs);
        } catch (error) {
          this.options.logger.warn(
            `Evaluating ${refs.join(
              ', ',
            )} after their contract tests failed: ${error}`,
          );
        }
      }
    }
  }

  /** Every data product (of these statuses), page by page, with its relations, until aborted. */
  private async forEachProduct(
    statuses: string[],
    signal: Signal | undefined,
    fn: (page: Entity[]) => Promise<void>,
    fields = ['kind', 'metadata.namespace', 'metadata.name', 'relations'],
  ) {
    const credentials = await this.options.auth.getOwnServiceCredentials();
    let cursor: string | undefined;
    do {
      const page = await this.options.catalog.queryEntities(
        cursor
          ? { cursor, fields, limit: PAGE_SIZE }
          : {
              filter: { kind: 'DataProduct', 'spec.status': statuses },
              fields,
              limit: PAGE_SIZE,
            },
        { credentials },
      );
      await fn(page.items);
      cursor = page.pageInfo.nextCursor;
    } while (cursor && !signal?.aborted);
  }
}
