import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { Entity, RELATION_DEPENDS_ON } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  DomainMapResponse,
  entityRefKey,
  MeshInsightResponse,
  productRelatedRefs,
  ProductsQueryResponse,
} from '@datamesh-portal/plugin-data-mesh-common';
import { ProductIndexStore, ProductQuery } from '../database/ProductIndexStore';
import { ScorecardStore } from '../database/ScorecardStore';
import { computeInsight } from './insight';
import { ReadableProducts } from './readableProducts';

/** The parent ref of a Domain entity (spec.subdomainOf), lowercase; undefined if none. */
function parentDomainRef(domain: Entity): string | undefined {
  const value = (domain.spec as { subdomainOf?: unknown } | undefined)
    ?.subdomainOf;
  if (typeof value !== 'string' || !value) return undefined;
  try {
    return entityRefKey(value, {
      defaultKind: 'Domain',
      defaultNamespace: domain.metadata.namespace ?? 'default',
    });
  } catch {
    return undefined;
  }
}

/**
 * The data mesh home: the explorer, the mesh insight and the domain map, each over the
 * entities the caller may read in the catalog (read once per call).
 */
export class MeshHomeService {
  private readonly now: () => Date;

  constructor(
    private readonly options: {
      catalog: CatalogService;
      scorecards: ScorecardStore;
      productIndex: ProductIndexStore;
      readable: ReadableProducts;
      now?: () => Date;
    },
  ) {
    this.now = options.now ?? (() => new Date());
  }

  /** One page of the readable products matching the query, and their total count. */
  async explore(
    query: Omit<ProductQuery, 'entityRefs'>,
    credentials: BackstageCredentials,
  ): Promise<ProductsQueryResponse> {
    const { productIndex, readable } = this.options;
    const scope = await readable.scope(credentials);
    const { items, totalCount } = await productIndex.queryProducts({
      ...query,
      ...('refs' in scope && { entityRefs: scope.refs }),
      ...('condition' in scope && { readable: scope.condition }),
    });
    // The index follows the catalog at each evaluation; the page is checked against the
    // catalog now (one request of its size), so a product removed or hidden since is not shown.
    const visible = await readable.visibleOf(
      items.map(item => item.entityRef),
      credentials,
    );
    const shown = items.filter(item => visible.has(item.entityRef));
    return {
      items: shown.map(item => ({
        ...item,
        evaluatedAt: item.evaluatedAt.toISOString(),
      })),
      totalCount: totalCount - (items.length - shown.length),
      limit: query.limit,
      offset: query.offset,
    };
  }

  /** Domains, trend, regressions and leaderboard of the readable products. */
  async insight(
    credentials: BackstageCredentials,
  ): Promise<MeshInsightResponse> {
    const { readable, scorecards } = this.options;
    const entityRefs = await readable.refs(credentials);
    return computeInsight(scorecards, entityRefs, this.now());
  }

  /**
   * The readable domains (with their parents) and products (with their latest level and
   * compliance), and the lineage between those products.
   */
  async domainMap(
    credentials: BackstageCredentials,
  ): Promise<DomainMapResponse> {
    const { items } = await this.options.catalog.getEntities(
      {
        filter: [{ kind: 'Domain' }, { kind: 'DataProduct' }],
        fields: [
          'kind',
          'metadata.name',
          'metadata.namespace',
          'metadata.title',
          'spec.subdomainOf',
          'spec.domain',
          'relations',
        ],
      },
      { credentials },
    );
    const isKind = (entity: Entity, kind: string) =>
      entity.kind.toLocaleLowerCase('en-US') === kind;
    const domains = items.filter(e => isKind(e, 'domain'));
    const products = items.filter(e => isKind(e, 'dataproduct'));
    const domainRefs = new Set(domains.map(d => entityRefKey(d)));
    const productRefs = new Set(products.map(p => entityRefKey(p)));
    const scorecards = await this.options.scorecards.getScorecards([
      ...productRefs,
    ]);
    return {
      domains: domains
        .map(domain => {
          const parent = parentDomainRef(domain);
          return {
            entityRef: entityRefKey(domain),
            title: domain.metadata.title ?? null,
            parentRef: parent && domainRefs.has(parent) ? parent : null,
          };
        })
        .sort((a, b) => a.entityRef.localeCompare(b.entityRef)),
      products: products
        .map(product => {
          const ref = entityRefKey(product);
          const stored = scorecards.get(ref);
          return {
            entityRef: ref,
            title: product.metadata.title ?? null,
            domainRef: productRelatedRefs(product).domain ?? null,
            level: stored?.level ?? null,
            compliant: stored ? stored.compliant : null,
          };
        })
        .sort((a, b) => a.entityRef.localeCompare(b.entityRef)),
      edges: products
        .flatMap(product =>
          (product.relations ?? [])
            .filter(r => r.type === RELATION_DEPENDS_ON)
            .map(r => ({
              from: entityRefKey(product),
              to: entityRefKey(r.targetRef),
            })),
        )
        .filter(edge => productRefs.has(edge.to))
        .sort(
          (a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to),
        ),
    };
  }
}
