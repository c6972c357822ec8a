import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';

/** The knex migrations of the data mesh backend's tables: the package's `migrations/`. */
export const migrationsDirectory = resolvePackagePath(
  '@datamesh-portal/plugin-data-mesh-backend',
  'migrations',
);

/** How a store reaches its database. */
export interface StoreOptions {
  database: DatabaseService;
  /** Leaves the schema as it is (also when the database service says to). */
  skipMigrations?: boolean;
}

/** The plugin's database client, migrated to the latest schema unless told not to. */
export async function migratedClient(options: StoreOptions): Promise<Knex> {
  const { database, skipMigrations } = options;
  const client = await database.getClient();
  if (!database.migrations?.skip && !skipMigrations) {
    await client.migrate.latest({ directory: migrationsDirectory });
  }
  return client;
}

/**
 * A database transaction that writes of several stores share, so that they commit or roll
 * back together. Opaque outside the stores, as the catalog backend's is.
 */
export type Transaction = { rollback(): Promise<unknown> };

/** Options of a store write that may take part in a caller's transaction. */
export interface WriteOptions {
  transaction?: Transaction;
}

/** Runs `fn` in the caller's transaction when given, else in a new one. */
export function inTransaction<T>(
  db: Knex,
  options: WriteOptions | undefined,
  fn: (trx: Knex.Transaction) => Promise<T>,
): Promise<T> {
  const outer = options?.transaction as Knex.Transaction | undefined;
  return outer ? fn(outer) : db.transaction(fn);
}
