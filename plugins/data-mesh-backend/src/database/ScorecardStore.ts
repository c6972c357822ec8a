import {
  GovernanceResult,
  ScorecardCheckResult,
  ScorecardLevelCap,
} from '@datamesh-portal/plugin-data-mesh-common';
import { WriteOptions } from './client';

/** A scorecard result of one product, as saved and as read back. */
export interface StoredScorecard {
  entityRef: string;
  /** The product's domain, for rollups; null if it has none. */
  domainRef: string | null;
  /** The product's owner, for rollups; null if it has none. */
  ownerRef: string | null;
  /** Weighted score, 0-100. */
  score: number;
  /** Highest level fully passed, held while not compliant; null if none. */
  level: string | null;
  checks: ScorecardCheckResult[];
  /** Why the level is held below what the checks earn; absent when nothing holds it. */
  levelCap?: ScorecardLevelCap;
  /** Whether the product was compliant when evaluated (waivers in force then applied). */
  compliant: boolean;
  /** The governance policy results as evaluated, before waivers. */
  policyResults: GovernanceResult[];
  evaluatedAt: Date;
}

/** A scorecard result to save; missing domain or owner refs are stored as null. */
export type ScorecardToSave = Omit<
  StoredScorecard,
  'domainRef' | 'ownerRef'
> & {
  domainRef?: string | null;
  ownerRef?: string | null;
};

/** A product whose score, level or check outcomes changed in a save. */
export interface ScorecardChange {
  entityRef: string;
  /** The result before, or undefined for a product's first result. */
  previous?: { score: number; level: string | null; compliant: boolean };
  current: { score: number; level: string | null; compliant: boolean };
}

/** What {@link ScorecardStore.saveScorecards} did. */
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

/** Options of {@link ScorecardStore.getRollup}. */
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
 * Scorecard results: the latest of each product, the history of its changes, and rollups
 * over domains and owners.
 *
 * Products that left the catalog are removed softly: their result and history stay, marked
 * removed, and every read (results, history, rollups, the explorer's join) leaves them out
 * until a new result is saved for them (the product is back) or they are purged.
 *
 * All entity refs are `kind:namespace/name` strings; the store lowercases every ref it is
 * given, and the refs it returns are lowercase.
 */
export interface ScorecardStore {
  /**
   * Saves a batch of results in one transaction (the caller's, when given): upserts the
   * latest result of each product and appends a history point only for products whose score,
   * level, compliance or any check or policy outcome changed (or that had no result).
   * Unchanged products only get their `evaluatedAt` refreshed. A result older than the stored
   * one is ignored. Saving a result of a removed product restores it, history included. On PostgreSQL the products' rows stay locked until the transaction ends,
   * so that concurrent saves report each transition once.
   */
  saveScorecards(
    results: ScorecardToSave[],
    options?: WriteOptions,
  ): Promise<SaveScorecardsResult>;

  /** The latest result of one product, or undefined. */
  getScorecard(entityRef: string): Promise<StoredScorecard | undefined>;

  /** The latest results of the given products, by entity ref; products without are absent. */
  getScorecards(entityRefs: string[]): Promise<Map<string, StoredScorecard>>;

  /**
   * Score, level and compliance of one product over time, oldest first. With `limit`, the most
   * recent `limit` points (still oldest first).
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
   * The products with a current (not removed) result that are not in `entityRefs`: those a
   * full pass did not see in the catalog. With `evaluatedBefore`, only results evaluated
   * before then: a pass passes its start, so that a product that entered the catalog after
   * the pass read it, and was evaluated meanwhile (a fact push, another instance), is not
   * missing. `total` is the number of products with a current result.
   */
  findScorecardsExcept(
    entityRefs: string[],
    options?: { evaluatedBefore?: Date },
  ): Promise<{ missing: string[]; total: number }>;

  /**
   * Marks the results of these products removed at `at`: hidden from every read, kept with
   * their history until purged, restored by the next save of a result for them. Only results
   * not removed yet and, with `evaluatedBefore`, evaluated before then are marked (one
   * evaluated since was seen again). Returns the refs marked.
   */
  removeScorecards(
    entityRefs: string[],
    options: { at: Date; evaluatedBefore?: Date } & WriteOptions,
  ): Promise<string[]>;

  /**
   * Deletes the results and history of products removed before `removedBefore`: the end of
   * their retention. Returns their refs.
   */
  purgeRemovedScorecards(
    removedBefore: Date,
    options?: WriteOptions,
  ): Promise<string[]>;
}
