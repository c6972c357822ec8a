import {
  ContractCheckResult,
  ContractTestSummary,
} from '@datamesh-portal/plugin-data-mesh-common';
import { WriteOptions } from './client';

/** What started a contract test run. */
export type ContractTestTrigger = 'schedule' | 'new' | 'manual';

/** One contract of a data product tested on its data server, as stored. */
export interface ContractTestRunToSave {
  /** The product; the store lowercases it. */
  entityRef: string;
  /** The API entity holding the contract; the store lowercases it. */
  contractRef: string;
  /** The ODCS id (the contract's ref where the contract could not be read). */
  contractId: string;
  /** The ODCS version tested; null when the contract could not be read. */
  version: string | null;
  /** The `dataMesh.servers` id tested; null when none was chosen. */
  server: string | null;
  trigger: ContractTestTrigger;
  startedAt: Date;
  finishedAt: Date;
  summary: ContractTestSummary;
  /** Every check with what it measured. */
  checks: ContractCheckResult[];
}

/** A stored run, with its id (a UUID). */
export interface StoredContractTestRun extends ContractTestRunToSave {
  id: string;
}

/** The counts of a stored run, for a trend. */
export interface ContractTestRunPoint {
  id: string;
  contractRef: string;
  version: string | null;
  finishedAt: Date;
  summary: ContractTestSummary;
}

/**
 * Contract test runs: every run of each contract of each product, with its checks. Refs are
 * `kind:namespace/name` strings; the store lowercases every ref it is given, and the refs it
 * returns are lowercase. "Latest" is the run finished last (then the one stored last).
 */
export interface ContractTestRunStore {
  /** Stores runs in one transaction (the caller's when given); returns them with their ids. */
  addRuns(
    runs: ContractTestRunToSave[],
    options?: WriteOptions,
  ): Promise<StoredContractTestRun[]>;

  getRun(id: string): Promise<StoredContractTestRun | undefined>;

  /** The latest run of each contract of the product, by contract ref. */
  latestRuns(entityRef: string): Promise<StoredContractTestRun[]>;

  /**
   * The latest `limit` runs of each contract of the product, without their checks, oldest
   * first.
   */
  runHistory(
    entityRef: string,
    options: { limit: number },
  ): Promise<ContractTestRunPoint[]>;

  /**
   * The version of the latest run of each contract of each given product: by product ref,
   * then by contract ref. Products without runs are absent.
   */
  latestVersions(
    entityRefs: string[],
  ): Promise<Map<string, Map<string, string | null>>>;

  /**
   * The retention of runs: deletes those finished before `finishedBefore`, and those beyond
   * the newest `keepPerContract` of their product's contract, in batches of `batchSize`
   * (default 1000), each its own short statement. Returns how many were deleted.
   */
  deleteOldRuns(options: {
    finishedBefore: Date;
    keepPerContract: number;
    batchSize?: number;
  }): Promise<{ deleted: number }>;
}
