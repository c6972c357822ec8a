import { Client, ClientConfig, Pool, PoolClient, QueryConfig, types } from 'pg';
import { cappedSelect, quoteIdentifier, tableColumn } from './sqlText';
import {
  DataServer,
  DataServerColumn,
  DataServerQueryOptions,
  MAX_RESULT_ROWS,
} from './types';
import { abortable, describeFailure } from './failures';

/** Type parsers of this pool: numbers as numbers, dates and timestamps read as UTC. */
const TYPE_PARSERS: Record<number, (value: string) => unknown> = {
  20: Number, // int8
  1700: Number, // numeric
  1082: value => new Date(`${value}T00:00:00Z`), // date
  1114: value => new Date(`${value.replace(' ', 'T')}Z`), // timestamp without time zone
};

const typeOverrides = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    return TYPE_PARSERS[oid] ?? (types.getTypeParser as any)(oid, format);
  },
};

/**
 * A pool of PostgreSQL connections where every query runs alone in a READ ONLY transaction
 * (extended protocol: one statement), under a statement timeout, and is cancelled on the
 * server when its signal aborts.
 */
export class PostgresServer implements DataServer {
  readonly dialect = 'postgres' as const;
  private readonly pool: Pool;

  constructor(
    readonly id: string,
    private readonly connection: ClientConfig,
    private readonly statementTimeoutMs: number,
    maxConnections: number,
  ) {
    this.pool = new Pool({
      ...connection,
      max: maxConnections,
      idleTimeoutMillis: 30_000,
      connectionTimeoutMillis: 10_000,
      types: typeOverrides,
      // Session defaults too, for whatever runs outside the explicit transaction.
      options: `-c default_transaction_read_only=on -c statement_timeout=${statementTimeoutMs}`,
      application_name: 'data-mesh-contract-tests',
    });
    // An idle connection that dies must not take the process with it.
    this.pool.on('error', () => {});
  }

  private where(): string {
    return `server ${this.id} (${this.connection.host}:${this.connection.port}/${this.connection.database})`;
  }

  async query(
    sql: string,
    params: unknown[],
    options: DataServerQueryOptions = {},
  ): Promise<Record<string, unknown>[]> {
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw new Error(
        `Cannot reach ${this.where()}: ${describeFailure(error)}`,
      );
    }
    let broken = false;
    try {
      await client.query('BEGIN TRANSACTION READ ONLY');
      await client.query(
        `SET LOCAL statement_timeout = ${Math.floor(this.statementTimeoutMs)}`,
      );
      if (options.searchPath !== undefined) {
        await client.query(
          `SET LOCAL search_path TO ${quoteIdentifier(
            options.searchPath,
          )}, pg_catalog`,
        );
      }
      if (options.role !== undefined) {
        await client.query(`SET LOCAL ROLE ${quoteIdentifier(options.role)}`);
      }
      const result = await abortable(
        () =>
          client.query<Record<string, unknown>>({
            text: cappedSelect(sql, MAX_RESULT_ROWS),
            values: params,
            // One statement only, whatever the text holds (not in @types/pg yet).
            queryMode: 'extended',
          } as QueryConfig),
        () => this.cancel(client),
        // The server's own statement_timeout stops it first; this is the backstop.
        this.statementTimeoutMs + 1000,
        options.signal,
      );
      return result.rows;
    } catch (error) {
      const message = describeFailure(error);
      throw new Error(
        /statement timeout/.test(message)
          ? `The query timed out after ${this.statementTimeoutMs} ms`
          : message,
      );
    } finally {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      client.release(broken);
    }
  }

  /** Asks the server to cancel what `client` runs, over a connection of its own. */
  private cancel(client: PoolClient): void {
    const pid = (client as unknown as { processID?: number }).processID;
    if (!pid) return;
    const canceller = new Client({
      ...this.connection,
      connectionTimeoutMillis: 5000,
    });
    canceller
      .connect()
      .then(() => canceller.query('SELECT pg_cancel_backend($1)', [pid]))
      .catch(() => undefined)
      .finally(() => canceller.end().catch(() => undefined));
  }

  async columns(
    schema: string | undefined,
    table: string,
    options?: DataServerQueryOptions,
  ): Promise<DataServerColumn[] | undefined> {
    const rows = await this.query(
      `SELECT a.attname AS "name", format_type(a.atttypid, a.atttypmod) AS "type",
         ARRAY(
           SELECT i.indexrelid::regclass::text FROM pg_catalog.pg_index i
           WHERE i.indrelid = c.oid AND i.indisunique AND i.indisvalid
             AND i.indpred IS NULL AND i.indexprs IS NULL
             -- key columns only: an index's INCLUDE columns follow its indnkeyatts keys
             AND a.attnum = ANY ((i.indkey::int2[])[0:i.indnkeyatts - 1])
           ORDER BY 1
         ) AS "uniqueKeys"
       FROM pg_catalog.pg_attribute a
       JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = coalesce($1::text, current_schema()) AND c.relname = $2::text
         AND c.relkind IN ('r', 'v', 'm', 'p', 'f')
         AND a.attnum > 0 AND NOT a.attisdropped
       ORDER BY a.attnum`,
      [schema ?? null, table],
      options,
    );
    return rows.length > 0 ? rows.map(tableColumn) : undefined;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
