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

/**
 * Fact observations: the history of each (entity, source) and its latest values. Callers
 * validate observations first (the API and the fact provider runner do).
 *
 * All entity refs are `kind:namespace/name` strings; the store lowercases every ref it is
 * given, and the refs it returns are lowercase.
 */
export interface FactStore {
  /**
   * Appends an observation to the history and, in the same transaction, makes it the latest
   * values of its (entity, source) unless a newer observation is already stored.
   * `isLatest` tells whether it became the latest (so the entity should be re-evaluated).
   */
  addFacts(observation: FactObservation): Promise<{ isLatest: boolean }>;

  /**
   * {@link FactStore.addFacts} for many observations in one transaction, with batched
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
}
