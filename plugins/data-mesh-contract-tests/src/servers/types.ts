/**
 * A data server from config: where contracts are tested. Credentials live here only.
 * @public
 */
export type ServerConfig =
  | {
      type: 'postgres';
      host: string;
      port: number;
      database: string;
      user: string;
      password?: string;
      /** Pool size; default 4. */
      maxConnections?: number;
      /** Milliseconds one statement may run; default 30000. */
      statementTimeout?: number;
    }
  | {
      type: 'duckdb';
      /** A database file, opened read-only; without it an empty in-memory database. */
      path?: string;
      /** The only folder whose Parquet and CSV files `local` contract servers may read. */
      dataDirectory?: string;
      /** Milliseconds one statement may run; default 30000. */
      statementTimeout?: number;
    };

/** The SQL dialect of a data server. @public */
export type DataServerDialect = 'duckdb' | 'postgres';

/** A column of a table as the server reports it. @public */
export interface DataServerColumn {
  name: string;
  /** The server's type name, e.g. `character varying`, `BIGINT`, `TIMESTAMP WITH TIME ZONE`. */
  type: string;
  /**
   * The unique constraints (PostgreSQL: valid unique indexes, neither partial nor on
   * expressions) whose key the column is part of, by name: the database itself keeps any two
   * rows from sharing such a key unless a column of it is NULL.
   */
  uniqueKeys?: string[];
}

/** Options of one query. @public */
export interface DataServerQueryOptions {
  /** Aborts the query on the server. */
  signal?: AbortSignal;
  /** The only schema unqualified table names resolve in (besides the system catalog). */
  searchPath?: string;
  /**
   * PostgreSQL: the role the statement runs as (`SET LOCAL ROLE`), so the database's own grants
   * decide what it reads; the server's user must be a member of it. DuckDB has no roles.
   */
  role?: string;
}

/**
 * A configured data server, opened once and shared: pooled, read-only, bounded in time.
 * @public
 */
export interface DataServer {
  readonly id: string;
  readonly dialect: DataServerDialect;
  /** The folder `local` contract servers read files from (DuckDB servers that have one). */
  readonly dataDirectory?: string;
  /**
   * Runs one read-only statement with bound parameters (`$1`, `$2`, ... in both dialects)
   * and returns at most {@link MAX_RESULT_ROWS} rows; numbers come back as JS numbers
   * (64-bit integers and decimals converted), dates and timestamps as `Date`.
   */
  query(
    sql: string,
    params: unknown[],
    options?: DataServerQueryOptions,
  ): Promise<Record<string, unknown>[]>;
  /** The columns of a table in order, or undefined when there is no such table or view. */
  columns(
    schema: string | undefined,
    table: string,
    options?: DataServerQueryOptions,
  ): Promise<DataServerColumn[] | undefined>;
  close(): Promise<void>;
}

/** Options of {@link openDataServer} that override the server's config. @public */
export interface OpenDataServerOptions {
  /** Milliseconds one statement may run. */
  statementTimeoutMs?: number;
  /** Queries run at once; more wait. Default: the pool size (postgres) or 4 (duckdb). */
  maxConcurrentQueries?: number;
}

/** The most rows {@link DataServer.query} returns. @public */
export const MAX_RESULT_ROWS = 1000;

/** The default time one statement may run. @public */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;
