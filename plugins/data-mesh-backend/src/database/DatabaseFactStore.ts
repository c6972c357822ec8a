import { entityRefKey } from '@datamesh-portal/plugin-data-mesh-common';
import { Knex } from 'knex';
import chunk from 'lodash/chunk';
import { migratedClient, StoreOptions } from './client';
import {
  FactObservation,
  FactStore,
  FactValues,
  LatestFacts,
  StoredFacts,
} from './FactStore';
import { IN_CHUNK, rowsPerInsert, toDate, uniqueRefs } from './util';

const FACT_HISTORY_DEFAULT_LIMIT = 100;

interface FactRow {
  entity_ref: string;
  source: string;
  facts: string;
  observed_at: unknown;
  received_at: unknown;
}

/** The knex implementation of {@link FactStore}, on SQLite and PostgreSQL. */
export class DatabaseFactStore implements FactStore {
  static async create(options: StoreOptions): Promise<DatabaseFactStore> {
    return new DatabaseFactStore(await migratedClient(options));
  }

  constructor(private readonly db: Knex) {}

  async addFacts(observation: FactObservation): Promise<{ isLatest: boolean }> {
    const { updatedEntityRefs } = await this.addFactsBatch([observation]);
    return { isLatest: updatedEntityRefs.length > 0 };
  }

  async addFactsBatch(
    observations: FactObservation[],
  ): Promise<{ updatedEntityRefs: string[] }> {
    if (observations.length === 0) {
      return { updatedEntityRefs: [] };
    }
    const receivedAt = new Date();
    const rows = observations.map(observation => ({
      entity_ref: entityRefKey(observation.entityRef),
      source: observation.source,
      facts: JSON.stringify(observation.facts),
      observed_at: observation.observedAt,
      received_at: receivedAt,
    }));

    // The newest observation of each (entity, source) in this batch; later ones win ties.
    const newest = new Map<string, (typeof rows)[number]>();
    for (const row of rows) {
      const key = `${row.entity_ref}\u0000${row.source}`;
      const current = newest.get(key);
      if (
        !current ||
        row.observed_at.getTime() >= current.observed_at.getTime()
      ) {
        newest.set(key, row);
      }
    }

    return await this.db.transaction(async trx => {
      for (const part of chunk(rows, rowsPerInsert(5))) {
        await trx('fact_observations').insert(part);
      }

      // Which of them are at least as new as what is stored: those become the latest.
      const candidates = [...newest.values()];
      const stored = new Map<string, number>();
      for (const refs of chunk(
        uniqueRefs(candidates.map(r => r.entity_ref)),
        IN_CHUNK,
      )) {
        const existing = await trx('facts_latest')
          .whereIn('entity_ref', refs)
          .select('entity_ref', 'source', 'observed_at');
        for (const row of existing) {
          stored.set(
            `${row.entity_ref}\u0000${row.source}`,
            toDate(row.observed_at).getTime(),
          );
        }
      }
      const latest = candidates.filter(row => {
        const before = stored.get(`${row.entity_ref}\u0000${row.source}`);
        return before === undefined || row.observed_at.getTime() >= before;
      });

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
      return { updatedEntityRefs: uniqueRefs(latest.map(r => r.entity_ref)) };
    });
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
}
