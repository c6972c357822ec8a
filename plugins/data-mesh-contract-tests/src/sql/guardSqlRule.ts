import { DataServerDialect } from '../servers/types';
import { ALLOWED_FUNCTIONS } from './allowedFunctions';
import {
  objectsOf,
  parseDuckDb,
  parsePostgres,
  PostgresTree,
} from './parseTrees';

/** What a rule's SQL may read. */
export interface SqlRuleScope {
  /** The names of the tables it may read (the contract's objects), matched without case. */
  tables: ReadonlySet<string>;
  /** The schema those tables are in; a rule may qualify them with it and nothing else. */
  schema?: string;
}

/** Names that would reach system catalogs when left unqualified. */
const SYSTEM_NAME = /^(pg_|duckdb_|sqlite_|information_schema$)/i;

/** Node types of the PostgreSQL parse tree a read-only SELECT is made of. */
// prettier-ignore
const POSTGRES_NODES = new Set([
  'SelectStmt', 'ResTarget', 'ColumnRef', 'A_Const', 'A_Expr', 'A_Star',
  'A_Indirection', 'A_Indices', 'A_ArrayExpr', 'FuncCall', 'RangeVar',
  'RangeSubselect', 'JoinExpr', 'Alias', 'BoolExpr', 'NullTest', 'BooleanTest',
  'TypeCast', 'TypeName', 'SubLink', 'CaseExpr', 'CaseWhen', 'CoalesceExpr',
  'MinMaxExpr', 'SQLValueFunction', 'RowExpr', 'SortBy', 'WindowDef',
  'WithClause', 'CommonTableExpr', 'List', 'String', 'Integer', 'Float',
  'Boolean', 'BitString', 'CollateClause', 'GroupingSet',
]);

/** Types a rule may cast to: values, not catalog lookups such as regclass. */
// prettier-ignore
const ALLOWED_CASTS = new Set([
  'int2', 'int4', 'int8', 'smallint', 'integer', 'int', 'bigint', 'numeric',
  'decimal', 'float4', 'float8', 'real', 'double precision', 'text', 'varchar',
  'bpchar', 'char', 'date', 'time', 'timetz', 'timestamp', 'timestamptz',
  'interval', 'bool', 'boolean', 'uuid', 'json', 'jsonb', 'double', 'float',
  'tinyint', 'hugeint', 'utinyint', 'usmallint', 'uinteger', 'ubigint',
  'string', 'timestamp with time zone', 'timestamp_s', 'timestamp_ms',
  'timestamp_ns',
]);

/** Why a rule is refused, or undefined when it may run. */
type Verdict = string | undefined;

function checkFunction(name: string, qualifier?: string): Verdict {
  const lower = name.toLowerCase();
  if (qualifier && !['pg_catalog', 'main', 'system'].includes(qualifier)) {
    return `it calls ${qualifier}.${name}, and only built-in functions are allowed`;
  }
  return ALLOWED_FUNCTIONS.has(lower)
    ? undefined
    : `it calls ${name}(), which is not on the list of allowed functions`;
}

function checkTable(
  scope: SqlRuleScope,
  ctes: ReadonlySet<string>,
  name: string,
  schema?: string,
  catalog?: string,
): Verdict {
  const shown = [catalog, schema, name].filter(Boolean).join('.');
  if (catalog) return `it reads ${shown}, outside the contract's schema`;
  if (schema) {
    if (!scope.schema || schema.toLowerCase() !== scope.schema.toLowerCase()) {
      return `it reads ${shown}, outside the contract's schema`;
    }
  } else if (ctes.has(name.toLowerCase())) {
    return undefined;
  }
  if (SYSTEM_NAME.test(name) || !scope.tables.has(name.toLowerCase())) {
    return `it reads ${shown}, which is not a table of this contract`;
  }
  return undefined;
}

async function guardPostgres(
  sql: string,
  scope: SqlRuleScope,
): Promise<Verdict> {
  let tree: PostgresTree;
  try {
    tree = await parsePostgres(sql);
  } catch (error) {
    return `it is not valid SQL: ${(error as Error).message}`;
  }
  const statements = tree.stmts ?? [];
  if (statements.length !== 1) {
    return `it holds ${statements.length} statements, and only one SELECT is allowed`;
  }
  const kind = Object.keys(statements[0].stmt)[0];
  if (kind !== 'SelectStmt') {
    return `it is a ${kind.replace(
      /Stmt$/,
      '',
    )} statement, and only a SELECT is allowed`;
  }
  const ctes = new Set<string>();
  for (const node of objectsOf(tree)) {
    const cte = node.CommonTableExpr as { ctename?: string } | undefined;
    if (cte?.ctename) ctes.add(cte.ctename.toLowerCase());
  }
  for (const node of objectsOf(tree)) {
    for (const [key, value] of Object.entries(node)) {
      if (!/^[A-Z]/.test(key)) continue;
      if (!POSTGRES_NODES.has(key)) {
        return `it uses ${key.replace(
          /Stmt$/,
          ' statement',
        )}, which a quality rule may not`;
      }
      const body = value as Record<string, any>;
      if (key === 'SelectStmt' && (body.intoClause || body.lockingClause)) {
        return body.intoClause
          ? 'it is a SELECT INTO, which writes a table'
          : 'it locks rows (FOR UPDATE/SHARE)';
      }
      if (key === 'FuncCall') {
        const names = (
          body.funcname as Array<{ String: { sval: string } }>
        ).map(part => part.String.sval);
        const verdict = checkFunction(
          names[names.length - 1],
          names.length > 1 ? names[0] : undefined,
        );
        if (verdict) return verdict;
      }
      if (
        key === 'SQLValueFunction' &&
        !/^SVFOP_(CURRENT_|LOCAL)(DATE|TIME)/.test(body.op)
      ) {
        return `it reads ${String(body.op)
          .replace('SVFOP_', '')
          .toLowerCase()}, which a quality rule may not`;
      }
      if (key === 'TypeCast') {
        const names = (
          body.typeName.names as Array<{ String: { sval: string } }>
        ).map(part => part.String.sval);
        const type = names[names.length - 1];
        if (!ALLOWED_CASTS.has(type.toLowerCase())) {
          return `it casts to ${names.join('.')}, which a quality rule may not`;
        }
      }
      if (key === 'RangeVar') {
        const verdict = checkTable(
          scope,
          ctes,
          body.relname,
          body.schemaname,
          body.catalogname,
        );
        if (verdict) return verdict;
      }
    }
  }
  return undefined;
}

/** Table references of DuckDB's parse tree that read something other than a table. */
const DUCKDB_REFUSED_REFS: Record<string, string> = {
  TABLE_FUNCTION: 'a table function',
  SHOW_REF: 'a DESCRIBE or SHOW',
  COLUMN_DATA: 'inline data',
};

async function guardDuckDb(sql: string, scope: SqlRuleScope): Promise<Verdict> {
  const tree = await parseDuckDb(sql);
  if (tree.error) {
    return /Only SELECT/.test(tree.error_message ?? '')
      ? 'it is not a SELECT, and only a SELECT is allowed'
      : `it is not valid SQL: ${tree.error_message}`;
  }
  const statements = tree.statements ?? [];
  if (statements.length !== 1) {
    return `it holds ${statements.length} statements, and only one SELECT is allowed`;
  }
  const ctes = new Set<string>();
  for (const node of objectsOf(tree)) {
    const map = (node.cte_map as { map?: Array<{ key: string }> } | undefined)
      ?.map;
    for (const entry of map ?? []) ctes.add(entry.key.toLowerCase());
  }
  for (const node of objectsOf(tree)) {
    if (node.class === 'FUNCTION') {
      const name = String(node.function_name);
      // Operators (+, ||, ~~ for LIKE...) are functions in DuckDB's tree.
      if (/^[^A-Za-z0-9_]+$/.test(name)) continue;
      const verdict = checkFunction(
        name,
        String(node.schema ?? '') || undefined,
      );
      if (verdict) return verdict;
    } else if (node.class === 'CAST') {
      // Built-in types are bound by the parser; others are looked up by name later.
      const type = node.cast_type as
        | {
            id?: string;
            type_info?: { name?: string; user_type_name?: string };
          }
        | undefined;
      if (type?.id === 'UNBOUND' || type?.id === 'USER') {
        const name = String(
          type.type_info?.name ?? type.type_info?.user_type_name,
        );
        if (!ALLOWED_CASTS.has(name.toLowerCase())) {
          return `it casts to ${name}, which a quality rule may not`;
        }
      }
    } else if (!node.class && typeof node.type === 'string') {
      if (DUCKDB_REFUSED_REFS[node.type]) {
        return `it reads ${
          DUCKDB_REFUSED_REFS[node.type]
        }, and only the contract's tables may be read`;
      }
      if (node.type === 'BASE_TABLE') {
        const verdict = checkTable(
          scope,
          ctes,
          String(node.table_name),
          String(node.schema_name ?? '') || undefined,
          String(node.catalog_name ?? '') || undefined,
        );
        if (verdict) return verdict;
      }
    }
  }
  return undefined;
}

/**
 * Why a quality rule's SQL may not run, or undefined when it may: it must parse, in the
 * server's own dialect, as exactly one SELECT that calls only allowed functions and reads only
 * the contract's tables. Nothing is sent to the data server.
 */
export async function guardSqlRule(
  sql: string,
  dialect: DataServerDialect,
  scope: SqlRuleScope,
): Promise<Verdict> {
  if (sql.includes('\u0000')) return 'it holds a NUL character';
  return dialect === 'postgres'
    ? guardPostgres(sql, scope)
    : guardDuckDb(sql, scope);
}
