import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { ScorecardCheckResult } from '@datamesh-portal/plugin-data-mesh-common';
import { Knex } from 'knex';
import {
  DataMeshStore,
  FactObservation,
  FactValues,
  LatestFacts,
  SaveScorecardsResult,
  ScorecardChange,
  ScorecardHistoryItem,
  ScorecardRollup,
  ScorecardRollupOptions,
  ScorecardToSave,
  StoredFacts,
  StoredScorecard,
} from './DataMeshStore';

const migrationsDir = resolvePackagePath(
  '@datamesh-portal/plugin-data-mesh-backend',
  'migrations',
);

/**
 * Bound parameters per statement. SQLite builds before 3.32 allow at most 999; keeping every
 * statement under that keeps the store portable to any SQLite and far under PostgreSQL's 65535.
 */
const MAX_PARAMETERS = 999;
/** Refs per `where in (...)` list. */
const IN_CHUNK = 500;

const FACT_HISTORY_DEFAULT_LIMIT = 100;
const ROLLUP_WORST_DEFAULT = 5;

interface FactRow {
  entity_ref: string;
  source: string;
  facts: string;
  observed_at: unknown;
  received_at: unknown;
}

interface ScorecardRow {
  entity_ref: string;
  domain_ref: string | null;
  owner_ref: string | null;
  score: number | string;
  level: string | null;
  checks: string;
  evaluated_at: unknown;
}

function chunk<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    chunks.push(items.slice(i, i + size));
  }
  return chunks;
}

function rowsPerInsert(columns: number): number {
  return Math.max(1, Math.floor(MAX_PARAMETERS / columns));
}

function normalizeRef(ref: string): string {
  return ref.toLocaleLowerCase('en-US');
}

function uniqueRefs(refs: string[]): string[] {
  return [...new Set(refs.map(normalizeRef))];
}

/** PostgreSQL returns timestamptz as Date; better-sqlite3 returns the epoch milliseconds. */
function toDate(value: unknown): Date {
  if (value instanceof Date) {
    return value;
  }
  if (typeof value === 'number' || typeof value === 'bigint') {
    return new Date(Number(value));
  }
  if (typeof value === 'string') {
    return /^\d+$/.test(value) ? new Date(Number(value)) : new Date(value);
  }
  throw new Error(`Unexpected timestamp value in database: ${String(value)}`);
}

function assertDate(value: Date, what: string) {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new InputError(`${what} must be a valid date`);
  }
}

function toNumber(value: number | string): number {
  return typeof value === 'number' ? value : Number(value);
}

function toScorecard(row: ScorecardRow): StoredScorecard {
  return {
    entityRef: row.entity_ref,
    domainRef: row.domain_ref,
    ownerRef: row.owner_ref,
    score: toNumber(row.score),
    level: row.level,
    checks: JSON.parse(row.checks),
    evaluatedAt: toDate(row.evaluated_at),
  };
}

function compareRefs(a: string, b: string): number {
  if (a === b) {
    return 0;
  }
  return a < b ? -1 : 1;
}

function outcomesChanged(
  before: ScorecardCheckResult[],
  after: ScorecardCheckResult[],
): boolean {
  if (before.length !== after.length) {
    return true;
  }
  const outcomes = new Map(before.map(check => [check.id, check.outcome]));
  return after.some(check => outcomes.get(check.id) !== check.outcome);
}

/** The knex implementation of {@link DataMeshStore}, on SQLite and PostgreSQL. */
export class DatabaseDataMeshStore implements DataMeshStore {
  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
  }): Promise<DatabaseDataMeshStore> {
    const { database, skipMigrations } = options;
    const client = await database.getClient();
    if (!database.migrations?.skip && !skipMigrations) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    return new DatabaseDataMeshStore(client);
  }

  /** The directory of the knex migrations, for tests and tooling. */
  static readonly migrationsDirectory = migrationsDir;

  private constructor(private readonly db: Knex) {}

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
    const rows = observations.map(observation => {
      const { facts, observedAt, source } = observation;
      if (!facts || typeof facts !== 'object' || Array.isArray(facts)) {
        throw new InputError('Facts must be a JSON object');
      }
      assertDate(observedAt, 'observedAt');
      return {
        entity_ref: normalizeRef(observation.entityRef),
        source,
        facts: JSON.stringify(facts),
        observed_at: observedAt,
        received_at: receivedAt,
      };
    });

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
      .where({ entity_ref: normalizeRef(entityRef), source })
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

  async saveScorecards(
    results: ScorecardToSave[],
  ): Promise<SaveScorecardsResult> {
    // One result per product: the newest, later ones winning ties.
    const byRef = new Map<string, StoredScorecard>();
    for (const result of results) {
      assertDate(result.evaluatedAt, 'evaluatedAt');
      if (typeof result.score !== 'number' || !Number.isFinite(result.score)) {
        throw new InputError(`Score of ${result.entityRef} must be a number`);
      }
      const entityRef = normalizeRef(result.entityRef);
      const current = byRef.get(entityRef);
      if (
        !current ||
        result.evaluatedAt.getTime() >= current.evaluatedAt.getTime()
      ) {
        byRef.set(entityRef, {
          entityRef,
          domainRef: result.domainRef ? normalizeRef(result.domainRef) : null,
          ownerRef: result.ownerRef ? normalizeRef(result.ownerRef) : null,
          score: result.score,
          level: result.level ?? null,
          checks: result.checks,
          evaluatedAt: result.evaluatedAt,
        });
      }
    }
    if (byRef.size === 0) {
      return { saved: 0, changed: [], ignored: [] };
    }

    return await this.db.transaction(async trx => {
      const previous = new Map<string, StoredScorecard>();
      for (const refs of chunk([...byRef.keys()], IN_CHUNK)) {
        const rows: ScorecardRow[] = await trx('scorecards')
          .whereIn('entity_ref', refs)
          .select('*');
        for (const row of rows) {
          previous.set(row.entity_ref, toScorecard(row));
        }
      }

      const latestRows = [];
      const historyRows = [];
      const changed: ScorecardChange[] = [];
      const ignored: string[] = [];
      for (const result of byRef.values()) {
        const before = previous.get(result.entityRef);
        if (
          before &&
          before.evaluatedAt.getTime() > result.evaluatedAt.getTime()
        ) {
          ignored.push(result.entityRef);
          continue;
        }
        latestRows.push({
          entity_ref: result.entityRef,
          domain_ref: result.domainRef,
          owner_ref: result.ownerRef,
          score: result.score,
          level: result.level,
          checks: JSON.stringify(result.checks),
          evaluated_at: result.evaluatedAt,
        });
        if (
          !before ||
          before.score !== result.score ||
          before.level !== result.level ||
          outcomesChanged(before.checks, result.checks)
        ) {
          historyRows.push({
            entity_ref: result.entityRef,
            score: result.score,
            level: result.level,
            evaluated_at: result.evaluatedAt,
          });
          changed.push({
            entityRef: result.entityRef,
            previous: before
              ? { score: before.score, level: before.level }
              : undefined,
            current: { score: result.score, level: result.level },
          });
        }
      }

      for (const part of chunk(latestRows, rowsPerInsert(7))) {
        await trx('scorecards')
          .insert(part)
          .onConflict('entity_ref')
          .merge([
            'domain_ref',
            'owner_ref',
            'score',
            'level',
            'checks',
            'evaluated_at',
          ])
          .where(
            'scorecards.evaluated_at',
            '<=',
            trx.ref('excluded.evaluated_at'),
          );
      }
      for (const part of chunk(historyRows, rowsPerInsert(4))) {
        await trx('scorecard_history').insert(part);
      }
      return { saved: latestRows.length, changed, ignored };
    });
  }

  async getScorecard(entityRef: string): Promise<StoredScorecard | undefined> {
    const row: ScorecardRow | undefined = await this.db('scorecards')
      .where('entity_ref', normalizeRef(entityRef))
      .first();
    return row ? toScorecard(row) : undefined;
  }

  async getScorecards(
    entityRefs: string[],
  ): Promise<Map<string, StoredScorecard>> {
    const result = new Map<string, StoredScorecard>();
    for (const refs of chunk(uniqueRefs(entityRefs), IN_CHUNK)) {
      const rows: ScorecardRow[] = await this.db('scorecards')
        .whereIn('entity_ref', refs)
        .select('*');
      for (const row of rows) {
        result.set(row.entity_ref, toScorecard(row));
      }
    }
    return result;
  }

  async getScorecardHistory(
    entityRef: string,
    options?: { since?: Date; until?: Date; limit?: number },
  ): Promise<ScorecardHistoryItem[]> {
    const query = this.db('scorecard_history')
      .where('entity_ref', normalizeRef(entityRef))
      .select('score', 'level', 'evaluated_at');
    if (options?.since) {
      assertDate(options.since, 'since');
      query.where('evaluated_at', '>=', options.since);
    }
    if (options?.until) {
      assertDate(options.until, 'until');
      query.where('evaluated_at', '<=', options.until);
    }
    // Newest first so that a limit keeps the most recent points; reversed below.
    query.orderBy([
      { column: 'evaluated_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ]);
    if (options?.limit !== undefined) {
      query.limit(options.limit);
    }
    const rows: Array<{
      score: number | string;
      level: string | null;
      evaluated_at: unknown;
    }> = await query;
    return rows.reverse().map(row => ({
      evaluatedAt: toDate(row.evaluated_at),
      score: toNumber(row.score),
      level: row.level,
    }));
  }

  async getRollup(
    groupBy: 'domain' | 'owner',
    ref: string,
    options?: ScorecardRollupOptions,
  ): Promise<ScorecardRollup> {
    const column = groupBy === 'domain' ? 'domain_ref' : 'owner_ref';
    const worstLimit = options?.worstLimit ?? ROLLUP_WORST_DEFAULT;
    // Aggregated in the database, per chunk of visible refs, then merged here: nothing but
    // the counts, sums and a few worst rows of each chunk crosses the wire.
    const restrictions: Array<string[] | undefined> = options?.entityRefs
      ? chunk(uniqueRefs(options.entityRefs), IN_CHUNK)
      : [undefined];

    let products = 0;
    let total = 0;
    const levelCounts: Record<string, number> = {};
    let worst: ScorecardRollup['worst'] = [];
    for (const refs of restrictions) {
      const scope = (query: Knex.QueryBuilder) => {
        query.where(column, normalizeRef(ref));
        if (refs) {
          query.whereIn('entity_ref', refs);
        }
      };
      const levels: Array<{
        level: string | null;
        products: number | string;
        total: number | string | null;
      }> = await this.db('scorecards')
        .modify(scope)
        .select('level')
        .count('* as products')
        .sum('score as total')
        .groupBy('level');
      for (const row of levels) {
        const count = toNumber(row.products);
        const key = row.level ?? 'none';
        levelCounts[key] = (levelCounts[key] ?? 0) + count;
        products += count;
        total += toNumber(row.total ?? 0);
      }
      if (worstLimit > 0 && levels.length > 0) {
        const rows: Array<{
          entity_ref: string;
          score: number | string;
          level: string | null;
        }> = await this.db('scorecards')
          .modify(scope)
          .select('entity_ref', 'score', 'level')
          .orderBy([
            { column: 'score', order: 'asc' },
            { column: 'entity_ref', order: 'asc' },
          ])
          .limit(worstLimit);
        worst = worst.concat(
          rows.map(row => ({
            entityRef: row.entity_ref,
            score: toNumber(row.score),
            level: row.level,
          })),
        );
      }
    }
    worst.sort(
      (a, b) => a.score - b.score || compareRefs(a.entityRef, b.entityRef),
    );
    return {
      products,
      averageScore: products > 0 ? total / products : null,
      levelCounts,
      worst: worst.slice(0, worstLimit),
    };
  }

  async deleteScorecardsExcept(entityRefs: string[]): Promise<string[]> {
    const keep = new Set(entityRefs.map(normalizeRef));
    return await this.db.transaction(async trx => {
      const stored: Array<{ entity_ref: string }> = await trx(
        'scorecards',
      ).select('entity_ref');
      const gone = stored
        .map(row => row.entity_ref)
        .filter(ref => !keep.has(ref));
      for (const refs of chunk(gone, IN_CHUNK)) {
        await trx('scorecard_history').whereIn('entity_ref', refs).delete();
        await trx('scorecards').whereIn('entity_ref', refs).delete();
      }
      return gone;
    });
  }
}
