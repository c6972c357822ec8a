import { AuthService } from '@backstage/backend-plugin-api';
import {
  Entity,
  RELATION_DEPENDENCY_OF,
  RELATION_DEPENDS_ON,
  RELATION_PROVIDES_API,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  DataProductEntityV1alpha1,
  parseDataMeshRef,
  RuleContextInput,
} from '@datamesh-portal/plugin-data-mesh-common';
import { JsonObject } from '@backstage/types';
import { DataMeshStore } from '../database/DataMeshStore';

// Keeps catalog requests well under URL and payload limits.
const REFS_PER_REQUEST = 500;

function chunks<T>(items: T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    result.push(items.slice(i, i + size));
  }
  return result;
}

/** Entity refs as the catalog and the store keep them: lowercase. */
export function refKey(
  ref: Entity | { kind: string; namespace?: string; name: string },
): string {
  return stringifyEntityRef(ref).toLocaleLowerCase('en-US');
}

function relationTargets(entity: Entity, type: string): string[] {
  return (entity.relations ?? [])
    .filter(r => r.type === type)
    .map(r => r.targetRef);
}

/**
 * Facts the catalog itself knows about a product, as rules read them under `facts.catalog`:
 * counts of its ports, the contracts it provides, the products it reads from and that read
 * from it.
 */
function catalogFacts(product: Entity): JsonObject {
  const spec = product.spec as DataProductEntityV1alpha1['spec'];
  return {
    outputPorts: spec.outputPorts?.length ?? 0,
    inputPorts: spec.inputPorts?.length ?? 0,
    contracts: relationTargets(product, RELATION_PROVIDES_API).length,
    upstream: relationTargets(product, RELATION_DEPENDS_ON).length,
    consumers: relationTargets(product, RELATION_DEPENDENCY_OF).length,
  };
}

/**
 * Builds the context every rule is evaluated against: the product, its domain, owner and
 * upstream products resolved from the catalog (null or absent where they do not exist), and
 * the latest facts of every source with when they were observed. Everything is fetched in
 * batches, so a pass over thousands of products makes a handful of requests.
 */
export class RuleContextBuilder {
  constructor(
    private readonly options: {
      catalog: CatalogService;
      auth: AuthService;
      store: DataMeshStore;
    },
  ) {}

  async build(
    products: Entity[],
    now: Date = new Date(),
  ): Promise<Map<string, RuleContextInput>> {
    const productRefs = products.map(p => refKey(p));
    const related = new Set<string>();
    const refsOf = products.map(product => {
      const spec = product.spec as DataProductEntityV1alpha1['spec'];
      const refs = {
        domain: spec.domain
          ? refKey(parseDataMeshRef(spec.domain, 'domain', product))
          : undefined,
        owner: spec.owner
          ? refKey(parseDataMeshRef(spec.owner, 'owner', product))
          : undefined,
        upstream: relationTargets(product, RELATION_DEPENDS_ON),
      };
      [refs.domain, refs.owner, ...refs.upstream].forEach(
        ref => ref && related.add(ref),
      );
      return refs;
    });

    const [entities, facts] = await Promise.all([
      this.fetchEntities([...related]),
      this.options.store.getLatestFacts(productRefs),
    ]);

    const contexts = new Map<string, RuleContextInput>();
    products.forEach((product, index) => {
      const refs = refsOf[index];
      const productFacts: Record<string, JsonObject> = {
        catalog: catalogFacts(product),
      };
      const observedAt: Record<string, Date> = { catalog: now };
      for (const [source, stored] of facts.get(productRefs[index]) ?? []) {
        productFacts[source] = stored.facts;
        observedAt[source] = stored.observedAt;
      }
      contexts.set(productRefs[index], {
        entity: product,
        domain: (refs.domain && entities.get(refs.domain)) || null,
        owner: (refs.owner && entities.get(refs.owner)) || null,
        upstream: refs.upstream.flatMap(ref => {
          const upstream = entities.get(ref);
          return upstream ? [upstream] : [];
        }),
        facts: productFacts,
        observedAt,
        now,
      });
    });
    return contexts;
  }

  /** Entities by lowercase ref; refs that do not resolve are absent. */
  private async fetchEntities(refs: string[]): Promise<Map<string, Entity>> {
    const credentials = await this.options.auth.getOwnServiceCredentials();
    const found = new Map<string, Entity>();
    for (const chunk of chunks(refs, REFS_PER_REQUEST)) {
      const { items } = await this.options.catalog.getEntitiesByRefs(
        { entityRefs: chunk },
        { credentials },
      );
      items.forEach((entity, i) => {
        if (entity) found.set(chunk[i], entity);
      });
    }
    return found;
  }
}
