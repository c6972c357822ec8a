import { DuckDBInstance } from '@duckdb/node-api';
import { loadModule, parseSync, scanSync } from 'libpg-query';
import { quoteLiteral } from '../servers/sqlText';

/** PostgreSQL's parse tree of some SQL, as libpg-query gives it. */
export interface PostgresTree {
  stmts?: Array<{ stmt: Record<string, unknown> }>;
}

/** DuckDB's parse tree of some SQL, as `json_serialize_sql` gives it. */
export interface DuckDbTree {
  error?: boolean;
  error_message?: string;
  statements?: Array<{ node: Record<string, unknown> }>;
}

/** A token of PostgreSQL's lexer: where it is in the text and what it is. */
export interface PostgresToken {
  start: number;
  end: number;
  text: string;
  keywordKind: number;
}

let postgresParser: Promise<void> | undefined;

/** PostgreSQL's own parser (compiled to WebAssembly); throws on SQL it cannot parse. */
export async function parsePostgres(sql: string): Promise<PostgresTree> {
  postgresParser ??= loadModule();
  await postgresParser;
  return parseSync(sql) as unknown as PostgresTree;
}

/** PostgreSQL's lexer: the tokens of some SQL, string literals and comments whole. */
export async function scanPostgres(sql: string): Promise<PostgresToken[]> {
  postgresParser ??= loadModule();
  await postgresParser;
  return scanSync(sql).tokens as PostgresToken[];
}

let duckdbParser: Promise<DuckDBInstance> | undefined;

/** An empty in-memory DuckDB, cut off from files, whose parser serializes SQL. */
async function duckdbParserInstance(): Promise<DuckDBInstance> {
  duckdbParser ??= (async () => {
    const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
    const setup = await instance.connect();
    await setup.run(
      'SET GLOBAL enable_external_access = false; SET GLOBAL lock_configuration = true',
    );
    setup.closeSync();
    return instance;
  })();
  return duckdbParser;
}

/** DuckDB's parse tree of some SQL: parsed only, never run. It accepts nothing but SELECTs. */
export async function parseDuckDb(sql: string): Promise<DuckDbTree> {
  const connection = await (await duckdbParserInstance()).connect();
  try {
    const reader = await connection.runAndReadAll(
      `SELECT json_serialize_sql(${quoteLiteral(sql)}) AS "tree"`,
    );
    return JSON.parse(String(reader.getRowObjectsJS()[0].tree));
  } finally {
    connection.closeSync();
  }
}

/** Every object in a parse tree, depth first, without recursion. */
export function* objectsOf(tree: unknown): Generator<Record<string, unknown>> {
  const pending: unknown[] = [tree];
  while (pending.length > 0) {
    const node = pending.pop();
    if (Array.isArray(node)) pending.push(...node);
    else if (node && typeof node === 'object') {
      yield node as Record<string, unknown>;
      pending.push(...Object.values(node));
    }
  }
}
