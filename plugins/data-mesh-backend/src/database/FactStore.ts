import { CollectedFacts } from '@datamesh-portal/plugin-data-mesh-node';
import { WriteOptions } from './client';

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

/** The most fact sources one entity may have unless configured otherwise. */
export const DEFAULT_MAX_SOURCES_PER_PRODUCT = 20;

/** An observation not stored because its entity already has the most sources allowed. */
export interface RefusedSource {
  entityRef: string;
  source: string;
}

/** The latest facts of each requested entity that has any, by entity ref, then by source. */
export type LatestFacts = Map<string, Map<string, StoredFacts>>;

/**
 * Fact observations: the history of each (entity, source) and its latest values. Callers
 * validate observations first (the API and the fact provider runner do).
 *
 * An entity has at most `maxSourcesPerProduct` sources (those with latest values): an
 * observation of one more source is refused, while sources it already has always take new
 * observations. Concurrent writes of new sources for the same entity are serialised, so the
 * bound holds on several instances too.
 *
 * All entity refs are `kind:namespace/name` strings; the store lowercases every ref it is
 * given, and the refs it returns are lowercase.
 */
export interface FactStore {
  /**
   * Appends an observation to the history and, in the same transaction, makes it the latest
   * values of its (entity, source) unless a newer observation is already stored.
   * `isLatest` tells whether it became the latest (so the entity should be re-evaluated).
   * Throws an `InputError` (problem on field `source`) when the source would be one more than
   * the entity may have; nothing is stored then.
   */
  addFacts(observation: FactObservation): Promise<{ isLatest: boolean }>;

  /**
   * {@link FactStore.addFacts} for many observations in one transaction, with batched
   * statements (for fact providers). Returns the entity refs whose latest facts changed, and
   * the (entity, source) pairs refused because the entity has the most sources allowed: their
   * observations are left out, the others stored.
   */
  addFactsBatch(
    observations: FactObservation[],
  ): Promise<{ updatedEntityRefs: string[]; refused: RefusedSource[] }>;

  /** The latest facts per source of each given entity; entities without facts are absent. */
  getLatestFacts(entityRefs: string[]): Promise<LatestFacts>;

  /** Observations of one source about one entity, newest first; `limit` defaults to 100. */
  getFactHistory(
    entityRef: string,
    source: string,
    options?: { limit?: number },
  ): Promise<StoredFacts[]>;

  /**
   * Deletes observations made before `observedBefore`, except the newest of each (entity,
   * source), which stays as its latest values: the retention of fact history. Deletes in
   * batches of `batchSize` (default 1000) rows, each its own short statement, so that pushes
   * are not held up. Returns how many were deleted.
   */
  deleteFactHistory(options: {
    observedBefore: Date;
    batchSize?: number;
  }): Promise<{ deleted: number }>;

  /**
   * Deletes every fact of the given entities, history and latest values (entities whose
   * results were purged), in the caller's transaction when given.
   */
  deleteFacts(entityRefs: string[], options?: WriteOptions): Promise<void>;
}
