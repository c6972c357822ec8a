import { PermissionCriteria } from '@backstage/plugin-permission-common';
import { WriteOptions } from './client';

/** One of the catalog's search rows of an entity: a lowercase dotted key and value. */
export interface SearchRow {
  key: string;
  /** Null for a null value or one over 200 characters, as in the catalog. */
  value: string | null;
}

/**
 * A query over search rows, as the catalog's permission rules make them: the product has a
 * row with this key (case-insensitive) and, when `values` are given, one of these values.
 */
export interface SearchCondition {
  key: string;
  values?: string[];
}

/** The caller's read permission over the index: search conditions in allOf, anyOf, not. */
export type ReadCondition = PermissionCriteria<SearchCondition>;

/** A product's catalog search rows, computed only when the store finds that they changed. */
export interface ProductSearchRows {
  /** Equal versions, equal rows: a hash of the rows, or of the entity they come from. */
  version: string;
  rows(): SearchRow[];
}

/** The explorer's searchable fields of one product. */
export interface ProductIndexEntry {
  entityRef: string;
  /** metadata.name */
  name: string;
  title?: string | null;
  status?: string | null;
  type?: string | null;
  classification?: string | null;
  personalData?: boolean | null;
  /**
   * Free text to search (name, title, description, tags, port names); the store lowercases
   * it. Defaults to the name.
   */
  searchText?: string;
  /**
   * The product's catalog search rows, which read conditions query (`catalogSearch`).
   * Without them, a caller whose read permission is conditional sees no product.
   */
  search?: ProductSearchRows;
}

/** Sort orders of {@link ProductIndexStore.queryProducts}; `-` is descending. */
export type ProductSort = 'name' | '-name' | 'score' | '-score';

/**
 * Query of the explorer. Each list is an OR of its values; different fields are ANDed.
 * Empty or missing lists do not filter.
 */
export interface ProductQuery {
  /** Substring of the product's search text (case-insensitive). */
  text?: string;
  domainRefs?: string[];
  ownerRefs?: string[];
  statuses?: string[];
  types?: string[];
  classifications?: string[];
  personalData?: boolean[];
  /** Levels; `none` matches products without a level. */
  levels?: string[];
  compliant?: boolean[];
  /** Default `name`; ties by entity ref. */
  sort?: ProductSort;
  limit: number;
  offset: number;
  /**
   * Restricts the query to these products (those the caller may read). Undefined means
   * every product; an empty list means none.
   */
  entityRefs?: string[];
  /**
   * The caller's read permission, as a condition over the products' search rows: only products
   * matching it. Undefined restricts nothing.
   */
  readable?: ReadCondition;
}

/** One product of the explorer. */
export interface ProductIndexItem {
  entityRef: string;
  name: string;
  title: string | null;
  domainRef: string | null;
  ownerRef: string | null;
  status: string | null;
  type: string | null;
  classification: string | null;
  personalData: boolean | null;
  score: number;
  level: string | null;
  compliant: boolean;
  evaluatedAt: Date;
}

/**
 * The explorer's index: one row of searchable fields per product, joined with its latest
 * scorecard when queried (a product is listed once it has both, and not while its result is
 * removed). Whoever evaluates products
 * writes their rows, in the transaction that saves their results.
 *
 * All entity refs are `kind:namespace/name` strings; the store lowercases every ref it is
 * given, and the refs it returns are lowercase.
 */
export interface ProductIndexStore {
  /**
   * Writes (replaces) the index rows of the given products, in the caller's transaction when
   * given; the last entry of a product wins. Rows equal to the stored ones are not rewritten,
   * so a pass that changes nothing writes nothing here. Returns how many rows were written.
   */
  saveProducts(
    entries: ProductIndexEntry[],
    options?: WriteOptions,
  ): Promise<{ written: number }>;

  /** Deletes the index rows of the given products (products purged after their removal). */
  deleteProducts(entityRefs: string[], options?: WriteOptions): Promise<void>;

  /**
   * The explorer: products with an index row and a scorecard matching the query, one page
   * of them and the total count. Filtering, sorting and paging run in SQL.
   */
  queryProducts(
    query: ProductQuery,
  ): Promise<{ items: ProductIndexItem[]; totalCount: number }>;

  /**
   * Refs of the listed products (an index row and a result not removed) matching `readable`;
   * every listed product without it. With `group`, only the products of that domain or owner
   * (as their latest result has them). One query, however many products match.
   */
  listRefs(
    readable?: ReadCondition,
    group?: { by: 'domain' | 'owner'; ref: string },
  ): Promise<string[]>;

  /** How many products are listed (an index row and a result not removed). */
  countListed(): Promise<number>;
}
