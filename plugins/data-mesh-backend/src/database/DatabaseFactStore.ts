import {
  entityRefKey,
  inputErrorWithProblems,
} from '@datamesh-portal/plugin-data-mesh-common';
import { Knex } from 'knex';
import chunk from 'lodash/chunk';
import {
  inTransaction,
  migratedClient,
  StoreOptions,
  WriteOptions,
} from './client';
import {
  DEFAULT_MAX_SOURCES_PER_PRODUCT,
  FactObservation,
  FactStore,
  FactValues,
  LatestFacts,
  RefusedSource,
  StoredFacts,
} from './FactStore';
import {
  advisoryLockKey,
  compareRefs,
  IN_CHUNK,
  rowsPerInsert,
  toDate,
  uniqueRefs,
} from './util';

const FACT_HISTORY_DEFAULT_LIMIT = 100;
const RETENTION_BATCH_DEFAULT = 1000;

interface FactRow {
  entity_ref: string;
  source: string;
  facts: string;
  observed_at: unknown;
  received_at: unknown;
}

/** Options of the fact store beyond its database. */
export interface FactStoreOptions {
  /** The most sources one entity may have; default {@link DEFAULT_MAX_SOURCES_PER_PRODUCT}. */
  maxSourcesPerProduct?: number;
}

const pairKey = (entityRef: string, source: string) =>
  `${entityRef}\u0000${source}`;

/** The knex implementation of {@link FactStore}, on SQLite and PostgreSQL. */
export class DatabaseFactStore implements FactStore {
  static async create(
    options: StoreOptions & FactStoreOptions,
  ): Promise<DatabaseFactStore> {
    return new DatabaseFactStore(await migratedClient(options), options);
  }

  private readonly isPostgres: boolean;
  private readonly maxSources: number;

  constructor(private readonly db: Knex, options: FactStoreOptions = {}) {
    this.isPostgres = db.client.dialect === 'postgresql';
    this.maxSources =
      options.maxSourcesPerProduct ?? DEFAULT_MAX_SOURCES_PER_PRODUCT;
  }

  async addFacts(observation: FactObservation): Promise<{ isLatest: boolean }> {
    const { updatedEntityRefs, refused } = await this.write(
      [observation],
      true,
    );
    if (refused.length) {
      const { entityRef, source } = refused[0];
      const message = `${JSON.stringify(
        source,
      )} would be a new fact source of ${entityRef}, which already has the most allowed (${
        this.maxSources
      }, dataMesh.facts.maxSourcesPerProduct); push under one of its sources`;
      throw inputErrorWithProblems(`source: ${message}`, [
        { field: 'source', message },
      ]);
    }
    return { isLatest: updatedEntityRefs.length > 0 };
  }

  async addFactsBatch(
    observations: FactObservation[],
  ): Promise<{ updatedEntityRefs: string[]; refused: RefusedSource[] }> {
    return this.write(observations, false);
  }

  /**
   * Stores the observations whose source the entity has or may add; with `all`, stores
   * nothing when any is refused (a single push is all or nothing).
   */
  private async write(
    observations: FactObservation[],
    all: boolean,
  ): Promise<{ updatedEntityRefs: string[]; refused: RefusedSource[] }> {
    if (observations.length === 0) {
      return { updatedEntityRefs: [], refused: [] };
    }
    const receivedAt = new Date();
    const rows = observations.map(observation => ({
      entity_ref: entityRefKey(observation.entityRef),
      source: observation.source,
      facts: JSON.stringify(observation.facts),
      observed_at: observation.observedAt,
      received_at: receivedAt,
    }));

    return await this.db.transaction(async trx => {
      const refs = uniqueRefs(rows.map(r => r.entity_ref));
      // The stored latest observation time of each (entity, source).
      const stored = await this.readLatestTimes(trx, refs);
      const sourcesOf = new Map<string, Set<string>>();
      for (const key of stored.keys()) {
        const [ref, source] = key.split('\u0000');
        sourcesOf.set(ref, (sourcesOf.get(ref) ?? new Set()).add(source));
      }
      const refused = await this.refuseNewSources(trx, rows, stored, sourcesOf);
      if (refused.length && all) {
        return { updatedEntityRefs: [], refused };
      }
      const refusedKeys = new Set(
        refused.map(r => pairKey(r.entityRef, r.source)),
      );
      const accepted = rows.filter(
        row => !refusedKeys.has(pairKey(row.entity_ref, row.source)),
      );

      for (const part of chunk(accepted, rowsPerInsert(5))) {
        await trx('fact_observations').insert(part);
      }

      // The newest observation of each (entity, source); later ones win ties. Those at least
      // as new as what is stored become the latest.
      const newest = new Map<string, (typeof rows)[number]>();
      for (const row of accepted) {
        const key = pairKey(row.entity_ref, row.source);
        const current = newest.get(key);
        if (
          !current ||
          row.observed_at.getTime() >= current.observed_at.getTime()
        ) {
          newest.set(key, row);
        }
      }
      const latest = [...newest.entries()]
        .filter(([key, row]) => {
          const before = stored.get(key);
          return before === undefined || row.observed_at.getTime() >= before;
        })
        .map(([, row]) => row);

      for (const part of chunk(latest, rowsPerInsert(5))) {
        // The guard keeps a concurrent newer observation from being overwritten.
        await trx('facts_latest')
          .insert(part)
          .onConflict(['entity_ref', 'source'])
          .merge(['facts', 'observed_at', 'received_at'])
          .where(
            'facts_latest.observed_at',
            '<=',
            trx.ref('excluded.observed_at'),
          );
      }
      return {
        updatedEntityRefs: uniqueRefs(latest.map(r => r.entity_ref)),
        refused,
      };
    });
  }

  /** The stored latest observation time (ms) of each (entity, source) of these entities. */
  private async readLatestTimes(
    trx: Knex.Transaction,
    refs: string[],
  ): Promise<Map<string, number>> {
    const stored = new Map<string, number>();
    for (const part of chunk(refs, IN_CHUNK)) {
      const existing: Array<
        Pick<FactRow, 'entity_ref' | 'source'> & {
          observed_at: unknown;
        }
      > = await trx('facts_latest')
        .whereIn('entity_ref', part)
        .select('entity_ref', 'source', 'observed_at');
      for (const row of existing) {
        stored.set(
          pairKey(row.entity_ref, row.source),
          toDate(row.observed_at).getTime(),
        );
      }
    }
    return stored;
  }

  /**
   * The (entity, source) pairs of the rows that would give an entity more sources than
   * allowed, in the order the rows name them. Entities getting a new source are locked first
   * on PostgreSQL (sorted, so that writers cannot deadlock) and their sources read again, so
   * that two concurrent writers cannot both add the last source allowed; SQLite serialises
   * writing transactions already. `stored` and `sourcesOf` are updated with what was read.
   */
  private async refuseNewSources(
    trx: Knex.Transaction,
    rows: Array<{ entity_ref: string; source: string }>,
    stored: Map<string, number>,
    sourcesOf: Map<string, Set<string>>,
  ): Promise<RefusedSource[]> {
    const growing = uniqueRefs(
      rows
        .filter(row => !stored.has(pairKey(row.entity_ref, row.source)))
        .map(row => row.entity_ref),
    ).sort(compareRefs);
    if (growing.length === 0) return [];
    if (this.isPostgres) {
      for (const part of chunk(growing, IN_CHUNK)) {
        await trx.raw(
          'select pg_advisory_xact_lock(key) from (select unnest(?::bigint[]) as key) keys',
          [part.map(ref => advisoryLockKey(`facts\u0000${ref}`))],
        );
      }
      for (const [key, time] of await this.readLatestTimes(trx, growing)) {
        stored.set(key, time);
        const [ref, source] = key.split('\u0000');
        sourcesOf.set(ref, (sourcesOf.get(ref) ?? new Set()).add(source));
      }
    }
    const refused: RefusedSource[] = [];
    const refusedKeys = new Set<string>();
    for (const row of rows) {
      const key = pairKey(row.entity_ref, row.source);
      const sources = sourcesOf.get(row.entity_ref) ?? new Set<string>();
      if (sources.has(row.source) || refusedKeys.has(key)) continue;
      if (sources.size < this.maxSources) {
        sourcesOf.set(row.entity_ref, sources.add(row.source));
      } else {
        refusedKeys.add(key);
        refused.push({ entityRef: row.entity_ref, source: row.source });
      }
    }
    return refused;
  }

  async getLatestFacts(entityRefs: string[]): Promise<LatestFacts> {
    const result: LatestFacts = new Map();
    for (const refs of chunk(uniqueRefs(entityRefs), IN_CHUNK)) {
      const rows: FactRow[] = await this.db('facts_latest')
        .whereIn('entity_ref', refs)
        .select('entity_ref', 'source', 'facts', 'observed_at', 'received_at');
      for (const row of rows) {
        let bySource = result.get(row.entity_ref);
        if (!bySource) {
          bySource = new Map();
          result.set(row.entity_ref, bySource);
        }
        bySource.set(row.source, {
          facts: JSON.parse(row.facts) as FactValues,
          observedAt: toDate(row.observed_at),
          receivedAt: toDate(row.received_at),
        });
      }
    }
    return result;
  }

  async getFactHistory(
    entityRef: string,
    source: string,
    options?: { limit?: number },
  ): Promise<StoredFacts[]> {
    const rows: FactRow[] = await this.db('fact_observations')
      .where({ entity_ref: entityRefKey(entityRef), source })
      .orderBy([
        { column: 'observed_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(options?.limit ?? FACT_HISTORY_DEFAULT_LIMIT)
      .select('facts', 'observed_at', 'received_at');
    return rows.map(row => ({
      facts: JSON.parse(row.facts) as FactValues,
      observedAt: toDate(row.observed_at),
      receivedAt: toDate(row.received_at),
    }));
  }

  async deleteFactHistory(options: {
    observedBefore: Date;
    batchSize?: number;
  }): Promise<{ deleted: number }> {
    const batchSize = options.batchSize ?? RETENTION_BATCH_DEFAULT;
    let deleted = 0;
    for (;;) {
      // Old observations with a newer one of the same (entity, source): never the newest,
      // which is the source's latest value (newest observation time, then the last stored).
      const ids: Array<number | string> = await this.db(
        'fact_observations as o',
      )
        .where('o.observed_at', '<', options.observedBefore)
        .whereExists(newer =>
          newer
            .select(this.db.raw('1'))
            .from('fact_observations as n')
            .whereRaw('n.entity_ref = o.entity_ref')
            .whereRaw('n.source = o.source')
            .where(later =>
              later
                .whereRaw('n.observed_at > o.observed_at')
                .orWhere(tie =>
                  tie
                    .whereRaw('n.observed_at = o.observed_at')
                    .whereRaw('n.id > o.id'),
                ),
            ),
        )
        .limit(batchSize)
        .pluck('o.id');
      if (ids.length === 0) break;
      deleted += await this.db('fact_observations').whereIn('id', ids).delete();
      if (ids.length < batchSize) break;
    }
    return { deleted };
  }

  async deleteFacts(
    entityRefs: string[],
    options?: WriteOptions,
  ): Promise<void> {
    const refs = uniqueRefs(entityRefs);
    if (refs.length === 0) return;
    await inTransaction(this.db, options, async trx => {
      for (const part of chunk(refs, IN_CHUNK)) {
        await trx('fact_observations').whereIn('entity_ref', part).delete();
        await trx('facts_latest').whereIn('entity_ref', part).delete();
      }
    });
  }
}
