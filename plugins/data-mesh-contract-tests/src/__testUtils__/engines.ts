import { DuckDBInstance } from '@duckdb/node-api';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Client } from 'pg';
import { openDataServer } from '../servers/openDataServer';
import {
  DataServer,
  OpenDataServerOptions,
  ServerConfig,
} from '../servers/types';

/** The PostgreSQL server of the tests, as Backstage's TestDatabases finds it. */
export const POSTGRES_URL =
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;

export type EngineName = 'duckdb' | 'postgres';

/** The engines to test on: PostgreSQL only where a test server is configured, as in CI. */
export const ENGINES: EngineName[] = POSTGRES_URL
  ? ['duckdb', 'postgres']
  : ['duckdb'];

/**
 * A throwaway database on a real engine: a DuckDB file in a temp folder, or a PostgreSQL
 * database created for the test file and dropped after it.
 */
export interface TestEngine {
  name: EngineName;
  /** Where files of `local` servers go (DuckDB). */
  dataDirectory: string;
  /** Runs statements with write access; only before `open` on DuckDB. */
  setup(sql: string): Promise<void>;
  /** The config a platform admin would write for this database. */
  config(overrides?: Partial<ServerConfig>): ServerConfig;
  /** Opens the database as the engine under test does: read-only. */
  open(id?: string, options?: OpenDataServerOptions): Promise<DataServer>;
  /** Every table of the database with its row count, to show nothing was written. */
  snapshot(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

class DuckDbEngine implements TestEngine {
  readonly name = 'duckdb' as const;
  private readonly folder = mkdtempSync(join(tmpdir(), 'contract-tests-'));
  readonly dataDirectory = join(this.folder, 'files');
  private readonly path = join(this.folder, 'data.duckdb');
  private writer?: DuckDBInstance;
  private readonly opened: DataServer[] = [];

  async setup(sql: string) {
    this.writer ??= await DuckDBInstance.create(this.path);
    const connection = await this.writer.connect();
    try {
      await connection.run(sql);
    } finally {
      connection.closeSync();
    }
  }

  config(overrides: Partial<ServerConfig> = {}): ServerConfig {
    return {
      type: 'duckdb',
      path: this.path,
      dataDirectory: this.dataDirectory,
      ...overrides,
    } as ServerConfig;
  }

  async open(id = 'warehouse', options?: OpenDataServerOptions) {
    // One process cannot hold a file open for writing and reading at once.
    this.writer?.closeSync();
    this.writer = undefined;
    const server = await openDataServer(id, this.config(), options);
    this.opened.push(server);
    return server;
  }

  async snapshot() {
    return snapshotOf(this.opened[0] ?? (await this.open()));
  }

  async close() {
    for (const server of this.opened) await server.close();
    this.writer?.closeSync();
    rmSync(this.folder, { recursive: true, force: true });
  }
}

class PostgresEngine implements TestEngine {
  readonly name = 'postgres' as const;
  readonly dataDirectory = '';
  private readonly database = `contract_tests_${Date.now()}_${Math.floor(
    Math.random() * 1e6,
  )}`;
  private readonly url = new URL(POSTGRES_URL!);
  private client?: Client;
  private readonly opened: DataServer[] = [];

  private admin() {
    return new Client({ connectionString: POSTGRES_URL });
  }

  async setup(sql: string) {
    if (!this.client) {
      const admin = this.admin();
      await admin.connect();
      await admin.query(`CREATE DATABASE ${this.database}`);
      await admin.end();
      this.client = new Client({ ...this.connection() });
      await this.client.connect();
    }
    await this.client.query(sql);
  }

  private connection() {
    return {
      host: this.url.hostname,
      port: Number(this.url.port || 5432),
      database: this.database,
      user: decodeURIComponent(this.url.username || 'postgres'),
      password: this.url.password
        ? decodeURIComponent(this.url.password)
        : undefined,
    };
  }

  config(overrides: Partial<ServerConfig> = {}): ServerConfig {
    return {
      type: 'postgres',
      ...this.connection(),
      ...overrides,
    } as ServerConfig;
  }

  async open(id = 'warehouse', options?: OpenDataServerOptions) {
    const server = await openDataServer(id, this.config(), options);
    this.opened.push(server);
    return server;
  }

  async snapshot() {
    return snapshotOf(this.opened[0] ?? (await this.open()));
  }

  async close() {
    for (const server of this.opened) await server.close();
    await this.client?.end();
    const admin = this.admin();
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${this.database} WITH (FORCE)`);
    await admin.end();
  }
}

async function snapshotOf(server: DataServer): Promise<Record<string, number>> {
  const tables = await server.query(
    `SELECT table_schema AS "schema", table_name AS "name" FROM information_schema.tables
     WHERE table_schema NOT IN ('information_schema', 'pg_catalog')
     ORDER BY 1, 2`,
    [],
  );
  const counts: Record<string, number> = {};
  for (const { schema, name } of tables) {
    const quoted = [schema, name]
      .map(part => `"${String(part).replace(/"/g, '""')}"`)
      .join('.');
    const [row] = await server.query(
      `SELECT COUNT(*) AS "n" FROM ${quoted}`,
      [],
    );
    counts[`${schema}.${name}`] = Number(row.n);
  }
  return counts;
}

export function createTestEngine(name: EngineName): TestEngine {
  return name === 'duckdb' ? new DuckDbEngine() : new PostgresEngine();
}

/** A data server that records every statement it is sent, for asserting what ran. */
export function recording(
  server: DataServer,
): DataServer & { sent: string[]; params: unknown[][] } {
  const sent: string[] = [];
  const params: unknown[][] = [];
  return {
    id: server.id,
    dialect: server.dialect,
    dataDirectory: server.dataDirectory,
    sent,
    params,
    query: (sql, values, options) => {
      sent.push(sql);
      params.push(values);
      return server.query(sql, values, options);
    },
    columns: (schema, table, options) => {
      sent.push(`columns ${schema}.${table}`);
      params.push([]);
      return server.columns(schema, table, options);
    },
    close: () => server.close(),
  };
}
