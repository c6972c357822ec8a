import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { DEFAULT_NAMESPACE, Entity } from '@backstage/catalog-model';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  PermissionCondition,
  PermissionCriteria,
} from '@backstage/plugin-permission-common';
import { entityRefKey } from '@datamesh-portal/plugin-data-mesh-common';
import { createHash } from 'crypto';
import {
  ProductIndexStore,
  ProductSearchRows,
  ReadCondition,
  SearchCondition,
  SearchRow,
} from '../database/ProductIndexStore';

/** Refs (lowercase) of the data products the caller may read, asked of the catalog. */
export async function readableProductRefs(
  catalog: CatalogService,
  credentials: BackstageCredentials,
): Promise<string[]> {
  const { items } = await catalog.getEntities(
    {
      filter: { kind: 'DataProduct' },
      fields: ['kind', 'metadata.name', 'metadata.namespace'],
    },
    { credentials },
  );
  return items.map(e => entityRefKey(e));
}

/*
 * The catalog's search rows of an entity, as its stitcher writes them (buildEntitySearch of
 * @backstage/plugin-catalog-backend, which it does not export): every leaf under a dotted
 * lowercase key, each string of an array also as `<key>.<item>` = true, the relations as
 * `relations.<type>` = target ref; values lowercase, over 200 characters null. The catalog's
 * permission rules are queries over these rows, so mirroring them keeps their meaning exact.
 */
const SKIPPED_KEYS = new Set([
  'attachments',
  'relations',
  'status',
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'metadata.etag',
]);
const MAX_KEY_LENGTH = 200;
const MAX_VALUE_LENGTH = 200;

/** The catalog's lowercasing: `toLocaleLowerCase('en-US')`, which equals `toLowerCase()`. */
const lower = (text: string) => text.toLowerCase();

/** Code unit order: a stable order for the rows' hash, without the cost of collation. */
const byCodeUnits = (a: string, b: string) => {
  if (a === b) return 0;
  return a < b ? -1 : 1;
};

/** Changed when catalogSearchRows makes other rows of the same entity: stored rows are rewritten. */
const SEARCH_ROWS_VERSION = 'v1';

const sha256 = (text: string) =>
  createHash('sha256').update(text).digest('hex');

/**
 * An entity's search rows, computed only when needed: the index rewrites a product's rows when
 * their version changes. The catalog gives every entity an etag that changes with it, its
 * relations included: then a pass computes no rows for unchanged products (about a tenth of a
 * steady pass's CPU). Without an etag the rows are computed and hashed.
 */
export function catalogSearch(entity: Entity): ProductSearchRows {
  const etag = entity.metadata.etag;
  if (etag) {
    let rows: SearchRow[] | undefined;
    return {
      version: sha256(`${SEARCH_ROWS_VERSION} etag ${etag}`),
      rows: () => (rows ??= catalogSearchRows(entity)),
    };
  }
  const rows = catalogSearchRows(entity);
  return {
    version: sha256(`${SEARCH_ROWS_VERSION} ${JSON.stringify(rows)}`),
    rows: () => rows,
  };
}

/** The catalog's search rows of an entity (see above), without duplicates, sorted. */
export function catalogSearchRows(entity: Entity): SearchRow[] {
  const rows = new Map<string, SearchRow>();
  const add = (rawKey: string, rawValue: unknown) => {
    const key = lower(rawKey);
    if (key.length > MAX_KEY_LENGTH) return;
    const text =
      rawValue === undefined || rawValue === null
        ? null
        : lower(String(rawValue));
    const value =
      text !== null && text.length <= MAX_VALUE_LENGTH ? text : null;
    rows.set(`${key}\0${value ?? '\u0001'}`, { key, value });
  };
  const visit = (path: string, current: unknown) => {
    if (SKIPPED_KEYS.has(path)) return;
    const type = typeof current;
    if (
      current === undefined ||
      current === null ||
      type === 'string' ||
      type === 'number' ||
      type === 'boolean'
    ) {
      add(path, current);
      return;
    }
    if (type !== 'object') return;
    if (Array.isArray(current)) {
      for (const item of current) {
        visit(path, item);
        // Each string of an array is also a key of its own (`metadata.tags.pii` = true).
        if (typeof item === 'string') add(`${path}.${item}`, true);
      }
      return;
    }
    for (const [key, value] of Object.entries(current as object)) {
      visit(path ? `${path}.${key}` : key, value);
    }
  };
  visit('', entity);
  add('metadata.name', entity.metadata.name);
  add('metadata.namespace', entity.metadata.namespace ?? DEFAULT_NAMESPACE);
  if (entity.metadata.uid) add('metadata.uid', entity.metadata.uid);
  for (const relation of entity.relations ?? []) {
    add(`relations.${relation.type}`, relation.targetRef);
  }
  return [...rows.values()].sort(
    (a, b) =>
      byCodeUnits(a.key, b.key) || byCodeUnits(a.value ?? '', b.value ?? ''),
  );
}

const isString = (value: unknown): value is string => typeof value === 'string';
const optionalString = (value: unknown): value is string | undefined =>
  value === undefined || isString(value);

/**
 * A catalog permission condition as a query over the search rows, as the rule's own `toQuery`
 * makes it (@backstage/plugin-catalog-backend's permissionRules); undefined for a rule we do
 * not know (another module's) or parameters we do not expect.
 */
function toSearchCondition(
  condition: PermissionCondition,
): SearchCondition | undefined {
  const params = (condition.params ?? {}) as Record<string, unknown>;
  const keyed = (prefix: string, name: unknown, value: unknown) =>
    isString(name) && optionalString(value)
      ? {
          key: `${prefix}${name}`,
          ...(value !== undefined && { values: [value] }),
        }
      : undefined;
  switch (condition.rule) {
    case 'HAS_ANNOTATION':
      return keyed('metadata.annotations.', params.annotation, params.value);
    case 'HAS_LABEL':
      return keyed('metadata.labels.', params.label, params.value);
    case 'HAS_METADATA':
      return keyed('metadata.', params.key, params.value);
    case 'HAS_SPEC':
      return keyed('spec.', params.key, params.value);
    case 'IS_ENTITY_KIND':
      return Array.isArray(params.kinds) && params.kinds.every(isString)
        ? { key: 'kind', values: params.kinds }
        : undefined;
    case 'IS_ENTITY_OWNER':
      return Array.isArray(params.claims) && params.claims.every(isString)
        ? { key: 'relations.ownedBy', values: params.claims }
        : undefined;
    default:
      return undefined;
  }
}

/**
 * A conditional decision of the catalog's read permission as a query over our index; undefined
 * when any of its conditions is not one we can translate.
 */
export function toReadCondition(
  criteria: PermissionCriteria<PermissionCondition>,
): ReadCondition | undefined {
  if ('allOf' in criteria || 'anyOf' in criteria) {
    const children = 'allOf' in criteria ? criteria.allOf : criteria.anyOf;
    const translated: ReadCondition[] = [];
    for (const child of children) {
      const condition = toReadCondition(child);
      if (!condition) return undefined;
      translated.push(condition);
    }
    return 'allOf' in criteria
      ? { allOf: translated as [ReadCondition, ...ReadCondition[]] }
      : { anyOf: translated as [ReadCondition, ...ReadCondition[]] };
  }
  if ('not' in criteria) {
    const inner = toReadCondition(criteria.not);
    return inner && { not: inner };
  }
  return toSearchCondition(criteria);
}

/** A caller's readable products: all, a condition over the index, or these refs. */
export type ReadableScope =
  | { all: true }
  | { condition: ReadCondition }
  | { refs: string[] };

/**
 * Which data products a caller may read, asked once per request of the permission framework
 * (the catalog's own read permission), not of the catalog: an unconditional allow restricts
 * nothing, a conditional decision of the catalog's rules becomes a query over the catalog's
 * search rows that our index mirrors, a denial reads nothing. Only a decision with a rule we
 * cannot translate (another module's) reads the readable products from the catalog.
 *
 * The mirror follows the catalog at each evaluation of a product (the pass, a fact push);
 * products on a returned page are checked against the catalog on the caller's behalf
 * (`visibleOf`), so a product removed or hidden since then is not listed.
 */
export class ReadableProducts {
  constructor(
    private readonly options: {
      permissions: PermissionsService;
      catalog: CatalogService;
      productIndex: ProductIndexStore;
    },
  ) {}

  private async decision(credentials: BackstageCredentials) {
    const [decision] = await this.options.permissions.authorizeConditional(
      [{ permission: catalogEntityReadPermission }],
      { credentials },
    );
    return decision;
  }

  /**
   * Whether the caller may read every entity of the catalog: an unconditional allow, which no
   * entity's fields can change. Such a caller's read of one product needs no catalog request:
   * it may read any product the catalog still has, and one removed from it leaves our reads
   * within 30 s (the `data-mesh-removals` task).
   */
  async readsAll(credentials: BackstageCredentials): Promise<boolean> {
    return (await this.decision(credentials)).result === AuthorizeResult.ALLOW;
  }

  /** The caller's readable products: all, a condition over the index, or a list of refs. */
  async scope(credentials: BackstageCredentials): Promise<ReadableScope> {
    const decision = await this.decision(credentials);
    if (decision.result !== AuthorizeResult.CONDITIONAL) {
      return decision.result === AuthorizeResult.ALLOW
        ? { all: true }
        : { refs: [] };
    }
    const condition = toReadCondition(decision.conditions);
    if (condition) return { condition };
    return {
      refs: await readableProductRefs(this.options.catalog, credentials),
    };
  }

  /**
   * The products a list of the caller's waivers or agreements is limited to: none under an
   * unconditional allow (no list of products is read), else the refs they may read (from the
   * index, or from the catalog for a rule we cannot translate).
   */
  async restriction(
    credentials: BackstageCredentials,
  ): Promise<string[] | undefined> {
    const scope = await this.scope(credentials);
    if ('all' in scope) return undefined;
    if ('refs' in scope) return scope.refs;
    return this.options.productIndex.listRefs(scope.condition);
  }

  /**
   * Refs (lowercase) of the evaluated products the caller may read, from the index: one query,
   * no catalog read (unless the decision has a rule we cannot translate).
   */
  async refs(credentials: BackstageCredentials): Promise<string[]> {
    const scope = await this.scope(credentials);
    if ('refs' in scope) return scope.refs;
    return this.options.productIndex.listRefs(
      'condition' in scope ? scope.condition : undefined,
    );
  }

  /**
   * The readable products of a domain or owner, for a rollup: undefined when the caller may
   * read all of them (the rollup then needs no list at all).
   */
  async refsOfGroup(
    credentials: BackstageCredentials,
    group: { by: 'domain' | 'owner'; ref: string },
  ): Promise<string[] | undefined> {
    const scope = await this.scope(credentials);
    if ('all' in scope) return undefined;
    if ('refs' in scope) return scope.refs;
    return this.options.productIndex.listRefs(scope.condition, group);
  }

  /**
   * Which of these refs the catalog returns to the caller now: a page of results read from
   * the index is checked with one catalog request of its size, so a product removed or hidden
   * since it was last evaluated is left out at once.
   */
  async visibleOf(
    refs: string[],
    credentials: BackstageCredentials,
  ): Promise<Set<string>> {
    if (refs.length === 0) return new Set();
    const { items } = await this.options.catalog.getEntitiesByRefs(
      {
        entityRefs: refs,
        fields: ['kind', 'metadata.name', 'metadata.namespace'],
      },
      { credentials },
    );
    return new Set(items.flatMap(e => (e ? [entityRefKey(e)] : [])));
  }
}
