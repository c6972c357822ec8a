import { entityRefKey } from '@datamesh-portal/plugin-data-mesh-common';
import { Knex } from 'knex';
import chunk from 'lodash/chunk';
import {
  inTransaction,
  migratedClient,
  StoreOptions,
  WriteOptions,
} from './client';
import {
  ProductIndexEntry,
  ProductIndexItem,
  ProductIndexStore,
  ProductQuery,
} from './ProductIndexStore';
import {
  IN_CHUNK,
  rowsPerInsert,
  toBoolean,
  toDate,
  toNumber,
  uniqueRefs,
} from './util';

/** A product_index row as written (personal_data as read: boolean, or 0/1 on SQLite). */
interface IndexRow {
  entity_ref: string;
  name: string;
  title: string | null;
  status: string | null;
  type: string | null;
  classification: string | null;
  personal_data: unknown;
  search_text: string;
}

const INDEX_COLUMNS = [
  'entity_ref',
  'name',
  'title',
  'status',
  'type',
  'classification',
  'personal_data',
  'search_text',
];

/** An explorer item's row: the index row joined with the latest scorecard. */
interface ProductIndexRow {
  entity_ref: string;
  name: string;
  title: string | null;
  domain_ref: string | null;
  owner_ref: string | null;
  status: string | null;
  type: string | null;
  classification: string | null;
  personal_data: unknown;
  score: number | string;
  level: string | null;
  compliant: unknown;
  evaluated_at: unknown;
}

const PRODUCT_COLUMNS = [
  'p.entity_ref',
  'p.name',
  'p.title',
  's.domain_ref',
  's.owner_ref',
  'p.status',
  'p.type',
  'p.classification',
  'p.personal_data',
  's.score',
  's.level',
  's.compliant',
  's.evaluated_at',
];

function toIndexRow(entry: ProductIndexEntry): IndexRow {
  return {
    entity_ref: entityRefKey(entry.entityRef),
    name: entry.name,
    title: entry.title ?? null,
    status: entry.status ?? null,
    type: entry.type ?? null,
    classification: entry.classification ?? null,
    personal_data: entry.personalData ?? null,
    search_text: (entry.searchText ?? entry.name).toLocaleLowerCase('en-US'),
  };
}

/** Whether a stored index row already holds these values. */
function sameIndexRow(stored: IndexRow | undefined, row: IndexRow): boolean {
  return (
    stored !== undefined &&
    stored.name === row.name &&
    stored.title === row.title &&
    stored.status === row.status &&
    stored.type === row.type &&
    stored.classification === row.classification &&
    (stored.personal_data === null
      ? row.personal_data === null
      : row.personal_data !== null &&
        toBoolean(stored.personal_data) === row.personal_data) &&
    stored.search_text === row.search_text
  );
}

function toProductIndexItem(row: ProductIndexRow): ProductIndexItem {
  return {
    entityRef: row.entity_ref,
    name: row.name,
    title: row.title,
    domainRef: row.domain_ref,
    ownerRef: row.owner_ref,
    status: row.status,
    type: row.type,
    classification: row.classification,
    personalData:
      row.personal_data === null ? null : toBoolean(row.personal_data),
    score: toNumber(row.score),
    level: row.level,
    compliant: toBoolean(row.compliant),
    evaluatedAt: toDate(row.evaluated_at),
  };
}

/** Escapes `%`, `_` and the escape character itself for a `like ... escape '\'` pattern. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, char => `\\${char}`);
}

/** The knex implementation of {@link ProductIndexStore}, on SQLite and PostgreSQL. */
export class DatabaseProductIndexStore implements ProductIndexStore {
  static async create(
    options: StoreOptions,
  ): Promise<DatabaseProductIndexStore> {
    return new DatabaseProductIndexStore(await migratedClient(options));
  }

  private readonly isPostgres: boolean;

  constructor(private readonly db: Knex) {
    this.isPostgres = db.client.dialect === 'postgresql';
  }

  async saveProducts(
    entries: ProductIndexEntry[],
    options?: WriteOptions,
  ): Promise<{ written: number }> {
    const rows = new Map(
      entries.map(entry => {
        const row = toIndexRow(entry);
        return [row.entity_ref, row];
      }),
    );
    if (rows.size === 0) {
      return { written: 0 };
    }
    return await inTransaction(this.db, options, async trx => {
      const stored = await this.readIndexRows(trx, [...rows.keys()]);
      const changed = [...rows.values()].filter(
        row => !sameIndexRow(stored.get(row.entity_ref), row),
      );
      for (const part of chunk(changed, rowsPerInsert(INDEX_COLUMNS.length))) {
        await trx('product_index')
          .insert(part)
          .onConflict('entity_ref')
          .merge(INDEX_COLUMNS.filter(column => column !== 'entity_ref'));
      }
      return { written: changed.length };
    });
  }

  /** The stored explorer index rows of the given products. */
  private async readIndexRows(
    trx: Knex.Transaction,
    refs: string[],
  ): Promise<Map<string, IndexRow>> {
    const result = new Map<string, IndexRow>();
    for (const part of chunk(refs, IN_CHUNK)) {
      const rows: IndexRow[] = await trx('product_index')
        .whereIn('entity_ref', part)
        .select(INDEX_COLUMNS);
      for (const row of rows) {
        result.set(row.entity_ref, row);
      }
    }
    return result;
  }

  async deleteProducts(
    entityRefs: string[],
    options?: WriteOptions,
  ): Promise<void> {
    const refs = uniqueRefs(entityRefs);
    if (refs.length === 0) {
      return;
    }
    await inTransaction(this.db, options, async trx => {
      for (const part of chunk(refs, IN_CHUNK)) {
        await trx('product_index').whereIn('entity_ref', part).delete();
      }
    });
  }

  async queryProducts(
    query: ProductQuery,
  ): Promise<{ items: ProductIndexItem[]; totalCount: number }> {
    const visible = query.entityRefs && uniqueRefs(query.entityRefs);
    if (visible && visible.length === 0) {
      return { items: [], totalCount: 0 };
    }
    const bool = (value: boolean) => (this.isPostgres ? value : Number(value));
    // Removed products (gone from the catalog, kept until purged) are not listed.
    const base = this.db('product_index as p')
      .join('scorecards as s', 's.entity_ref', 'p.entity_ref')
      .whereNull('s.removed_at');
    if (query.text) {
      const pattern = `%${escapeLike(query.text.toLocaleLowerCase('en-US'))}%`;
      base.whereRaw('p.search_text like ? escape ?', [pattern, '\\']);
    }
    const inList = (column: string, values: unknown[] | undefined) => {
      if (values?.length) base.whereIn(column, values as string[]);
    };
    inList('s.domain_ref', query.domainRefs && uniqueRefs(query.domainRefs));
    inList('s.owner_ref', query.ownerRefs && uniqueRefs(query.ownerRefs));
    inList('p.status', query.statuses);
    inList('p.type', query.types);
    inList('p.classification', query.classifications);
    inList('p.personal_data', query.personalData?.map(bool));
    inList('s.compliant', query.compliant?.map(bool));
    if (query.levels?.length) {
      const levels = query.levels.filter(level => level !== 'none');
      const none = levels.length < query.levels.length;
      base.where(inner => {
        if (levels.length) inner.whereIn('s.level', levels);
        if (none) inner.orWhereNull('s.level');
      });
    }
    const sort = query.sort ?? 'name';
    const direction = sort.startsWith('-') ? 'desc' : 'asc';
    const ordered = (q: Knex.QueryBuilder) =>
      (sort.endsWith('score')
        ? q.orderBy('s.score', direction).orderBy('p.name', 'asc')
        : q.orderBy('p.name', direction)
      ).orderBy('p.entity_ref', 'asc');

    // Visibility: up to IN_CHUNK refs fit one `in (...)` list, so filtering, counting and
    // paging all run in SQL. More (a catalog of thousands of readable products) would need
    // more bound parameters than SQLite allows in one statement: then SQL filters and sorts
    // and returns the matching refs only, the visible ones are kept here, and the page's rows
    // are read by ref (at most `limit` of them).
    if (!visible || visible.length <= IN_CHUNK) {
      if (visible) base.whereIn('p.entity_ref', visible);
      const [{ n }] = await base.clone().count({ n: '*' });
      const rows: ProductIndexRow[] = await ordered(
        base.clone().select(PRODUCT_COLUMNS),
      )
        .limit(query.limit)
        .offset(query.offset);
      return { items: rows.map(toProductIndexItem), totalCount: Number(n) };
    }
    const allowed = new Set(visible);
    const matching: Array<{ entity_ref: string }> = await ordered(
      base.clone().select('p.entity_ref'),
    );
    const refs = matching
      .map(row => row.entity_ref)
      .filter(ref => allowed.has(ref));
    const page = refs.slice(query.offset, query.offset + query.limit);
    const rows: ProductIndexRow[] = page.length
      ? await this.db('product_index as p')
          .join('scorecards as s', 's.entity_ref', 'p.entity_ref')
          .whereNull('s.removed_at')
          .whereIn('p.entity_ref', page)
          .select(PRODUCT_COLUMNS)
      : [];
    const byRef = new Map(rows.map(row => [row.entity_ref, row]));
    return {
      items: page
        .filter(ref => byRef.has(ref))
        .map(ref => toProductIndexItem(byRef.get(ref)!)),
      totalCount: refs.length,
    };
  }
}
