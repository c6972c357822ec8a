import {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import chunk from 'lodash/chunk';
import {
  domainAncestry,
  entityRefKey,
  productRelatedRefs,
  productRuleContext,
  RuleContextInput,
} from '@datamesh-portal/plugin-data-mesh-common';
import { FactStore, LatestFacts } from '../database/FactStore';

// Keeps catalog requests well under URL and payload limits.
const REFS_PER_REQUEST = 500;
/**
 * Batches up to this size outside a pass (a fact push, a waiver decision, a dry run) read
 * their products' domains and the domains above them by ref, with the other related entities,
 * instead of every Domain of the catalog: one catalog request fewer on the hot path.
 */
const DOMAINS_BY_REF_MAX_BATCH = 10;

/** What rules need to evaluate a batch of products. */
export interface RuleContexts {
  /** The context of each product, by lowercase ref. */
  contexts: Map<string, RuleContextInput>;
  /** Every Domain of the catalog by lowercase ref, for the domain policies that apply. */
  findDomain: (ref: string) => Entity | undefined;
  /** The products' owners, upstream products, contract APIs and domains, by lowercase ref. */
  findEntity: (ref: string) => Entity | undefined;
}

/**
 * What the batches of one full pass share: the catalog's Domains, read once per pass instead
 * of once per page (a domain edited during a pass is seen by the next one).
 */
export interface RulePass {
  domains?: Promise<Map<string, Entity>>;
}

/**
 * Whose view of the catalog a build has, and whose stored facts it reads: by default the
 * plugin's own and every product's. A dry run reads as its caller.
 */
export interface RuleContextReader {
  /** The catalog is read on behalf of these credentials instead of the plugin's own. */
  credentials?: BackstageCredentials;
  /** Only these products' stored facts are read (lowercase refs). */
  storedFactsOf?: string[];
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
      facts: FactStore;
    },
  ) {}

  /** A pass's shared state, for {@link RuleContextBuilder.build} of each of its batches. */
  startPass(): RulePass {
    return {};
  }

  async build(
    products: Entity[],
    now: Date = new Date(),
    pass?: RulePass,
    reader: RuleContextReader = {},
  ): Promise<RuleContexts> {
    const productRefs = products.map(p => entityRefKey(p));
    const credentials =
      reader.credentials ??
      (await this.options.auth.getOwnServiceCredentials());
    const factRefs = reader.storedFactsOf ?? productRefs;
    // Upstream products in the same batch were just read from the catalog: not read again.
    const batch = new Map(productRefs.map((ref, i) => [ref, products[i]]));
    const related = new Set<string>();
    for (const product of products) {
      const refs = productRelatedRefs(product);
      [refs.owner, ...refs.upstream, ...refs.contracts].forEach(
        ref => ref && !batch.has(ref) && related.add(ref),
      );
    }

    if (!pass && products.length <= DOMAINS_BY_REF_MAX_BATCH) {
      const domainRefs = products
        .map(product => productRelatedRefs(product).domain)
        .filter((ref): ref is string => Boolean(ref));
      const [{ entities, domains }, facts] = await Promise.all([
        this.fetchWithDomains([...related], domainRefs, credentials),
        this.options.facts.getLatestFacts(factRefs),
      ]);
      return this.assemble(
        products,
        productRefs,
        now,
        facts,
        domains,
        ref => batch.get(ref) ?? entities.get(ref) ?? domains.get(ref),
      );
    }

    let domainsRead = pass?.domains;
    if (!domainsRead) {
      const read = this.fetchDomains(credentials);
      domainsRead = read;
      if (pass) {
        pass.domains = read;
        // A failed read is not kept: the pass's next batch reads again.
        read.catch(() => {
          if (pass.domains === read) pass.domains = undefined;
        });
      }
    }
    const [entities, domains, facts] = await Promise.all([
      this.fetchEntities([...related], credentials),
      domainsRead,
      this.options.facts.getLatestFacts(factRefs),
    ]);
    return this.assemble(
      products,
      productRefs,
      now,
      facts,
      domains,
      ref => batch.get(ref) ?? entities.get(ref) ?? domains.get(ref),
    );
  }

  private assemble(
    products: Entity[],
    productRefs: string[],
    now: Date,
    facts: LatestFacts,
    domains: Map<string, Entity>,
    findEntity: (ref: string) => Entity | undefined,
  ): RuleContexts {
    const contexts = new Map<string, RuleContextInput>();
    products.forEach((product, index) => {
      const stored = facts.get(productRefs[index]) ?? new Map();
      contexts.set(
        productRefs[index],
        productRuleContext(product, {
          findEntity,
          facts: Object.fromEntries(
            [...stored].map(([source, f]) => [source, f.facts]),
          ),
          observedAt: Object.fromEntries(
            [...stored].map(([source, f]) => [source, f.observedAt]),
          ),
          now,
        }),
      );
    });
    return { contexts, findDomain: ref => domains.get(ref), findEntity };
  }

  /**
   * The related entities and the given domains in one request, then the domains above them
   * (`spec.subdomainOf`) level by level, as far as {@link domainAncestry} walks.
   */
  private async fetchWithDomains(
    refs: string[],
    domainRefs: string[],
    credentials: BackstageCredentials,
  ): Promise<{ entities: Map<string, Entity>; domains: Map<string, Entity> }> {
    const entities = await this.fetchEntities(
      [...new Set([...refs, ...domainRefs])],
      credentials,
    );
    const domains = new Map<string, Entity>();
    const keep = (ref: string) => {
      const entity = entities.get(ref);
      if (entity?.kind.toLocaleLowerCase('en-US') === 'domain') {
        domains.set(ref, entity);
      }
    };
    domainRefs.forEach(keep);
    // Only Domains count as domains, as when every Domain is read: a domain ref naming
    // another kind resolves to nothing unless it is also a related entity.
    const related = new Set(refs);
    domainRefs.forEach(ref => related.has(ref) || entities.delete(ref));
    const tried = new Set(domainRefs);
    for (let level = 0; level < 20; level++) {
      const missing = new Set<string>();
      for (const ref of domainRefs) {
        domainAncestry(domains.get(ref), parent => {
          const found = domains.get(parent);
          if (!found && !tried.has(parent)) missing.add(parent);
          return found;
        });
      }
      if (missing.size === 0) break;
      const parents = await this.fetchEntities([...missing], credentials);
      for (const ref of missing) {
        tried.add(ref);
        const parent = parents.get(ref);
        if (parent?.kind.toLocaleLowerCase('en-US') === 'domain') {
          domains.set(ref, parent);
        }
      }
    }
    return { entities, domains };
  }

  /** Entities by lowercase ref; refs that do not resolve are absent. */
  private async fetchEntities(
    refs: string[],
    credentials: BackstageCredentials,
  ): Promise<Map<string, Entity>> {
    const found = new Map<string, Entity>();
    for (const part of chunk(refs, REFS_PER_REQUEST)) {
      const { items } = await this.options.catalog.getEntitiesByRefs(
        { entityRefs: part },
        { credentials },
      );
      items.forEach((entity, i) => {
        if (entity) found.set(part[i], entity);
      });
    }
    return found;
  }

  /**
   * Every Domain, by lowercase ref: a product's domain, and its parents whose policies also
   * apply. Organisations have tens to hundreds of domains, so one query serves a whole batch.
   */
  private async fetchDomains(
    credentials: BackstageCredentials,
  ): Promise<Map<string, Entity>> {
    const { items } = await this.options.catalog.getEntities(
      { filter: { kind: 'Domain' } },
      { credentials },
    );
    return new Map(items.map(domain => [entityRefKey(domain), domain]));
  }
}
