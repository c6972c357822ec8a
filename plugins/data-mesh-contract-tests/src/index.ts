/**
 * Tests ODCS data contracts against the data they describe, on DuckDB and PostgreSQL.
 *
 * @packageDocumentation
 */
export { readServersConfig } from './servers/readServersConfig';
export { openDataServer } from './servers/openDataServer';
export { DEFAULT_STATEMENT_TIMEOUT_MS, MAX_RESULT_ROWS } from './servers/types';
export type {
  DataServer,
  DataServerColumn,
  DataServerDialect,
  DataServerQueryOptions,
  OpenDataServerOptions,
  ServerConfig,
} from './servers/types';
export { testContract } from './testContract';
export { chooseContractServer } from './checks/targets';
export { compareTypes, isDialectType } from './checks/typeCompatibility';
export type { TypeComparison } from './checks/typeCompatibility';
export type { TestContractOptions } from './testContract';
export type {
  ContractCheck,
  ContractCheckMetric,
  ContractCheckOutcome,
  ContractTestResult,
} from './types';
