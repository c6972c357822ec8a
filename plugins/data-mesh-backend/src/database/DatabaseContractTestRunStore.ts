import { entityRefKey } from '@datamesh-portal/plugin-data-mesh-common';
import { randomUUID } from 'crypto';
import { Knex } from 'knex';
import chunk from 'lodash/chunk';
import {
  inTransaction,
  migratedClient,
  StoreOptions,
  WriteOptions,
} from './client';
import {
  ContractTestRunPoint,
  ContractTestRunStore,
  ContractTestRunToSave,
  ContractTestTrigger,
  StoredContractTestRun,
} from './ContractTestRunStore';
import { IN_CHUNK, rowsPerInsert, toDate, toNumber, uniqueRefs } from './util';

const TABLE = 'contract_test_runs';
const RETENTION_BATCH_DEFAULT = 1000;

interface RunRow {
  id: string;
  entity_ref: string;
  contract_ref: string;
  contract_id: string;
  contract_version: string | null;
  server: string | null;
  trigger: ContractTestTrigger;
  started_at: unknown;
  finished_at: unknown;
  passed: number | string;
  failed: number | string;
  errors: number | string;
  skipped: number | string;
  checks: string;
}

type PointRow = Pick<
  RunRow,
  | 'id'
  | 'contract_ref'
  | 'contract_version'
  | 'finished_at'
  | 'passed'
  | 'failed'
  | 'errors'
  | 'skipped'
>;

const POINT_COLUMNS = [
  'id',
  'contract_ref',
  'contract_version',
  'finished_at',
  'passed',
  'failed',
  'errors',
  'skipped',
];

function toPoint(row: PointRow): ContractTestRunPoint {
  return {
    id: row.id,
    contractRef: row.contract_ref,
    version: row.contract_version,
    finishedAt: toDate(row.finished_at),
    summary: {
      passed: toNumber(row.passed),
      failed: toNumber(row.failed),
      errors: toNumber(row.errors),
      skipped: toNumber(row.skipped),
    },
  };
}

function toRun(row: RunRow): StoredContractTestRun {
  const { summary, finishedAt } = toPoint(row);
  return {
    id: row.id,
    entityRef: row.entity_ref,
    contractRef: row.contract_ref,
    contractId: row.contract_id,
    version: row.contract_version,
    server: row.server,
    trigger: row.trigger,
    startedAt: toDate(row.started_at),
    finishedAt,
    summary,
    checks: JSON.parse(row.checks),
  };
}

/** The knex implementation of {@link ContractTestRunStore}, on SQLite and PostgreSQL. */
export class DatabaseContractTestRunStore implements ContractTestRunStore {
  static async create(
    options: StoreOptions,
  ): Promise<DatabaseContractTestRunStore> {
    return new DatabaseContractTestRunStore(await migratedClient(options));
  }

  constructor(private readonly db: Knex) {}

  /**
   * The runs with their rank among the runs of their product's contract, newest first
   * (1 is the latest), of the given products or of all.
   */
  private ranked(columns: string[], entityRefs?: string[]) {
    const query = this.db(TABLE).select(
      ...columns,
      this.db.raw(
        'row_number() over (partition by entity_ref, contract_ref order by finished_at desc, seq desc) as run_rank',
      ),
    );
    return entityRefs ? query.whereIn('entity_ref', entityRefs) : query;
  }

  async addRuns(
    runs: ContractTestRunToSave[],
    options?: WriteOptions,
  ): Promise<StoredContractTestRun[]> {
    const stored = runs.map(run => ({
      ...run,
      id: randomUUID(),
      entityRef: entityRefKey(run.entityRef),
      contractRef: entityRefKey(run.contractRef),
    }));
    const rows: RunRow[] = stored.map(run => ({
      id: run.id,
      entity_ref: run.entityRef,
      contract_ref: run.contractRef,
      contract_id: run.contractId,
      contract_version: run.version,
      server: run.server,
      trigger: run.trigger,
      started_at: run.startedAt,
      finished_at: run.finishedAt,
      ...run.summary,
      checks: JSON.stringify(run.checks),
    }));
    if (rows.length) {
      await inTransaction(this.db, options, async trx => {
        for (const part of chunk(rows, rowsPerInsert(14))) {
          await trx(TABLE).insert(part);
        }
      });
    }
    return stored;
  }

  async getRun(id: string): Promise<StoredContractTestRun | undefined> {
    const row: RunRow | undefined = await this.db(TABLE).where({ id }).first();
    return row && toRun(row);
  }

  async latestRuns(entityRef: string): Promise<StoredContractTestRun[]> {
    const rows: RunRow[] = await this.db
      .from(this.ranked(['*'], [entityRefKey(entityRef)]).as('r'))
      .where('run_rank', 1)
      .orderBy('contract_ref');
    return rows.map(toRun);
  }

  async runHistory(
    entityRef: string,
    options: { limit: number },
  ): Promise<ContractTestRunPoint[]> {
    const rows: Array<PointRow & { run_rank: number | string }> = await this.db
      .from(this.ranked(POINT_COLUMNS, [entityRefKey(entityRef)]).as('r'))
      .where('run_rank', '<=', options.limit)
      .orderBy([
        { column: 'contract_ref' },
        { column: 'run_rank', order: 'desc' },
      ]);
    return rows.map(toPoint);
  }

  async latestVersions(
    entityRefs: string[],
  ): Promise<Map<string, Map<string, string | null>>> {
    const versions = new Map<string, Map<string, string | null>>();
    for (const part of chunk(uniqueRefs(entityRefs), IN_CHUNK)) {
      const rows: Array<
        Pick<RunRow, 'entity_ref' | 'contract_ref' | 'contract_version'>
      > = await this.db
        .from(
          this.ranked(
            ['entity_ref', 'contract_ref', 'contract_version'],
            part,
          ).as('r'),
        )
        .where('run_rank', 1);
      for (const row of rows) {
        const ofProduct = versions.get(row.entity_ref) ?? new Map();
        ofProduct.set(row.contract_ref, row.contract_version);
        versions.set(row.entity_ref, ofProduct);
      }
    }
    return versions;
  }

  async deleteOldRuns(options: {
    finishedBefore: Date;
    keepPerContract: number;
    batchSize?: number;
  }): Promise<{ deleted: number }> {
    const batchSize = options.batchSize ?? RETENTION_BATCH_DEFAULT;
    let deleted = 0;
    for (;;) {
      const seqs: Array<number | string> = await this.db
        .from(this.ranked(['seq', 'finished_at']).as('r'))
        .where('finished_at', '<', options.finishedBefore)
        .orWhere('run_rank', '>', options.keepPerContract)
        .limit(batchSize)
        .pluck('seq');
      if (seqs.length === 0) break;
      deleted += await this.db(TABLE).whereIn('seq', seqs).delete();
      if (seqs.length < batchSize) break;
    }
    return { deleted };
  }
}
