import { Knex } from 'knex';
import { AccessAgreementStore } from './AccessAgreementStore';
import { migratedClient, StoreOptions, Transaction } from './client';
import { ContractHistoryStore } from './ContractHistoryStore';
import { ContractTestRunStore } from './ContractTestRunStore';
import { DatabaseAccessAgreementStore } from './DatabaseAccessAgreementStore';
import { DatabaseContractHistoryStore } from './DatabaseContractHistoryStore';
import { DatabaseContractTestRunStore } from './DatabaseContractTestRunStore';
import { DatabaseFactStore, FactStoreOptions } from './DatabaseFactStore';
import { DatabaseProductIndexStore } from './DatabaseProductIndexStore';
import { DatabaseScorecardStore } from './DatabaseScorecardStore';
import { DatabaseWaiverStore } from './DatabaseWaiverStore';
import { FactStore } from './FactStore';
import { ProductIndexStore } from './ProductIndexStore';
import { ScorecardStore } from './ScorecardStore';
import { WaiverStore } from './WaiverStore';

/** The data mesh backend's stores, one per concern, on one database. */
export interface DataMeshStores {
  facts: FactStore;
  scorecards: ScorecardStore;
  productIndex: ProductIndexStore;
  waivers: WaiverStore;
  contractTestRuns: ContractTestRunStore;
  accessAgreements: AccessAgreementStore;
  contractHistory: ContractHistoryStore;
  /**
   * Runs `fn` in one database transaction; the writes that are given it (their
   * `transaction` option) commit together when `fn` resolves, or not at all.
   */
  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T>;
}

/** The stores on the plugin's database, migrated once to the latest schema. */
export async function createDataMeshStores(
  options: StoreOptions & { facts?: FactStoreOptions },
): Promise<DataMeshStores> {
  return dataMeshStoresOn(await migratedClient(options), options);
}

/** The stores on a migrated knex client. */
export function dataMeshStoresOn(
  db: Knex,
  options: { facts?: FactStoreOptions } = {},
): DataMeshStores {
  return {
    facts: new DatabaseFactStore(db, options.facts),
    scorecards: new DatabaseScorecardStore(db),
    productIndex: new DatabaseProductIndexStore(db),
    waivers: new DatabaseWaiverStore(db),
    contractTestRuns: new DatabaseContractTestRunStore(db),
    accessAgreements: new DatabaseAccessAgreementStore(db),
    contractHistory: new DatabaseContractHistoryStore(db),
    transaction: fn => db.transaction(trx => fn(trx)),
  };
}
