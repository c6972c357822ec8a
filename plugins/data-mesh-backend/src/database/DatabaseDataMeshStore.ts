import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  RuleOutcome,
  WaiverStatus,
} from '@datamesh-portal/plugin-data-mesh-common';
import { createHash, randomUUID } from 'crypto';
import { Knex } from 'knex';
import {
  DataMeshStore,
  FactObservation,
  FactValues,
  LatestFacts,
  ProductIndexFields,
  ProductIndexItem,
  ProductQuery,
  SaveScorecardsResult,
  ScorecardChange,
  ScorecardHistoryItem,
  ScorecardRollup,
  ScorecardRollupOptions,
  ScorecardToSave,
  StoredFacts,
  StoredScorecard,
  StoredWaiver,
  StoredWaiverEvent,
  WaiverDecision,
  WaiverFilter,
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
const WAIVER_LIST_DEFAULT_LIMIT = 500;

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
  /** Boolean on PostgreSQL, 0/1 on SQLite. */
  compliant: unknown;
  policy_results: string;
  evaluated_at: unknown;
}

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

/** Columns of an explorer item: the index row joined with the latest scorecard. */
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

interface WaiverRow {
  id: string;
  entity_ref: string;
  policy_id: string;
  reason: string;
  status: WaiverStatus;
  requested_by: string;
  requested_at: unknown;
  expires_at: unknown;
  decided_by: string | null;
  decided_at: unknown;
  decision_comment: string | null;
  expiry_notified_at: unknown;
}

interface WaiverEventRow {
  id: number | string;
  waiver_id: string;
  action: StoredWaiverEvent['action'];
  actor: string;
  at: unknown;
  comment: string | null;
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

/** PostgreSQL returns booleans; SQLite stores them as 0/1. */
function toBoolean(value: unknown): boolean {
  if (typeof value === 'boolean') {
    return value;
  }
  if (typeof value === 'number' || typeof value === 'bigint') {
    return Number(value) !== 0;
  }
  if (typeof value === 'string') {
    return ['1', 't', 'true'].includes(value.toLocaleLowerCase('en-US'));
  }
  throw new Error(`Unexpected boolean value in database: ${String(value)}`);
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
    compliant: toBoolean(row.compliant),
    policyResults: JSON.parse(row.policy_results),
    evaluatedAt: toDate(row.evaluated_at),
  };
}

function toWaiver(row: WaiverRow): StoredWaiver {
  const waiver: StoredWaiver = {
    id: row.id,
    entityRef: row.entity_ref,
    policyId: row.policy_id,
    reason: row.reason,
    status: row.status,
    requestedBy: row.requested_by,
    requestedAt: toDate(row.requested_at),
    expiresAt: toDate(row.expires_at),
  };
  if (row.decided_by !== null) {
    waiver.decidedBy = row.decided_by;
  }
  if (row.decided_at !== null) {
    waiver.decidedAt = toDate(row.decided_at);
  }
  if (row.decision_comment !== null) {
    waiver.decisionComment = row.decision_comment;
  }
  if (row.expiry_notified_at !== null) {
    waiver.expiryNotifiedAt = toDate(row.expiry_notified_at);
  }
  return waiver;
}

function toWaiverEvent(row: WaiverEventRow): StoredWaiverEvent {
  return {
    waiverId: row.waiver_id,
    action: row.action,
    actor: row.actor,
    at: toDate(row.at),
    ...(row.comment !== null ? { comment: row.comment } : {}),
  };
}

/** A 64-bit PostgreSQL advisory lock key (as a decimal string) for a name. */
function advisoryLockKey(name: string): string {
  return createHash('sha256')
    .update(name)
    .digest()
    .readBigInt64BE(0)
    .toString();
}

/** Most recently requested first, then by id, as {@link DataMeshStore.listWaivers} returns. */
function compareWaivers(a: StoredWaiver, b: StoredWaiver): number {
  return (
    b.requestedAt.getTime() - a.requestedAt.getTime() || compareRefs(b.id, a.id)
  );
}

function compareRefs(a: string, b: string): number {
  if (a === b) {
    return 0;
  }
  return a < b ? -1 : 1;
}

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

/** Whether any check or policy outcome changed, matched by id. */
function outcomesChanged(
  before: Array<{ id: string; outcome: RuleOutcome }>,
  after: Array<{ id: string; outcome: RuleOutcome }>,
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

  private readonly isPostgres: boolean;

  private constructor(private readonly db: Knex) {
    this.isPostgres = db.client.dialect === 'postgresql';
  }

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
    const indexByRef = new Map<string, ProductIndexFields | undefined>();
    for (const result of results) {
      assertDate(result.evaluatedAt, 'evaluatedAt');
      if (typeof result.score !== 'number' || !Number.isFinite(result.score)) {
        throw new InputError(`Score of ${result.entityRef} must be a number`);
      }
      if (typeof result.compliant !== 'boolean') {
        throw new InputError(
          `Compliance of ${result.entityRef} must be a boolean`,
        );
      }
      if (!Array.isArray(result.policyResults)) {
        throw new InputError(
          `Policy results of ${result.entityRef} must be an array`,
        );
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
          compliant: result.compliant,
          policyResults: result.policyResults,
          evaluatedAt: result.evaluatedAt,
        });
        indexByRef.set(entityRef, result.index);
      }
    }
    if (byRef.size === 0) {
      return { saved: 0, changed: [], ignored: [] };
    }
    const toRow = (result: StoredScorecard) => ({
      entity_ref: result.entityRef,
      domain_ref: result.domainRef,
      owner_ref: result.ownerRef,
      score: result.score,
      level: result.level,
      checks: JSON.stringify(result.checks),
      compliant: result.compliant,
      policy_results: JSON.stringify(result.policyResults),
      evaluated_at: result.evaluatedAt,
    });

    return await this.db.transaction(async trx => {
      // The stored results, locked on PostgreSQL until the end of the transaction so that a
      // concurrent save of the same products waits and then compares with what this one
      // wrote: a transition is reported once. Sorted, so that savers lock in the same order.
      const refs = [...byRef.keys()].sort(compareRefs);
      const previous = await this.readScorecardsForUpdate(trx, refs);
      // Each result's row, serialised once: compared with the stored row as text below.
      const rowsByRef = new Map(refs.map(ref => [ref, toRow(byRef.get(ref)!)]));

      // Products without a stored result: insert theirs unless a concurrent save inserted
      // one first (PostgreSQL makes this insert wait for that save's commit). Those that
      // lost the race are compared with the winner's result, locked, like the others.
      const firstRows = refs
        .filter(ref => !previous.has(ref))
        .map(ref => rowsByRef.get(ref)!);
      const inserted = new Set<string>();
      for (const part of chunk(firstRows, rowsPerInsert(9))) {
        const rows: Array<{ entity_ref: string }> = await trx('scorecards')
          .insert(part)
          .onConflict('entity_ref')
          .ignore()
          .returning('entity_ref');
        for (const row of rows) {
          inserted.add(row.entity_ref);
        }
      }
      const lost = firstRows
        .map(row => row.entity_ref)
        .filter(ref => !inserted.has(ref));
      for (const [ref, stored] of await this.readScorecardsForUpdate(
        trx,
        lost,
      )) {
        previous.set(ref, stored);
      }
      // The stored index rows, so that unchanged ones are not rewritten on every pass.
      const storedIndex = await this.readIndexRows(
        trx,
        refs.filter(ref => indexByRef.get(ref)),
      );

      const latestRows = [];
      // Results equal to the stored ones, by evaluation time: only evaluated_at is written.
      const refreshed = new Map<number, string[]>();
      const historyRows = [];
      const indexRows = [];
      const changed: ScorecardChange[] = [];
      const ignored: string[] = [];
      for (const result of byRef.values()) {
        const row = rowsByRef.get(result.entityRef)!;
        const stored = previous.get(result.entityRef);
        const before = stored && {
          score: toNumber(stored.score),
          level: stored.level,
          compliant: toBoolean(stored.compliant),
          evaluatedAt: toDate(stored.evaluated_at),
        };
        if (
          before &&
          before.evaluatedAt.getTime() > result.evaluatedAt.getTime()
        ) {
          ignored.push(result.entityRef);
          continue;
        }
        const sameChecks = stored?.checks === row.checks;
        const samePolicies = stored?.policy_results === row.policy_results;
        const sameScalars =
          before !== undefined &&
          before.score === result.score &&
          before.level === result.level &&
          before.compliant === result.compliant;
        if (inserted.has(result.entityRef)) {
          // Written by the insert above.
        } else if (
          sameScalars &&
          sameChecks &&
          samePolicies &&
          stored!.domain_ref === row.domain_ref &&
          stored!.owner_ref === row.owner_ref
        ) {
          const at = result.evaluatedAt.getTime();
          refreshed.set(at, [...(refreshed.get(at) ?? []), result.entityRef]);
        } else {
          latestRows.push(row);
        }
        const index = indexByRef.get(result.entityRef);
        if (index) {
          const indexRow = {
            entity_ref: result.entityRef,
            name: index.name,
            title: index.title ?? null,
            status: index.status ?? null,
            type: index.type ?? null,
            classification: index.classification ?? null,
            personal_data: index.personalData ?? null,
            search_text: (index.searchText ?? index.name).toLocaleLowerCase(
              'en-US',
            ),
          };
          if (!sameIndexRow(storedIndex.get(result.entityRef), indexRow)) {
            indexRows.push(indexRow);
          }
        }
        // Outcomes are compared by id only when the stored text differs (messages may).
        if (
          !before ||
          !sameScalars ||
          (!sameChecks &&
            outcomesChanged(JSON.parse(stored!.checks), result.checks)) ||
          (!samePolicies &&
            outcomesChanged(
              JSON.parse(stored!.policy_results),
              result.policyResults,
            ))
        ) {
          historyRows.push({
            entity_ref: result.entityRef,
            score: result.score,
            level: result.level,
            compliant: result.compliant,
            evaluated_at: result.evaluatedAt,
          });
          changed.push({
            entityRef: result.entityRef,
            previous: before
              ? {
                  score: before.score,
                  level: before.level,
                  compliant: before.compliant,
                }
              : undefined,
            current: {
              score: result.score,
              level: result.level,
              compliant: result.compliant,
            },
          });
        }
      }

      for (const part of chunk(latestRows, rowsPerInsert(9))) {
        await trx('scorecards')
          .insert(part)
          .onConflict('entity_ref')
          .merge([
            'domain_ref',
            'owner_ref',
            'score',
            'level',
            'checks',
            'compliant',
            'policy_results',
            'evaluated_at',
          ])
          .where(
            'scorecards.evaluated_at',
            '<=',
            trx.ref('excluded.evaluated_at'),
          );
      }
      let refreshedCount = 0;
      for (const [at, atRefs] of refreshed) {
        const evaluatedAt = new Date(at);
        for (const part of chunk(atRefs, IN_CHUNK)) {
          refreshedCount += await trx('scorecards')
            .whereIn('entity_ref', part)
            .where('evaluated_at', '<=', evaluatedAt)
            .update({ evaluated_at: evaluatedAt });
        }
      }
      for (const part of chunk(historyRows, rowsPerInsert(5))) {
        await trx('scorecard_history').insert(part);
      }
      for (const part of chunk(indexRows, rowsPerInsert(8))) {
        await trx('product_index')
          .insert(part)
          .onConflict('entity_ref')
          .merge([
            'name',
            'title',
            'status',
            'type',
            'classification',
            'personal_data',
            'search_text',
          ]);
      }
      return {
        saved: latestRows.length + inserted.size + refreshedCount,
        changed,
        ignored,
      };
    });
  }

  /**
   * The stored results of the given products (sorted refs), row-locked on PostgreSQL until
   * the end of the transaction. SQLite serialises writing transactions already.
   */
  private async readScorecardsForUpdate(
    trx: Knex.Transaction,
    sortedRefs: string[],
  ): Promise<Map<string, ScorecardRow>> {
    const result = new Map<string, ScorecardRow>();
    for (const refs of chunk(sortedRefs, IN_CHUNK)) {
      const query = trx('scorecards')
        .whereIn('entity_ref', refs)
        .orderBy('entity_ref')
        .select('*');
      if (this.isPostgres) {
        query.forUpdate();
      }
      const rows: ScorecardRow[] = await query;
      for (const row of rows) {
        result.set(row.entity_ref, row);
      }
    }
    return result;
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
      .select('score', 'level', 'compliant', 'evaluated_at');
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
      compliant: unknown;
      evaluated_at: unknown;
    }> = await query;
    return rows.reverse().map(row => ({
      evaluatedAt: toDate(row.evaluated_at),
      score: toNumber(row.score),
      level: row.level,
      compliant: toBoolean(row.compliant),
    }));
  }

  async getScorecardHistories(
    entityRefs: string[],
    since: Date,
  ): Promise<Map<string, ScorecardHistoryItem[]>> {
    assertDate(since, 'since');
    const result = new Map<string, ScorecardHistoryItem[]>();
    const columns = [
      'entity_ref',
      'score',
      'level',
      'compliant',
      'evaluated_at',
    ];
    // Each chunk's refs are bound twice (points since, and the last point before).
    for (const refs of chunk(
      uniqueRefs(entityRefs),
      Math.floor(IN_CHUNK / 2),
    )) {
      // History is appended in evaluation order (older results are ignored on save), so the
      // highest id before `since` is a product's state at `since`.
      const rows: Array<{
        entity_ref: string;
        score: number | string;
        level: string | null;
        compliant: unknown;
        evaluated_at: unknown;
      }> = await this.db('scorecard_history')
        .whereIn('entity_ref', refs)
        .where(inner =>
          inner
            .where('evaluated_at', '>=', since)
            .orWhereIn(
              'id',
              this.db('scorecard_history')
                .max('id')
                .whereIn('entity_ref', refs)
                .where('evaluated_at', '<', since)
                .groupBy('entity_ref'),
            ),
        )
        .select(columns)
        .orderBy([
          { column: 'evaluated_at', order: 'asc' },
          { column: 'id', order: 'asc' },
        ]);
      for (const row of rows) {
        const points = result.get(row.entity_ref) ?? [];
        points.push({
          evaluatedAt: toDate(row.evaluated_at),
          score: toNumber(row.score),
          level: row.level,
          compliant: toBoolean(row.compliant),
        });
        result.set(row.entity_ref, points);
      }
    }
    return result;
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
    let compliant = 0;
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
        compliant: number | string | null;
      }> = await this.db('scorecards')
        .modify(scope)
        .select(
          'level',
          // Booleans are 0/1 on SQLite; PostgreSQL cannot sum them directly.
          this.db.raw('sum(case when ?? then 1 else 0 end) as ??', [
            'compliant',
            'compliant',
          ]),
        )
        .count('* as products')
        .sum('score as total')
        .groupBy('level');
      for (const row of levels) {
        const count = toNumber(row.products);
        const key = row.level ?? 'none';
        levelCounts[key] = (levelCounts[key] ?? 0) + count;
        products += count;
        total += toNumber(row.total ?? 0);
        compliant += toNumber(row.compliant ?? 0);
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
      compliant,
    };
  }

  async queryProducts(
    query: ProductQuery,
  ): Promise<{ items: ProductIndexItem[]; totalCount: number }> {
    const visible = query.entityRefs && uniqueRefs(query.entityRefs);
    if (visible && visible.length === 0) {
      return { items: [], totalCount: 0 };
    }
    const bool = (value: boolean) => (this.isPostgres ? value : Number(value));
    const base = this.db('product_index as p').join(
      'scorecards as s',
      's.entity_ref',
      'p.entity_ref',
    );
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

  async deleteScorecardsExcept(
    entityRefs: string[],
    options?: { evaluatedBefore?: Date },
  ): Promise<string[]> {
    const keep = new Set(entityRefs.map(normalizeRef));
    const before = options?.evaluatedBefore;
    if (before) assertDate(before, 'evaluatedBefore');
    return await this.db.transaction(async trx => {
      const stored: Array<{ entity_ref: string }> = await trx('scorecards')
        .modify(query => {
          if (before) query.where('evaluated_at', '<', before);
        })
        .select('entity_ref');
      const gone = stored
        .map(row => row.entity_ref)
        .filter(ref => !keep.has(ref));
      for (const refs of chunk(gone, IN_CHUNK)) {
        await trx('scorecard_history').whereIn('entity_ref', refs).delete();
        await trx('product_index').whereIn('entity_ref', refs).delete();
        await trx('scorecards').whereIn('entity_ref', refs).delete();
      }
      return gone;
    });
  }

  async createWaiver(request: {
    entityRef: string;
    policyId: string;
    reason: string;
    expiresAt: Date;
    requestedBy: string;
    requestedAt: Date;
  }): Promise<StoredWaiver> {
    assertDate(request.requestedAt, 'requestedAt');
    assertDate(request.expiresAt, 'expiresAt');
    if (request.expiresAt.getTime() <= request.requestedAt.getTime()) {
      throw new InputError('A waiver must expire after it is requested');
    }
    const entityRef = normalizeRef(request.entityRef);
    const { policyId, requestedAt } = request;
    const row: WaiverRow = {
      id: randomUUID(),
      entity_ref: entityRef,
      policy_id: policyId,
      reason: request.reason,
      status: 'pending',
      requested_by: normalizeRef(request.requestedBy),
      requested_at: requestedAt,
      expires_at: request.expiresAt,
      decided_by: null,
      decided_at: null,
      decision_comment: null,
      expiry_notified_at: null,
    };

    return await this.db.transaction(async trx => {
      if (this.isPostgres) {
        // There is no row to lock yet: serialise requests for the same product and policy
        // so that two concurrent ones cannot both pass the check below.
        await trx.raw('select pg_advisory_xact_lock(?::bigint)', [
          advisoryLockKey(`waiver\u0000${entityRef}\u0000${policyId}`),
        ]);
      }
      const existing: WaiverRow | undefined = await trx('waivers')
        .where({ entity_ref: entityRef, policy_id: policyId })
        .where(query =>
          query
            .where('status', 'pending')
            .orWhere(approved =>
              approved
                .where('status', 'approved')
                .where('expires_at', '>', requestedAt),
            ),
        )
        .orderBy('requested_at', 'desc')
        .first();
      if (existing) {
        const state =
          existing.status === 'pending'
            ? 'is pending'
            : `is approved until ${toDate(existing.expires_at).toISOString()}`;
        throw new ConflictError(
          `Waiver ${existing.id} of policy ${policyId} for ${entityRef} ${state}; a new waiver can only be requested after it is rejected, revoked or expired`,
        );
      }
      await trx('waivers').insert(row);
      await trx('waiver_events').insert({
        waiver_id: row.id,
        action: 'requested',
        actor: row.requested_by,
        at: requestedAt,
        comment: null,
      });
      return toWaiver(row);
    });
  }

  async decideWaiver(
    id: string,
    decision: WaiverDecision,
  ): Promise<StoredWaiver> {
    const { action, at } = decision;
    if (!['approve', 'reject', 'revoke'].includes(action)) {
      throw new InputError(`Unknown waiver decision ${String(action)}`);
    }
    assertDate(at, 'at');
    const actor = normalizeRef(decision.actor);
    const comment = decision.comment ?? null;

    return await this.db.transaction(async trx => {
      const query = trx('waivers').where('id', id).first();
      if (this.isPostgres) {
        query.forUpdate();
      }
      const row: WaiverRow | undefined = await query;
      if (!row) {
        throw new NotFoundError(`Waiver ${id} not found`);
      }
      let status: WaiverStatus;
      if (action === 'revoke') {
        if (row.status !== 'approved') {
          throw new ConflictError(
            `Waiver ${id} is ${row.status}; only an approved waiver can be revoked`,
          );
        }
        const expiresAt = toDate(row.expires_at);
        if (expiresAt.getTime() <= at.getTime()) {
          throw new ConflictError(
            `Waiver ${id} expired at ${expiresAt.toISOString()}; only an unexpired waiver can be revoked`,
          );
        }
        status = 'revoked';
      } else {
        status = action === 'approve' ? 'approved' : 'rejected';
        if (row.status !== 'pending') {
          throw new ConflictError(
            `Waiver ${id} is ${row.status}; only a pending waiver can be ${status}`,
          );
        }
      }

      const changes = {
        status,
        decided_by: actor,
        decided_at: at,
        decision_comment: comment,
      };
      await trx('waivers').where('id', id).update(changes);
      await trx('waiver_events').insert({
        waiver_id: id,
        action: status,
        actor,
        at,
        comment,
      });
      return toWaiver({ ...row, ...changes });
    });
  }

  async getWaiver(id: string): Promise<StoredWaiver | undefined> {
    const row: WaiverRow | undefined = await this.db('waivers')
      .where('id', id)
      .first();
    return row ? toWaiver(row) : undefined;
  }

  async getWaiverEvents(id: string): Promise<StoredWaiverEvent[]> {
    const rows: WaiverEventRow[] = await this.db('waiver_events')
      .where('waiver_id', id)
      .orderBy([
        { column: 'at', order: 'asc' },
        { column: 'id', order: 'asc' },
      ])
      .select('*');
    return rows.map(toWaiverEvent);
  }

  async listWaivers(filter?: WaiverFilter): Promise<StoredWaiver[]> {
    const limit = filter?.limit ?? WAIVER_LIST_DEFAULT_LIMIT;
    if (filter?.expiresBefore) {
      assertDate(filter.expiresBefore, 'expiresBefore');
    }
    if (
      limit <= 0 ||
      filter?.entityRefs?.length === 0 ||
      filter?.statuses?.length === 0
    ) {
      return [];
    }
    // Per chunk of refs, each with the limit, then merged: the first `limit` of the union
    // are among them.
    const restrictions: Array<string[] | undefined> = filter?.entityRefs
      ? chunk(uniqueRefs(filter.entityRefs), IN_CHUNK)
      : [undefined];
    let waivers: StoredWaiver[] = [];
    for (const refs of restrictions) {
      const query = this.db('waivers');
      if (refs) {
        query.whereIn('entity_ref', refs);
      }
      if (filter?.statuses) {
        query.whereIn('status', [...new Set(filter.statuses)]);
      }
      if (filter?.expiresBefore) {
        query.where('expires_at', '<=', filter.expiresBefore);
      }
      const rows: WaiverRow[] = await query
        .orderBy([
          { column: 'requested_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .limit(limit)
        .select('*');
      waivers = waivers.concat(rows.map(toWaiver));
    }
    if (restrictions.length > 1) {
      waivers.sort(compareWaivers);
    }
    return waivers.slice(0, limit);
  }

  async expireWaivers(now: Date): Promise<StoredWaiver[]> {
    assertDate(now, 'now');
    return await this.claimWaivers(
      query => query.where('status', 'approved').where('expires_at', '<=', now),
      { status: 'expired' },
      { action: 'expired', actor: 'system', at: now },
    );
  }

  async claimExpiryReminders(now: Date, before: Date): Promise<StoredWaiver[]> {
    assertDate(now, 'now');
    assertDate(before, 'before');
    return await this.claimWaivers(
      query =>
        query
          .where('status', 'approved')
          .where('expires_at', '>', now)
          .where('expires_at', '<=', before)
          .whereNull('expiry_notified_at'),
      { expiry_notified_at: now },
    );
  }

  /**
   * Updates the waivers matching `condition` and returns them as updated, each to one caller
   * only: on PostgreSQL the candidates are row-locked, so a concurrent claim waits, then
   * re-checks the condition on the updated rows and skips them; SQLite serialises writing
   * transactions. Adds the given audit event per waiver, if any.
   */
  private async claimWaivers(
    condition: (query: Knex.QueryBuilder) => Knex.QueryBuilder,
    changes: Partial<Pick<WaiverRow, 'status' | 'expiry_notified_at'>>,
    event?: Pick<StoredWaiverEvent, 'action' | 'actor' | 'at'>,
  ): Promise<StoredWaiver[]> {
    return await this.db.transaction(async trx => {
      const query = trx('waivers')
        .modify(condition)
        .orderBy([
          { column: 'expires_at', order: 'asc' },
          { column: 'id', order: 'asc' },
        ])
        .select('*');
      if (this.isPostgres) {
        query.forUpdate();
      }
      const rows: WaiverRow[] = await query;
      for (const part of chunk(rows, IN_CHUNK)) {
        const ids = part.map(row => row.id);
        const updated = await trx('waivers')
          .whereIn('id', ids)
          .modify(condition)
          .update(changes);
        if (updated !== ids.length) {
          // Cannot happen with the locks above; roll back rather than claim twice.
          throw new ConflictError(
            'Waivers changed concurrently while being claimed; try again',
          );
        }
      }
      if (event) {
        const eventRows = rows.map(row => ({
          waiver_id: row.id,
          action: event.action,
          actor: event.actor,
          at: event.at,
          comment: null,
        }));
        for (const part of chunk(eventRows, rowsPerInsert(5))) {
          await trx('waiver_events').insert(part);
        }
      }
      return rows.map(row => toWaiver({ ...row, ...changes }));
    });
  }
}
