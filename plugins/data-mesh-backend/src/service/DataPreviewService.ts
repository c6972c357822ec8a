import { Entity } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  chooseContractServer,
  DataServer,
  DataServerColumn,
} from '@datamesh-portal/plugin-data-mesh-contract-tests';
import {
  DataMeshApiComponents,
  entityRefKey,
  flattenProperties,
  listOf,
  OdcsContract,
  OdcsSchemaObject,
  OdcsSchemaProperty,
  OdcsServer,
  readOdcsContract,
} from '@datamesh-portal/plugin-data-mesh-common';

/** The most rows a preview returns, whatever is asked. */
export const MAX_PREVIEW_ROWS = 100;
/** The rows a preview returns when the caller does not say. */
export const DEFAULT_PREVIEW_ROWS = 20;
/** A longer text value is cut here: a preview shows data, it does not export it. */
export const MAX_PREVIEW_TEXT = 1_000;

/** The classification whose values only owners, and agreements that cover them, see. */
const RESTRICTED = 'restricted';

/** Database server types of a contract, by ODCS `type`, and the dialect that reads them. */
const DATABASE_TYPES: Record<string, DataServer['dialect']> = {
  postgres: 'postgres',
  postgresql: 'postgres',
  duckdb: 'duckdb',
};

/** The first rows of one table of a port, as the caller may see them. */
export type PreviewTable = DataMeshApiComponents['schemas']['PortPreviewTable'];

/** A port's preview: each table of its contract. */
export type PortPreview = Omit<
  DataMeshApiComponents['schemas']['PortPreviewResponse'],
  'agreementId'
>;

/**
 * Who reads: an owner sees everything; a consumer reading under an agreement never sees the
 * values of restricted properties, and on PostgreSQL reads as their granted role when known.
 */
export type PreviewReader =
  | { as: 'owner' }
  | {
      as: 'agreement';
      /** The consumer's role on a server (by id), when one is configured. */
      databaseRole?: (serverId: string) => string | undefined;
    };

/** Whether a property (or anything nested in it) is classified restricted. */
function isRestricted(property: OdcsSchemaProperty): boolean {
  return flattenProperties([property]).some(
    ({ property: p }) =>
      typeof p.classification === 'string' &&
      p.classification.trim().toLowerCase() === RESTRICTED,
  );
}

/** The column of a property: its physicalName, else its name. */
function columnName(property: OdcsSchemaProperty): string {
  return String(property.physicalName ?? property.name ?? '');
}

/** Quotes an identifier for both dialects: in double quotes, inner quotes doubled. */
export function quoteIdentifier(name: string): string {
  if (name.includes('\u0000')) {
    throw new InputError('An identifier may not contain a NUL character');
  }
  return `"${name.replace(/"/g, '""')}"`;
}

/** A value as the preview shows it: strings, numbers, booleans or null, long text cut. */
function previewValue(value: unknown): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return Number(value);
  let text: string;
  if (typeof value === 'string') text = value;
  else if (value instanceof Date) text = value.toISOString();
  else if (value instanceof Uint8Array) text = `(${value.byteLength} bytes)`;
  else {
    text = JSON.stringify(value, (_k, v) =>
      typeof v === 'bigint' ? Number(v) : v,
    );
  }
  return text.length > MAX_PREVIEW_TEXT
    ? `${text.slice(0, MAX_PREVIEW_TEXT)}…`
    : text;
}

/**
 * Reads the first rows of a product's output port for the portal's read-only preview: the
 * port's contract names the tables (its schema objects) and the server (the one its contract
 * tests run on, see `chooseContractServer`). Only the columns
 * the contract declares are read, with quoted identifiers and a bound row limit of at most
 * {@link MAX_PREVIEW_ROWS}, on the server's read-only pool with its statement timeout.
 * Columns of properties classified restricted are never read for a consumer: the database
 * sends NULL in their place; owners see them. Who may read is decided by the caller of this service.
 */
export class DataPreviewService {
  constructor(
    private readonly options: {
      /** The configured data server of an id (`dataMesh.servers`). */
      servers: (id: string) => DataServer | undefined;
    },
  ) {}

  /** The contract of a port, parsed; NotFoundError naming the port when there is none. */
  contractOf(api: Entity | undefined, port: string, contractRef: string) {
    if (!api) {
      throw new NotFoundError(
        `The contract ${contractRef} of port ${port} is not in the catalog`,
      );
    }
    try {
      return readOdcsContract(
        (api.spec as { definition?: unknown }).definition as string,
      );
    } catch (error) {
      throw new InputError(
        `The contract ${contractRef} of port ${port} cannot be read: ${
          (error as Error).message
        }`,
      );
    }
  }

  /**
   * Every table of the port's contract: its first rows, or why it could not be read (the
   * others are still read). Throws a NotFoundError when no server of the contract is here.
   */
  async preview(request: {
    product: Entity;
    port: string;
    contractRef: string;
    contract: OdcsContract;
    limit: number;
    reader: PreviewReader;
    signal?: AbortSignal;
  }): Promise<PortPreview> {
    const { contract, port, contractRef } = request;
    const { server, entry } = this.serverOf(contract, port, contractRef);
    const schema =
      typeof entry.schema === 'string' && entry.schema
        ? entry.schema
        : undefined;
    const tables: PreviewTable[] = [];
    // One after the other: a preview holds at most one of the server's connections.
    for (const object of listOf<OdcsSchemaObject>(contract.schema)) {
      try {
        tables.push(await this.previewTable(server, schema, object, request));
      } catch (error) {
        tables.push({
          name: String(object.name ?? columnName(object)),
          columns: [],
          rows: [],
          truncated: false,
          masked: [],
          error: (error as Error).message,
        });
      }
    }
    return {
      productRef: entityRefKey(request.product),
      outputPort: port,
      server: server.id,
      tables,
    };
  }

  private async previewTable(
    server: DataServer,
    schema: string | undefined,
    object: OdcsSchemaObject,
    request: { limit: number; reader: PreviewReader; signal?: AbortSignal },
  ): Promise<PreviewTable> {
    const { reader, signal } = request;
    // Never more, whatever the caller asks.
    const limit = Math.min(
      Math.max(1, Math.floor(request.limit)),
      MAX_PREVIEW_ROWS,
    );
    const name = String(object.name ?? columnName(object));
    const table = columnName(object);
    const found = await this.findTable(server, schema, table, signal);
    if (!found) {
      throw new Error(
        `The table ${schema ? `${schema}.` : ''}${table} is not on server ${
          server.id
        }`,
      );
    }
    const objectRestricted = isRestricted({ ...object, properties: [] });
    const onServer = new Map(found.columns.map(c => [c.name, c]));
    const columns = listOf<OdcsSchemaProperty>(object.properties)
      .map(property => ({
        name: columnName(property),
        column: onServer.get(columnName(property)),
        masked:
          reader.as !== 'owner' && (objectRestricted || isRestricted(property)),
      }))
      .filter(
        (c): c is typeof c & { column: DataServerColumn } =>
          c.name !== '' && c.column !== undefined,
      );
    if (columns.length === 0) {
      throw new Error(
        `None of the properties of ${name} is a column of ${table} on server ${server.id}`,
      );
    }
    // Restricted values never leave the database: it sends NULL in their place.
    const select = columns
      .map(c =>
        c.masked
          ? `NULL AS ${quoteIdentifier(c.name)}`
          : quoteIdentifier(c.name),
      )
      .join(', ');
    const role =
      reader.as === 'agreement' && server.dialect === 'postgres'
        ? reader.databaseRole?.(server.id)
        : undefined;
    // One row more than shown tells whether there are more.
    const rows = await server.query(
      `SELECT ${select} FROM ${found.relation} LIMIT $1`,
      [limit + 1],
      {
        ...(signal ? { signal } : {}),
        ...(role ? { role } : {}),
      },
    );
    return {
      name,
      ...(table !== name ? { physicalName: table } : {}),
      columns: columns.map(c => ({ name: c.name, type: c.column.type })),
      rows: rows
        .slice(0, limit)
        .map(row =>
          columns.map(c => (c.masked ? null : previewValue(row[c.name]))),
        ),
      truncated: rows.length > limit,
      masked: columns.filter(c => c.masked).map(c => c.name),
    };
  }

  /**
   * The server the port's contract tests run on (`chooseContractServer`), when it is a
   * database of the dialect configured for it: the preview reads tables, not files.
   */
  private serverOf(contract: OdcsContract, port: string, contractRef: string) {
    const entries = listOf<OdcsServer>(contract.servers);
    const id = chooseContractServer(
      entries,
      name => this.options.servers(name)?.dialect,
    );
    const entry = entries.find(e => id !== undefined && e.server === id);
    const server = id === undefined ? undefined : this.options.servers(id);
    const dialect = DATABASE_TYPES[String(entry?.type ?? '').toLowerCase()];
    if (entry && server && dialect === server.dialect) return { server, entry };
    throw new NotFoundError(
      `Port ${port}: no server of its contract ${contractRef} (${
        entries.map(e => String(e.server)).join(', ') || 'none'
      }) is a PostgreSQL or DuckDB server configured in dataMesh.servers, so its data cannot be previewed`,
    );
  }

  private async findTable(
    server: DataServer,
    schema: string | undefined,
    table: string,
    signal?: AbortSignal,
  ) {
    // PostgreSQL folds unquoted names to lower case: a contract may spell them as written.
    for (const name of new Set([table, table.toLowerCase()])) {
      const columns = await server.columns(
        schema,
        name,
        signal ? { signal } : {},
      );
      if (columns) {
        return {
          relation: schema
            ? `${quoteIdentifier(schema)}.${quoteIdentifier(name)}`
            : quoteIdentifier(name),
          columns,
        };
      }
    }
    return undefined;
  }
}
