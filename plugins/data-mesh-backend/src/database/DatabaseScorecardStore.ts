import {
  entityRefKey,
  RuleOutcome,
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
  SaveScorecardsResult,
  ScorecardChange,
  ScorecardHistoryItem,
  ScorecardRollup,
  ScorecardRollupOptions,
  ScorecardStore,
  ScorecardToSave,
  StoredScorecard,
} from './ScorecardStore';
import {
  compareRefs,
  IN_CHUNK,
  rowsPerInsert,
  toBoolean,
  toDate,
  toNumber,
  uniqueRefs,
} from './util';

const ROLLUP_WORST_DEFAULT = 5;
/** Columns of a scorecards row as written. */
const SCORECARD_COLUMNS = 11;

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
  /** JSON of the level cap, null when nothing holds the level. */
  level_cap: string | null;
  evaluated_at: unknown;
  /** Null while the product is in the catalog. */
  removed_at: unknown;
}

interface HistoryRow {
  entity_ref: string;
  score: number | string;
  level: string | null;
  compliant: unknown;
  evaluated_at: unknown;
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
    ...(row.level_cap ? { levelCap: JSON.parse(row.level_cap) } : {}),
    evaluatedAt: toDate(row.evaluated_at),
  };
}

function toHistoryItem(
  row: Omit<HistoryRow, 'entity_ref'>,
): ScorecardHistoryItem {
  return {
    evaluatedAt: toDate(row.evaluated_at),
    score: toNumber(row.score),
    level: row.level,
    compliant: toBoolean(row.compliant),
  };
}

function toRow(result: StoredScorecard) {
  return {
    entity_ref: result.entityRef,
    domain_ref: result.domainRef,
    owner_ref: result.ownerRef,
    score: result.score,
    level: result.level,
    checks: JSON.stringify(result.checks),
    compliant: result.compliant,
    policy_results: JSON.stringify(result.policyResults),
    level_cap: result.levelCap ? JSON.stringify(result.levelCap) : null,
    evaluated_at: result.evaluatedAt,
    // A saved result means the product is in the catalog: a removed one is restored.
    removed_at: null,
  };
}

/** Results of products in the catalog: not removed. */
function inCatalog(query: Knex.QueryBuilder) {
  return query.whereNull('scorecards.removed_at');
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

/** The knex implementation of {@link ScorecardStore}, on SQLite and PostgreSQL. */
export class DatabaseScorecardStore implements ScorecardStore {
  static async create(options: StoreOptions): Promise<DatabaseScorecardStore> {
    return new DatabaseScorecardStore(await migratedClient(options));
  }

  private readonly isPostgres: boolean;

  constructor(private readonly db: Knex) {
    this.isPostgres = db.client.dialect === 'postgresql';
  }

  async saveScorecards(
    results: ScorecardToSave[],
    options?: WriteOptions,
  ): Promise<SaveScorecardsResult> {
    // One result per product: the newest, later ones winning ties.
    const byRef = new Map<string, StoredScorecard>();
    for (const result of results) {
      const entityRef = entityRefKey(result.entityRef);
      const current = byRef.get(entityRef);
      if (
        !current ||
        result.evaluatedAt.getTime() >= current.evaluatedAt.getTime()
      ) {
        byRef.set(entityRef, {
          entityRef,
          domainRef: result.domainRef ? entityRefKey(result.domainRef) : null,
          ownerRef: result.ownerRef ? entityRefKey(result.ownerRef) : null,
          score: result.score,
          level: result.level ?? null,
          checks: result.checks,
          compliant: result.compliant,
          policyResults: result.policyResults,
          ...(result.levelCap ? { levelCap: result.levelCap } : {}),
          evaluatedAt: result.evaluatedAt,
        });
      }
    }
    if (byRef.size === 0) {
      return { saved: 0, changed: [], ignored: [] };
    }

    return await inTransaction(this.db, options, async trx => {
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
      for (const part of chunk(firstRows, rowsPerInsert(SCORECARD_COLUMNS))) {
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

      const latestRows = [];
      // Results equal to the stored ones, by evaluation time: only evaluated_at is written.
      const refreshed = new Map<number, string[]>();
      const historyRows = [];
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
          stored!.level_cap === row.level_cap &&
          stored!.removed_at === null &&
          stored!.domain_ref === row.domain_ref &&
          stored!.owner_ref === row.owner_ref
        ) {
          const at = result.evaluatedAt.getTime();
          refreshed.set(at, [...(refreshed.get(at) ?? []), result.entityRef]);
        } else {
          latestRows.push(row);
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

      for (const part of chunk(latestRows, rowsPerInsert(SCORECARD_COLUMNS))) {
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
            'level_cap',
            'evaluated_at',
            'removed_at',
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

  async getScorecard(entityRef: string): Promise<StoredScorecard | undefined> {
    const row: ScorecardRow | undefined = await this.db('scorecards')
      .where('entity_ref', entityRefKey(entityRef))
      .modify(inCatalog)
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
        .modify(inCatalog)
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
      .where('entity_ref', entityRefKey(entityRef))
      .modify(this.notRemoved)
      .select('score', 'level', 'compliant', 'evaluated_at');
    if (options?.since) {
      query.where('evaluated_at', '>=', options.since);
    }
    if (options?.until) {
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
    const rows: Array<Omit<HistoryRow, 'entity_ref'>> = await query;
    return rows.reverse().map(toHistoryItem);
  }

  async getScorecardHistories(
    entityRefs: string[],
    since: Date,
  ): Promise<Map<string, ScorecardHistoryItem[]>> {
    const result = new Map<string, ScorecardHistoryItem[]>();
    // Each chunk's refs are bound twice (points since, and the last point before).
    for (const refs of chunk(
      uniqueRefs(entityRefs),
      Math.floor(IN_CHUNK / 2),
    )) {
      // History is appended in evaluation order (older results are ignored on save), so the
      // highest id before `since` is a product's state at `since`.
      const rows: HistoryRow[] = await this.db('scorecard_history')
        .whereIn('entity_ref', refs)
        .modify(this.notRemoved)
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
        .select('entity_ref', 'score', 'level', 'compliant', 'evaluated_at')
        .orderBy([
          { column: 'evaluated_at', order: 'asc' },
          { column: 'id', order: 'asc' },
        ]);
      for (const row of rows) {
        const points = result.get(row.entity_ref) ?? [];
        points.push(toHistoryItem(row));
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
        inCatalog(query).where(column, entityRefKey(ref));
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

  /** History rows of products whose result is not removed. */
  private readonly notRemoved = (query: Knex.QueryBuilder) =>
    query.whereNotExists(
      this.db('scorecards as removed')
        .select(this.db.raw('1'))
        .whereRaw('removed.entity_ref = scorecard_history.entity_ref')
        .whereNotNull('removed.removed_at'),
    );

  async findScorecardsExcept(
    entityRefs: string[],
    options?: { evaluatedBefore?: Date },
  ): Promise<{ missing: string[]; total: number }> {
    const keep = new Set(entityRefs.map(ref => entityRefKey(ref)));
    const before = options?.evaluatedBefore;
    const stored: Array<{ entity_ref: string; evaluated_at: unknown }> =
      await this.db('scorecards')
        .modify(inCatalog)
        .select('entity_ref', 'evaluated_at')
        // In ref order, whichever index the database reads them by.
        .orderBy('entity_ref');
    return {
      missing: stored
        .filter(
          row =>
            !keep.has(row.entity_ref) &&
            (!before || toDate(row.evaluated_at).getTime() < before.getTime()),
        )
        .map(row => row.entity_ref),
      total: stored.length,
    };
  }

  async removeScorecards(
    entityRefs: string[],
    options: { at: Date; evaluatedBefore?: Date } & WriteOptions,
  ): Promise<string[]> {
    const { at, evaluatedBefore } = options;
    return await inTransaction(this.db, options, async trx => {
      const removed: string[] = [];
      for (const refs of chunk(uniqueRefs(entityRefs), IN_CHUNK)) {
        const rows: Array<{ entity_ref: string }> = await trx('scorecards')
          .whereIn('entity_ref', refs)
          .modify(inCatalog)
          .modify(query => {
            if (evaluatedBefore) {
              query.where('evaluated_at', '<', evaluatedBefore);
            }
          })
          .update({ removed_at: at })
          .returning('entity_ref');
        removed.push(...rows.map(row => row.entity_ref));
      }
      return removed.sort(compareRefs);
    });
  }

  async purgeRemovedScorecards(
    removedBefore: Date,
    options?: WriteOptions,
  ): Promise<string[]> {
    return await inTransaction(this.db, options, async trx => {
      const refs: string[] = await trx('scorecards')
        .where('removed_at', '<', removedBefore)
        .orderBy('entity_ref')
        .pluck('entity_ref');
      for (const part of chunk(refs, IN_CHUNK)) {
        await trx('scorecard_history').whereIn('entity_ref', part).delete();
        await trx('scorecards').whereIn('entity_ref', part).delete();
      }
      return refs;
    });
  }
}
