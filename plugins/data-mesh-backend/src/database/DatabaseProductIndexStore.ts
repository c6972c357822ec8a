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
  ReadCondition,
  SearchRow,
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
  /** Hash of the product's search rows; null when it has none. */
  search_hash: string | null;
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
  'search_hash',
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
    search_hash: entry.search?.version ?? null,
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
    stored.search_text === row.search_text &&
    stored.search_hash === row.search_hash
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
    const rows = new Map<string, IndexRow>();
    const searchRows = new Map<string, () => SearchRow[]>();
    for (const entry of entries) {
      const row = toIndexRow(entry);
      rows.set(row.entity_ref, row);
      searchRows.set(row.entity_ref, () => entry.search?.rows() ?? []);
    }
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
      // Search rows only of products whose rows changed (their version says which): the
      // others' rows are not even computed.
      const searchChanged = changed
        .filter(
          row => stored.get(row.entity_ref)?.search_hash !== row.search_hash,
        )
        .map(row => row.entity_ref);
      for (const part of chunk(searchChanged, IN_CHUNK)) {
        await trx('product_search').whereIn('entity_ref', part).delete();
      }
      const inserts = searchChanged.flatMap(ref =>
        searchRows.get(ref)!().map(({ key, value }) => ({
          entity_ref: ref,
          key,
          value,
        })),
      );
      for (const part of chunk(inserts, rowsPerInsert(3))) {
        await trx('product_search').insert(part);
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
        await trx('product_search').whereIn('entity_ref', part).delete();
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
    const base = this.listed(query.readable);
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
      ? await this.listed(query.readable)
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

  async listRefs(
    readable?: ReadCondition,
    group?: { by: 'domain' | 'owner'; ref: string },
  ): Promise<string[]> {
    const query = this.listed(readable).select('p.entity_ref');
    if (group) {
      query.where(
        group.by === 'domain' ? 's.domain_ref' : 's.owner_ref',
        entityRefKey(group.ref),
      );
    }
    const rows: Array<{ entity_ref: string }> = await query;
    return rows.map(row => row.entity_ref);
  }

  async countListed(): Promise<number> {
    const [row] = await this.listed(undefined).count({ count: '*' });
    return Number(row.count);
  }

  /**
   * The listed products (an index row and a result not removed, as the explorer lists them)
   * matching `readable`. A product indexed before its search rows were (search_hash null)
   * matches no condition until it is evaluated again: unknown is not readable.
   */
  private listed(readable: ReadCondition | undefined): Knex.QueryBuilder {
    const query = this.db('product_index as p')
      .join('scorecards as s', 's.entity_ref', 'p.entity_ref')
      .whereNull('s.removed_at');
    if (readable) {
      query
        .whereNotNull('p.search_hash')
        .where(inner => this.whereReadable(inner, readable));
    }
    return query;
  }

  /**
   * A read condition in SQL, as the catalog applies its rules' queries to its search table: a
   * leaf is an `exists` of a search row with the key (and one of the values), both lowercase;
   * an empty allOf is true, an empty anyOf false.
   */
  private whereReadable(
    query: Knex.QueryBuilder,
    condition: ReadCondition,
  ): void {
    if ('allOf' in condition || 'anyOf' in condition) {
      const all = 'allOf' in condition;
      const children = all ? condition.allOf : condition.anyOf;
      if (children.length === 0) {
        query.whereRaw(all ? '1 = 1' : '1 = 0');
        return;
      }
      for (const child of children) {
        const nested = (inner: Knex.QueryBuilder) =>
          this.whereReadable(inner, child);
        if (all) query.andWhere(nested);
        else query.orWhere(nested);
      }
      return;
    }
    if ('not' in condition) {
      query.whereNot(inner => this.whereReadable(inner, condition.not));
      return;
    }
    const rows = this.db('product_search as ps')
      .select(this.db.raw('1'))
      .whereRaw('?? = ??', ['ps.entity_ref', 'p.entity_ref'])
      .where('ps.key', condition.key.toLocaleLowerCase('en-US'));
    if (condition.values) {
      rows.whereIn(
        'ps.value',
        condition.values.map(value => value.toLocaleLowerCase('en-US')),
      );
    }
    query.whereExists(rows);
  }
}
