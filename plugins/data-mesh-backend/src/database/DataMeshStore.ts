import {
  GovernanceResult,
  ScorecardCheckResult,
  WaiverEvent,
  WaiverStatus,
} from '@datamesh-portal/plugin-data-mesh-common';
import { CollectedFacts } from '@datamesh-portal/plugin-data-mesh-node';

/** The values one fact source observed about one entity (a JSON object). */
export type FactValues = CollectedFacts['facts'];

/**
 * One observation of a fact source about an entity, pushed by a pipeline or pulled by a
 * fact provider. Entity refs are `kind:namespace/name`; the store lowercases them.
 */
export interface FactObservation {
  entityRef: string;
  /** Identifier-like source name; rules read the values as `facts.<source>`. */
  source: string;
  facts: FactValues;
  /** When the values were true. */
  observedAt: Date;
}

/** Stored facts of one source about one entity. */
export interface StoredFacts {
  facts: FactValues;
  observedAt: Date;
  /** When the backend stored them. */
  receivedAt: Date;
}

/** The latest facts of each requested entity that has any, by entity ref, then by source. */
export type LatestFacts = Map<string, Map<string, StoredFacts>>;

/** A scorecard result of one product, as saved and as read back. */
export interface StoredScorecard {
  entityRef: string;
  /** The product's domain, for rollups; null if it has none. */
  domainRef: string | null;
  /** The product's owner, for rollups; null if it has none. */
  ownerRef: string | null;
  /** Weighted score, 0-100. */
  score: number;
  /** Highest level fully passed; null if none. */
  level: string | null;
  checks: ScorecardCheckResult[];
  /** Whether the product was compliant when evaluated (waivers in force then applied). */
  compliant: boolean;
  /** The governance policy results as evaluated, before waivers. */
  policyResults: GovernanceResult[];
  evaluatedAt: Date;
}

/** The explorer's searchable fields of a product, saved with its scorecard. */
export interface ProductIndexFields {
  /** metadata.name */
  name: string;
  title?: string | null;
  status?: string | null;
  type?: string | null;
  classification?: string | null;
  personalData?: boolean | null;
  /**
   * Free text to search (name, title, description, tags, port names); the store lowercases
   * it.
   */
  searchText?: string;
}

/** A scorecard result to save; missing domain or owner refs are stored as null. */
export type ScorecardToSave = Omit<
  StoredScorecard,
  'domainRef' | 'ownerRef'
> & {
  domainRef?: string | null;
  ownerRef?: string | null;
  /** The product's explorer index row; written (replaced) with the result when given. */
  index?: ProductIndexFields;
};

/** Sort orders of {@link DataMeshStore.queryProducts}; `-` is descending. */
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

/** A product whose score, level or check outcomes changed in a save. */
export interface ScorecardChange {
  entityRef: string;
  /** The result before, or undefined for a product's first result. */
  previous?: { score: number; level: string | null; compliant: boolean };
  current: { score: number; level: string | null; compliant: boolean };
}

/** What {@link DataMeshStore.saveScorecards} did. */
export interface SaveScorecardsResult {
  /** Number of latest results written (new or updated). */
  saved: number;
  /**
   * Products that got a history point because their score, level, compliance or any check or
   * policy outcome changed (or it is their first result).
   */
  changed: ScorecardChange[];
  /** Results not saved because a newer evaluation of the same product is already stored. */
  ignored: string[];
}

/** One point of a product's scorecard history. */
export interface ScorecardHistoryItem {
  evaluatedAt: Date;
  score: number;
  level: string | null;
  compliant: boolean;
}

/** Scorecards of the products of one domain or owner. */
export interface ScorecardRollup {
  /** Products with a scorecard (among the visible ones, when restricted). */
  products: number;
  /** Mean score of those products; null when there are none. */
  averageScore: number | null;
  /** Number of products per level; key `none` for products without a level. */
  levelCounts: Record<string, number>;
  /** The lowest-scoring products, worst first (at most 5; ties by entity ref). */
  worst: Array<{ entityRef: string; score: number; level: string | null }>;
  /** How many of those products were compliant. */
  compliant: number;
}

/** Options of {@link DataMeshStore.getRollup}. */
export interface ScorecardRollupOptions {
  /**
   * Restricts the rollup to these products, typically those the caller may read in the
   * catalog. Undefined means every product of the domain or owner; an empty list means none.
   */
  entityRefs?: string[];
  /** How many of the worst products to return; default 5. */
  worstLimit?: number;
}

/**
 * A waiver as stored. `status` is as last written: an approved waiver past its expiry stays
 * `approved` until {@link DataMeshStore.expireWaivers} runs, so readers compare `expiresAt`.
 */
export interface StoredWaiver {
  /** A UUID. */
  id: string;
  entityRef: string;
  policyId: string;
  reason: string;
  status: WaiverStatus;
  requestedBy: string;
  requestedAt: Date;
  expiresAt: Date;
  decidedBy?: string;
  decidedAt?: Date;
  decisionComment?: string;
  /** When the owners were told that it expires soon. */
  expiryNotifiedAt?: Date;
}

/** A line of a waiver's audit log. */
export type StoredWaiverEvent = Omit<WaiverEvent, 'at'> & {
  waiverId: string;
  at: Date;
};

/** A decision on a waiver by a governance admin. */
export interface WaiverDecision {
  action: 'approve' | 'reject' | 'revoke';
  /** Entity ref of the admin. */
  actor: string;
  at: Date;
  comment?: string;
}

/** Filter of {@link DataMeshStore.listWaivers}; all given conditions apply. */
export interface WaiverFilter {
  entityRefs?: string[];
  statuses?: WaiverStatus[];
  /** Only waivers expiring at or before this time. */
  expiresBefore?: Date;
  /** Default 500. */
  limit?: number;
}

/**
 * Persistence of the data mesh backend: fact observations (history and latest values per
 * source) and scorecard results (latest per product, history of changes, rollups).
 *
 * All entity refs are `kind:namespace/name` strings; the store lowercases every ref it is
 * given, and the refs it returns are lowercase.
 */
export interface DataMeshStore {
  /**
   * Appends an observation to the history and, in the same transaction, makes it the latest
   * values of its (entity, source) unless a newer observation is already stored.
   * `isLatest` tells whether it became the latest (so the entity should be re-evaluated).
   */
  addFacts(observation: FactObservation): Promise<{ isLatest: boolean }>;

  /**
   * {@link DataMeshStore.addFacts} for many observations in one transaction, with batched
   * statements (for fact providers). Returns the entity refs whose latest facts changed.
   */
  addFactsBatch(
    observations: FactObservation[],
  ): Promise<{ updatedEntityRefs: string[] }>;

  /** The latest facts per source of each given entity; entities without facts are absent. */
  getLatestFacts(entityRefs: string[]): Promise<LatestFacts>;

  /** Observations of one source about one entity, newest first; `limit` defaults to 100. */
  getFactHistory(
    entityRef: string,
    source: string,
    options?: { limit?: number },
  ): Promise<StoredFacts[]>;

  /**
   * Saves a batch of results in one transaction: upserts the latest result of each product
   * and appends a history point only for products whose score, level, compliance or any check
   * or policy outcome changed (or that had no result). Unchanged products only get their latest result, and
   * so their `evaluatedAt`, refreshed. A result older than the stored one is ignored.
   */
  saveScorecards(results: ScorecardToSave[]): Promise<SaveScorecardsResult>;

  /** The latest result of one product, or undefined. */
  getScorecard(entityRef: string): Promise<StoredScorecard | undefined>;

  /** The latest results of the given products, by entity ref; products without are absent. */
  getScorecards(entityRefs: string[]): Promise<Map<string, StoredScorecard>>;

  /**
   * Score, level and compliance of one product over time, oldest first. With `limit`, the most recent
   * `limit` points (still oldest first).
   */
  getScorecardHistory(
    entityRef: string,
    options?: { since?: Date; until?: Date; limit?: number },
  ): Promise<ScorecardHistoryItem[]>;

  /**
   * History of many products from `since` on: each product's points at or after `since`,
   * preceded by its last point before `since` (its state then), oldest first. Products
   * without any point are absent.
   */
  getScorecardHistories(
    entityRefs: string[],
    since: Date,
  ): Promise<Map<string, ScorecardHistoryItem[]>>;

  /**
   * Rollup of the latest results of the products of one domain or owner (matched on the
   * domain or owner ref saved with each result), optionally restricted to visible products.
   */
  getRollup(
    groupBy: 'domain' | 'owner',
    ref: string,
    options?: ScorecardRollupOptions,
  ): Promise<ScorecardRollup>;

  /**
   * The explorer: products with an index row and a scorecard matching the query, one page
   * of them and the total count. Filtering, sorting and paging run in SQL.
   */
  queryProducts(
    query: ProductQuery,
  ): Promise<{ items: ProductIndexItem[]; totalCount: number }>;

  /**
   * Deletes the results, history and index rows of every product not in `entityRefs` (products that
   * left the catalog); used after a full pass. Returns the deleted entity refs.
   * An empty list deletes everything: callers must not pass the result of a failed read.
   * With `evaluatedBefore`, only results evaluated before then are deleted: a pass passes its
   * start, so that a product that entered the catalog after the pass read it, and was
   * evaluated meanwhile (a fact push, another instance), keeps its result.
   */
  deleteScorecardsExcept(
    entityRefs: string[],
    options?: { evaluatedBefore?: Date },
  ): Promise<string[]>;

  /**
   * Records a pending waiver request and its `requested` audit event in one transaction.
   * Throws a ConflictError when the product already has a pending waiver, or an approved one
   * that has not expired at `requestedAt`, for the same policy.
   */
  createWaiver(request: {
    entityRef: string;
    policyId: string;
    reason: string;
    expiresAt: Date;
    requestedBy: string;
    requestedAt: Date;
  }): Promise<StoredWaiver>;

  /**
   * Approves or rejects a pending waiver, or revokes an approved unexpired one, with its audit
   * event, in one transaction. NotFoundError for an unknown id; ConflictError when the waiver
   * is not in a state that allows the decision (e.g. approving twice).
   */
  decideWaiver(id: string, decision: WaiverDecision): Promise<StoredWaiver>;

  /** One waiver, or undefined. */
  getWaiver(id: string): Promise<StoredWaiver | undefined>;

  /** A waiver's audit log, oldest first. */
  getWaiverEvents(id: string): Promise<StoredWaiverEvent[]>;

  /** Waivers matching the filter, most recently requested first. */
  listWaivers(filter?: WaiverFilter): Promise<StoredWaiver[]>;

  /**
   * Marks approved waivers whose expiry is at or before `now` as `expired`, with an audit event
   * by `system`, and returns them. Each waiver is returned by one call only, even when several
   * backend instances call at once.
   */
  expireWaivers(now: Date): Promise<StoredWaiver[]>;

  /**
   * Claims approved waivers expiring after `now` and at or before `before` whose owners have not
   * been reminded yet, setting their `expiryNotifiedAt` to `now`. Each waiver is claimed once,
   * even when several backend instances call at once.
   */
  claimExpiryReminders(now: Date, before: Date): Promise<StoredWaiver[]>;
}
