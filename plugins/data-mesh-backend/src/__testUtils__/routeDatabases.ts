import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { JsonObject } from '@backstage/types';
import fs from 'fs';
import knexFactory, { Knex } from 'knex';
import os from 'os';
import path from 'path';
import { postgresDatabaseConfig } from './backends';

/**
 * The database of a route suite's test backend, with a client of the data mesh plugin's own
 * database in it: the suite asks the API, and reads what the API stored.
 */
export interface RouteTestDatabase {
  /** Root config of the test backend: its `backend.database`. */
  config: JsonObject;
  /** A client of the data mesh plugin's database, once the backend has started. */
  dataMeshClient(): Knex;
  /** Closes the client and removes what the database left on disk. */
  destroy(): Promise<void>;
}

/**
 * `id` as the database of a test backend: SQLite in files of a temporary directory (one per
 * plugin, as in a portal), or a PostgreSQL database of `databases` with a schema per plugin.
 */
export async function routeTestDatabase(
  databases: TestDatabases,
  id: TestDatabaseId,
): Promise<RouteTestDatabase> {
  let client: Knex | undefined;
  const once = (create: () => Knex) => () => (client ??= create());
  if (id.startsWith('SQLITE')) {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'data-mesh-'));
    return {
      config: {
        backend: {
          database: { client: 'better-sqlite3', connection: { directory } },
        },
      },
      dataMeshClient: once(() =>
        knexFactory({
          client: 'better-sqlite3',
          connection: { filename: path.join(directory, 'data-mesh.sqlite') },
          useNullAsDefault: true,
        }),
      ),
      async destroy() {
        await client?.destroy();
        fs.rmSync(directory, { recursive: true, force: true });
      },
    };
  }
  const knex = await databases.init(id);
  return {
    config: { backend: { database: postgresDatabaseConfig(knex) } },
    // pluginDivisionMode schema: the plugin's tables are in the schema named after it.
    dataMeshClient: once(() =>
      knexFactory({
        client: 'pg',
        connection: knex.client.config.connection,
        searchPath: ['data-mesh'],
      }),
    ),
    async destroy() {
      await client?.destroy();
    },
  };
}
