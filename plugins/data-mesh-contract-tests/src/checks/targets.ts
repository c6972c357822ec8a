import {
  OdcsSchemaObject,
  OdcsServer,
} from '@datamesh-portal/plugin-data-mesh-common';
import { isAbsolute, relative, resolve as resolvePath } from 'path';
import { quoteIdentifier, quoteLiteral } from '../servers/sqlText';
import {
  DataServer,
  DataServerColumn,
  DataServerQueryOptions,
} from '../servers/types';

/** The table an object's data is in, as found on the server. */
export interface FoundTable {
  /** What a query reads from: a quoted table name or a file-reading function. */
  relation: string;
  columns: DataServerColumn[];
}

/** Where a contract's objects are on a server, and how rules refer to them. */
export interface Target {
  readonly server: DataServer;
  /** The schema the contract's tables are in, when it names one. */
  readonly schema?: string;
  /** The table of an object, or undefined when there is none. Throws when it cannot tell. */
  find(
    object: OdcsSchemaObject,
    options: DataServerQueryOptions,
  ): Promise<FoundTable | undefined>;
  /** What `${table}` stands for in a quality rule of this object. */
  ruleTable(found: FoundTable, object: OdcsSchemaObject): string;
  /** A rule's SELECT as sent to the server: with the contract's files in scope. */
  ruleQuery(sql: string, objects: OdcsSchemaObject[]): string;
}

/** The name of an object's table or file: its physicalName, else its name. */
export function tableName(object: OdcsSchemaObject): string {
  return String(object.physicalName ?? object.name ?? '');
}

/** Tables of a database server, in the schema the contract's server entry names. */
class TableTarget implements Target {
  constructor(readonly server: DataServer, readonly schema?: string) {}

  private relation(table: string) {
    return this.schema
      ? `${quoteIdentifier(this.schema)}.${quoteIdentifier(table)}`
      : quoteIdentifier(table);
  }

  async find(object: OdcsSchemaObject, options: DataServerQueryOptions) {
    const name = tableName(object);
    // PostgreSQL folds unquoted names to lower case: a contract may spell them as written.
    for (const table of new Set([name, name.toLowerCase()])) {
      const columns = await this.server.columns(this.schema, table, options);
      if (columns) return { relation: this.relation(table), columns };
    }
    return undefined;
  }

  ruleTable(found: FoundTable) {
    return found.relation;
  }

  ruleQuery(sql: string) {
    return sql;
  }
}

const FILE_READERS: Record<string, string> = {
  parquet: 'read_parquet',
  csv: 'read_csv',
  json: 'read_json',
};

/** Files of a `local` server, read by DuckDB inside the server's data folder. */
class FileTarget implements Target {
  constructor(
    readonly server: DataServer,
    private readonly directory: string,
    private readonly path: string,
    private readonly reader: string,
  ) {}

  /** The file (or glob) of an object, confined to the data folder. */
  private file(object: OdcsSchemaObject): string {
    const path = this.path.replace(/\{model\}/g, tableName(object));
    const file = resolvePath(this.directory, path);
    const inside = relative(this.directory, file);
    if (!inside || inside.startsWith('..') || isAbsolute(inside)) {
      throw new Error(
        `its path ${path} leaves the data folder of server ${this.server.id}`,
      );
    }
    return file;
  }

  private relation(object: OdcsSchemaObject) {
    return `${this.reader}(${quoteLiteral(this.file(object))})`;
  }

  async find(object: OdcsSchemaObject, options: DataServerQueryOptions) {
    const relation = this.relation(object);
    try {
      const rows = await this.server.query(
        `SELECT column_name AS "name", column_type AS "type" FROM (DESCRIBE SELECT * FROM ${relation})`,
        [],
        options,
      );
      return {
        relation,
        columns: rows.map(row => ({
          name: String(row.name),
          type: String(row.type),
        })),
      };
    } catch (error) {
      if (/No files found/i.test((error as Error).message)) return undefined;
      throw error;
    }
  }

  ruleTable(_found: FoundTable, object: OdcsSchemaObject) {
    return quoteIdentifier(tableName(object));
  }

  ruleQuery(sql: string, objects: OdcsSchemaObject[]) {
    const files = objects
      .filter(object => tableName(object))
      .map(
        object =>
          `${quoteIdentifier(
            tableName(object),
          )} AS (SELECT * FROM ${this.relation(object)})`,
      );
    return files.length > 0
      ? `WITH ${files.join(',\n')}\nSELECT * FROM (\n${sql}\n) AS "rule"`
      : sql;
  }
}

/** The server types of a contract each dialect reads, by ODCS server `type`. */
const DATABASE_TYPES: Record<string, DataServer['dialect']> = {
  postgres: 'postgres',
  postgresql: 'postgres',
  duckdb: 'duckdb',
};

/** Whether a configured server of this dialect can read a contract server entry of this type. */
function reads(entry: OdcsServer, dialect: DataServer['dialect']): boolean {
  const type = String(entry.type ?? '').toLowerCase();
  return type === 'local'
    ? dialect === 'duckdb'
    : DATABASE_TYPES[type] === dialect;
}

/**
 * The server a contract is tested on when none is asked for: the first of its `servers` whose
 * id is configured, with a server of the dialect its type needs. The other entries document
 * where the data lives elsewhere (a warehouse this portal does not reach, or a copy configured
 * for another deployment). Without such an entry, the first configured one (whose test says
 * what does not fit), else the first. Undefined when the contract names no server.
 * @public
 */
export function chooseContractServer(
  servers: OdcsServer[],
  dialectOf: (id: string) => DataServer['dialect'] | undefined,
): string | undefined {
  const named = servers.filter(
    entry => typeof entry.server === 'string' && entry.server !== '',
  );
  const configured = named.filter(entry => dialectOf(entry.server as string));
  const entry =
    configured.find(e => reads(e, dialectOf(e.server as string)!)) ??
    configured[0] ??
    named[0];
  return entry?.server as string | undefined;
}

/**
 * Where the contract's objects are, or why they cannot be reached: the contract's server entry
 * (which names the schema), checked against the configured server of the same id.
 */
export function resolveTarget(
  label: string,
  entry: OdcsServer | undefined,
  serverId: string,
  server: DataServer | undefined,
  objects: OdcsSchemaObject[],
): Target | string {
  if (!entry) {
    return serverId
      ? `${label}: it has no server ${serverId} in its servers`
      : `${label}: it names no server to test against`;
  }
  if (!server) {
    return `${label}: server ${serverId} is not configured (dataMesh.servers.${serverId}), so its data cannot be tested`;
  }
  const type = String(entry.type ?? '').toLowerCase();
  if (type === 'local') {
    const reader = FILE_READERS[String(entry.format ?? '').toLowerCase()];
    if (server.dialect !== 'duckdb' || !server.dataDirectory) {
      return `${label}: server ${serverId} is a local server, which needs a configured duckdb server with a dataDirectory`;
    }
    if (!reader || typeof entry.path !== 'string') {
      return `${label}: server ${serverId} is a local server whose format ${JSON.stringify(
        entry.format,
      )} is not parquet, csv or json, or that has no path`;
    }
    if (objects.length > 1 && !entry.path.includes('{model}')) {
      return `${label}: server ${serverId} has several schema objects, so its path must hold {model} where each object's name goes`;
    }
    return new FileTarget(server, server.dataDirectory, entry.path, reader);
  }
  const dialect = DATABASE_TYPES[type];
  if (!dialect) {
    return `${label}: server ${serverId} is of type ${
      type || '(none)'
    }, which contract tests do not support (postgres, duckdb and local are)`;
  }
  if (dialect !== server.dialect) {
    return `${label}: server ${serverId} is of type ${type} in the contract but ${server.dialect} in the config`;
  }
  return new TableTarget(
    server,
    typeof entry.schema === 'string' && entry.schema ? entry.schema : undefined,
  );
}
