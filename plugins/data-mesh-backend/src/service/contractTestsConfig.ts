import { SchedulerServiceTaskScheduleDefinition } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  readServersConfig,
  ServerConfig,
} from '@datamesh-portal/plugin-data-mesh-contract-tests';
import { readCount, readMilliseconds, readSchedule } from './config';

/** The settings of contract test runs, with the defaults filled in. */
export interface ContractTestsConfig {
  /** The data servers by id (`dataMesh.servers`). */
  servers: Map<string, ServerConfig>;
  /** How often every contract of every active product is tested. */
  schedule: SchedulerServiceTaskScheduleDefinition;
  /** How often contracts never tested yet (of new products, say) are looked for and tested. */
  newContractsSchedule: SchedulerServiceTaskScheduleDefinition;
  /** How long the test of one contract may take, in milliseconds. */
  timeoutMs: number;
  /** Products tested at once by a scheduled run. */
  concurrency: number;
  /** Queries each server runs at once, across all runs of this instance. */
  maxConcurrentQueries: number;
  /** How long runs are kept, in milliseconds. */
  retentionMs: number;
  /** The most runs kept of each contract of a product. */
  keepRunsPerContract: number;
}

/**
 * Reads `dataMesh.servers` (by the engine, which names `dataMesh.servers.<id>.<field>` in
 * its errors) and `dataMesh.contractTests`. Bad settings stop the backend at startup.
 */
export function readContractTestsConfig(root: Config): ContractTestsConfig {
  const at = 'dataMesh.contractTests';
  const config = root.getOptionalConfig(at);
  return {
    servers: readServersConfig(root),
    schedule: readSchedule(config, {
      frequency: { hours: 1 },
      timeout: { minutes: 30 },
      initialDelay: { minutes: 2 },
    }),
    newContractsSchedule: readSchedule(
      config,
      {
        frequency: { minutes: 1 },
        timeout: { minutes: 10 },
        initialDelay: { seconds: 30 },
      },
      'newContractsSchedule',
    ),
    timeoutMs: readMilliseconds(root, `${at}.timeout`, { minutes: 5 }),
    concurrency: readCount(root, `${at}.concurrency`, 2, 1),
    maxConcurrentQueries: readCount(root, `${at}.maxConcurrentQueries`, 4, 1),
    retentionMs: readMilliseconds(root, `${at}.retention`, { days: 90 }),
    keepRunsPerContract: readCount(root, `${at}.keepRunsPerContract`, 100, 1),
  };
}
