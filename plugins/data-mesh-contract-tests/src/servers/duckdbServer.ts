import {
  DuckDBConnection,
  DuckDBInstance,
  DuckDBValue,
} from '@duckdb/node-api';
import { resolve as resolvePath, sep } from 'path';
import {
  cappedSelect,
  plainValue,
  quoteIdentifier,
  quoteLiteral,
  tableColumn,
} from './sqlText';
import { Limiter } from './limiter';
import {
  DataServer,
  DataServerColumn,
  DataServerQueryOptions,
  MAX_RESULT_ROWS,
} from './types';
import { abortable, describeFailure } from './failures';

/**
 * A DuckDB database opened read-only, with every file outside its data folder out of reach:
 * external access is off, the data folder is the only allowed one, and the configuration is
 * locked so no statement can change that.
 */
export class DuckDbServer implements DataServer {
  readonly dialect = 'duckdb' as const;
  private readonly idle: DuckDBConnection[] = [];
  private readonly limiter: Limiter;
  private closed = false;

  private constructor(
    readonly id: string,
    private readonly instance: DuckDBInstance,
    private readonly statementTimeoutMs: number,
    maxConcurrentQueries: number,
    readonly dataDirectory: string | undefined,
  ) {
    this.limiter = new Limiter(maxConcurrentQueries);
  }

  static async open(
    id: string,
    options: {
      path?: string;
      dataDirectory?: string;
      statementTimeoutMs: number;
      maxConcurrentQueries: number;
    },
  ): Promise<DuckDbServer> {
    const dataDirectory = options.dataDirectory
      ? resolvePath(options.dataDirectory)
      : undefined;
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(
        options.path ? resolvePath(options.path) : ':memory:',
        {
          ...(options.path ? { access_mode: 'READ_ONLY' } : {}),
          threads: String(Math.max(1, options.maxConcurrentQueries)),
        },
      );
    } catch (error) {
      throw new Error(
        `Cannot open the DuckDB database of server ${id}: ${describeFailure(
          error,
        )}`,
      );
    }
    const setup = await instance.connect();
    try {
      // Settings are global and locked last: no statement can reach another file again.
      await setup.run(
        [
          dataDirectory
            ? `SET GLOBAL allowed_directories = [${quoteLiteral(
                dataDirectory + sep,
              )}]`
            : '',
          'SET GLOBAL enable_external_access = false',
          'SET GLOBAL autoinstall_known_extensions = false',
          'SET GLOBAL autoload_known_extensions = false',
          'SET GLOBAL lock_configuration = true',
        ]
          .filter(Boolean)
          .join('; '),
      );
    } finally {
      setup.closeSync();
    }
    return new DuckDbServer(
      id,
      instance,
      options.statementTimeoutMs,
      options.maxConcurrentQueries,
      dataDirectory,
    );
  }

  async query(
    sql: string,
    params: unknown[],
    options: DataServerQueryOptions = {},
  ): Promise<Record<string, unknown>[]> {
    if (this.closed) throw new Error(`Server ${this.id} is closed`);
    return this.limiter.run(async () => {
      const connection = this.idle.pop() ?? (await this.instance.connect());
      try {
        const rows = await abortable(
          async () => {
            await connection.run(
              options.searchPath === undefined
                ? 'RESET search_path'
                : `SET search_path = ${quoteLiteral(
                    quoteIdentifier(options.searchPath),
                  )}`,
            );
            const statement = await connection.prepare(
              cappedSelect(sql, MAX_RESULT_ROWS),
            );
            try {
              statement.bind(params as DuckDBValue[]);
              const reader = await statement.runAndReadAll();
              return reader.getRowObjectsJS();
            } finally {
              statement.destroySync();
            }
          },
          () => connection.interrupt(),
          this.statementTimeoutMs,
          options.signal,
        );
        this.idle.push(connection);
        return rows.map(row =>
          Object.fromEntries(
            Object.entries(row).map(([key, value]) => [key, plainValue(value)]),
          ),
        );
      } catch (error) {
        connection.closeSync();
        throw error;
      }
    });
  }

  async columns(
    schema: string | undefined,
    table: string,
    options?: DataServerQueryOptions,
  ): Promise<DataServerColumn[] | undefined> {
    const rows = await this.query(
      `SELECT c.column_name AS "name", c.data_type AS "type",
         (SELECT list(k.constraint_name ORDER BY k.constraint_name)
          FROM duckdb_constraints() k
          WHERE k.database_name = c.table_catalog AND k.schema_name = c.table_schema
            AND k.table_name = c.table_name
            AND k.constraint_type IN ('PRIMARY KEY', 'UNIQUE')
            AND list_contains(k.constraint_column_names, c.column_name)) AS "uniqueKeys"
       FROM information_schema.columns c
       WHERE c.table_schema = coalesce($1, current_schema()) AND c.table_name = $2
       ORDER BY c.ordinal_position`,
      [schema ?? null, table],
      options,
    );
    return rows.length > 0 ? rows.map(tableColumn) : undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const connection of this.idle.splice(0)) connection.closeSync();
    this.instance.closeSync();
  }
}
