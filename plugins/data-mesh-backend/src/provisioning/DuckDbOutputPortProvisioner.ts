import {
  DuckDBConnection,
  DuckDBInstance,
  DuckDBValue,
} from '@duckdb/node-api';
import {
  InputError,
  ServiceUnavailableError,
  isError,
} from '@backstage/errors';
import { ServerConfig } from '@datamesh-portal/plugin-data-mesh-contract-tests';
import {
  AccessServerRef,
  OutputPortProvisioner,
  OutputPortProvisionRequest,
  OutputPortUnprovisionRequest,
  OutputPortUnprovisionResult,
  ProvisioningPlan,
} from '@datamesh-portal/plugin-data-mesh-node';
import { mkdir } from 'fs/promises';
import { dirname, resolve as resolvePath } from 'path';
import { checkProvisionRequest, checkUnprovisionRequest } from './requests';
import {
  ExistingTable,
  planStatements,
  provisioningMarker,
  quoteIdentifier as q,
  ServerState,
} from './sqlPlan';

/** Said with every DuckDB plan: there is nothing to own tables. */
export const DUCKDB_NO_ROLES_NOTE =
  "DuckDB has no roles: the tables have no owner, and the portal's preview and usage agreements decide who reads them.";

/**
 * The built-in provisioner for `duckdb` servers: creates a port's tables in the domain's
 * schema of the server's database file, opened for writing only for the transaction (the
 * contract tests' read-only opening sees the new file at its next query). Provisionings of
 * one file run one after the other in this process; another process writing the file makes
 * the server unavailable until it is done.
 */
export class DuckDbOutputPortProvisioner implements OutputPortProvisioner {
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly options: { servers: Map<string, ServerConfig> },
  ) {}

  supports(serverType: string): boolean {
    return serverType === 'duckdb';
  }

  async plan(request: OutputPortProvisionRequest): Promise<ProvisioningPlan> {
    const checked = checkProvisionRequest(request, false);
    return this.withFile(checked.server, 'plan provisioning', async c =>
      this.planIn(c, checked),
    );
  }

  async apply(request: OutputPortProvisionRequest): Promise<ProvisioningPlan> {
    const checked = checkProvisionRequest(request, false);
    return this.withFile(checked.server, 'provision', async c => {
      await c.run('BEGIN TRANSACTION');
      try {
        const plan = await this.planIn(c, checked);
        for (const statement of plan.statements) {
          try {
            await c.run(statement);
          } catch (error) {
            throw new Error(
              `${statement.split('\n')[0]}: ${
                isError(error) ? error.message : String(error)
              }`,
            );
          }
        }
        await c.run('COMMIT');
        return plan;
      } catch (error) {
        await c.run('ROLLBACK').catch(() => {});
        throw error;
      }
    });
  }

  async unprovision(
    request: OutputPortUnprovisionRequest,
  ): Promise<OutputPortUnprovisionResult> {
    const checked = checkUnprovisionRequest(request);
    return this.withFile(checked.server, 'unprovision', async c => {
      await c.run('BEGIN TRANSACTION');
      try {
        const state = await readState(c, checked.schema);
        const marker = provisioningMarker(checked.productRef, checked.port);
        const result: OutputPortUnprovisionResult = {
          dropped: [],
          skipped: [],
        };
        for (const name of checked.tables) {
          const table = `${q(checked.schema)}.${q(name)}`;
          const found = state.tables.get(name);
          if (found?.isTable && found.comment === marker) {
            await c.run(`DROP TABLE ${table}`);
            result.dropped.push(table);
          } else {
            result.skipped.push(table);
          }
        }
        await c.run('COMMIT');
        return result;
      } catch (error) {
        await c.run('ROLLBACK').catch(() => {});
        throw error;
      }
    });
  }

  private async planIn(
    c: DuckDBConnection,
    request: OutputPortProvisionRequest,
  ): Promise<ProvisioningPlan> {
    const state = await readState(c, request.schema);
    const { objects, statements } = planStatements(request, state, 'duckdb');
    return {
      server: request.server,
      dialect: 'duckdb',
      objects,
      statements,
      notes: [DUCKDB_NO_ROLES_NOTE],
    };
  }

  /** Opens the server's file for writing, after the provisionings of it before. */
  private async withFile<T>(
    server: AccessServerRef,
    action: string,
    work: (connection: DuckDBConnection) => Promise<T>,
  ): Promise<T> {
    const config = this.options.servers.get(server.id);
    if (config?.type !== 'duckdb' || !config.path) {
      throw new InputError(
        `server: ${server.id} is not a duckdb server with a database file (path)`,
      );
    }
    const path = resolvePath(config.path);
    const previous = this.queues.get(path) ?? Promise.resolve();
    const next = previous
      .catch(() => {})
      .then(async () => {
        let instance: DuckDBInstance;
        try {
          await mkdir(dirname(path), { recursive: true });
          instance = await DuckDBInstance.create(path, {
            enable_external_access: 'false',
            autoinstall_known_extensions: 'false',
            autoload_known_extensions: 'false',
          });
        } catch (error) {
          throw new ServiceUnavailableError(
            `Cannot open the database file of server ${
              server.id
            } to ${action}: ${isError(error) ? error.message : String(error)}`,
          );
        }
        const connection = await instance.connect();
        try {
          const result = await work(connection);
          // The file alone holds it all: readers that open it see the new tables.
          await connection.run('CHECKPOINT');
          return result;
        } finally {
          connection.closeSync();
          instance.closeSync();
        }
      });
    this.queues.set(path, next);
    try {
      return await next;
    } finally {
      if (this.queues.get(path) === next) this.queues.delete(path);
    }
  }
}

async function rows(
  c: DuckDBConnection,
  sql: string,
  params: DuckDBValue[],
): Promise<Record<string, unknown>[]> {
  const reader = await c.runAndReadAll(sql, params);
  return reader.getRowObjectsJS() as Record<string, unknown>[];
}

/** The schema and its tables and views (views can clash, never be altered). */
async function readState(
  c: DuckDBConnection,
  schema: string,
): Promise<ServerState> {
  const [schemas, tables, views, columns] = [
    await rows(
      c,
      'SELECT schema_name FROM duckdb_schemas() WHERE database_name = current_database() AND schema_name = $1',
      [schema],
    ),
    await rows(
      c,
      'SELECT table_name, comment FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = $1',
      [schema],
    ),
    await rows(
      c,
      'SELECT view_name FROM duckdb_views() WHERE database_name = current_database() AND schema_name = $1 AND NOT internal',
      [schema],
    ),
    await rows(
      c,
      'SELECT table_name, column_name, data_type, is_nullable FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = $1 ORDER BY table_name, column_index',
      [schema],
    ),
  ];
  const byName = new Map<string, ExistingTable>();
  for (const view of views) {
    byName.set(String(view.view_name), {
      comment: null,
      isTable: false,
      columns: [],
    });
  }
  for (const table of tables) {
    byName.set(String(table.table_name), {
      comment: (table.comment as string | null) ?? null,
      isTable: true,
      columns: [],
    });
  }
  for (const column of columns) {
    byName.get(String(column.table_name))?.columns.push({
      name: String(column.column_name),
      type: String(column.data_type),
      nullable: Boolean(column.is_nullable),
    });
  }
  return { schemaExists: schemas.length > 0, tables: byName };
}
