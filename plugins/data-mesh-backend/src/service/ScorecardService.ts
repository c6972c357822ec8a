import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  entityRefKey,
  isDataProductEntity,
  ScorecardHistoryResponse,
  ScorecardResponse,
  ScorecardRollupResponse,
  ScorecardSummariesResponse,
} from '@datamesh-portal/plugin-data-mesh-common';
import { ScorecardStore, StoredScorecard } from '../database/ScorecardStore';
import { DataMeshBackendConfig } from './config';
import { ReadableProducts } from './readableProducts';

/**
 * Reads of stored scorecards as the API answers them: a product's latest result, many at
 * once, its history, and rollups over a domain or owner. Reading never evaluates: a product
 * gets its first result from a pass, a fact push or an explicit evaluation.
 */
export class ScorecardService {
  constructor(
    private readonly options: {
      catalog: CatalogService;
      readable: ReadableProducts;
      scorecards: ScorecardStore;
      rules: DataMeshBackendConfig['rules'];
    },
  ) {}

  /**
   * The latest result of a readable entity. NotFoundError when it is no data product, or a
   * data product that has not been evaluated yet.
   */
  async latest(entity: Entity): Promise<StoredScorecard> {
    const entityRef = entityRefKey(entity);
    const stored = await this.options.scorecards.getScorecard(entityRef);
    if (stored) return stored;
    if (!isDataProductEntity(entity)) {
      throw new NotFoundError(`${entityRef} is not a DataProduct`);
    }
    throw new NotFoundError(`${entityRef} has not been evaluated yet`);
  }

  /**
   * The latest result of a product (a lowercase ref) read without a catalog request, for a
   * caller who may read every entity; undefined for any other caller, or when there is no
   * result, and the product is then read from the catalog (see `latest`).
   */
  async latestForReadsAll(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<StoredScorecard | undefined> {
    if (!(await this.options.readable.readsAll(credentials))) return undefined;
    return this.options.scorecards.getScorecard(entityRef);
  }

  /** A stored result with the checks and levels in force. */
  toResponse(stored: StoredScorecard): ScorecardResponse {
    return {
      entityRef: stored.entityRef,
      score: stored.score,
      level: stored.level,
      checks: stored.checks,
      ...(stored.levelCap ? { levelCap: stored.levelCap } : {}),
      evaluatedAt: stored.evaluatedAt.toISOString(),
      definitions: this.options.rules.checks,
      levels: this.options.rules.levels,
    };
  }

  /**
   * The latest results of many products (lowercase refs) at once, one item per ref: null for
   * a product the caller may not read or that has no result.
   */
  async summaries(
    entityRefs: string[],
    credentials: BackstageCredentials,
  ): Promise<ScorecardSummariesResponse> {
    const { items: readable } = await this.options.catalog.getEntitiesByRefs(
      {
        entityRefs,
        fields: ['kind', 'metadata.name', 'metadata.namespace'],
      },
      { credentials },
    );
    const stored = await this.options.scorecards.getScorecards(
      entityRefs.filter((_ref, i) => readable[i]),
    );
    return {
      items: entityRefs.map((ref, i) => {
        const scorecard = readable[i] ? stored.get(ref) : undefined;
        return scorecard
          ? {
              entityRef: ref,
              score: scorecard.score,
              level: scorecard.level,
              compliant: scorecard.compliant,
              evaluatedAt: scorecard.evaluatedAt.toISOString(),
            }
          : null;
      }),
    };
  }

  /** The most recent `limit` points after skipping the `offset` newest, oldest first. */
  async history(
    entityRef: string,
    page: { limit: number; offset: number },
  ): Promise<ScorecardHistoryResponse> {
    const recent = await this.options.scorecards.getScorecardHistory(
      entityRef,
      { limit: page.limit + page.offset },
    );
    const items = recent.slice(0, Math.max(0, recent.length - page.offset));
    return {
      entityRef,
      items: items.map(item => ({
        evaluatedAt: item.evaluatedAt.toISOString(),
        score: item.score,
        level: item.level,
        compliant: item.compliant,
      })),
    };
  }

  /** The rollup of a domain's or a team's products that the caller may read. */
  async rollup(
    groupBy: 'domain' | 'owner',
    target: Entity,
    credentials: BackstageCredentials,
  ): Promise<ScorecardRollupResponse> {
    const targetRef = entityRefKey(target);
    // The products of the group are those whose latest result names it: no catalog read.
    const entityRefs = await this.options.readable.refsOfGroup(credentials, {
      by: groupBy,
      ref: targetRef,
    });
    const rollup = await this.options.scorecards.getRollup(groupBy, targetRef, {
      entityRefs,
    });
    return { entityRef: targetRef, groupBy, ...rollup };
  }
}
