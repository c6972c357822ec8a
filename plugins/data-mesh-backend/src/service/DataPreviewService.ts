import { Entity } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  DataServer,
  DataServerColumn,
} from '@datamesh-portal/plugin-data-mesh-contract-tests';
import {
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

/** The first rows of a port's table, as the caller may see them. */
export interface DataPreview {
  entityRef: string;
  port: string;
  contractRef: string;
  server: string;
  object: string;
  columns: { name: string; type: string; masked: boolean }[];
  /** The columns whose values were withheld (every row has null there). */
  masked: string[];
  rows: Record<string, unknown>[];
  limit: number;
  /** Whether the caller reads as an owner or under an agreement. */
  access: 'owner' | 'agreement';
}

/** Who reads: an owner sees everything, a consumer restricted values only when covered. */
export type PreviewReader =
  | { as: 'owner' }
  | { as: 'agreement'; coversRestricted: boolean; databaseRole?: string };

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

/** A value as JSON shows it, long text cut, binary as its size. */
function previewValue(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return `(${value.byteLength} bytes)`;
  if (typeof value === 'string' && value.length > MAX_PREVIEW_TEXT) {
    return `${value.slice(0, MAX_PREVIEW_TEXT)}…`;
  }
  if (value !== null && typeof value === 'object') {
    const text = JSON.stringify(value, (_k, v) =>
      typeof v === 'bigint' ? Number(v) : v,
    );
    return text.length > MAX_PREVIEW_TEXT
      ? `${text.slice(0, MAX_PREVIEW_TEXT)}…`
      : value;
  }
  return value;
}

/** The rows asked for, within 1 to {@link MAX_PREVIEW_ROWS}. */
export function previewLimit(value: unknown): number {
  if (value === undefined) return DEFAULT_PREVIEW_ROWS;
  const limit = Number(value);
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new InputError(
      `limit: must be a whole number from 1 to ${MAX_PREVIEW_ROWS}, got ${JSON.stringify(
        value,
      )}`,
    );
  }
  return Math.min(limit, MAX_PREVIEW_ROWS);
}

/**
 * Reads the first rows of a product's output port for the portal's read-only preview: the
 * port's contract names the table (its first schema object, or the one asked for) and the
 * server (the contract's first server entry configured in `dataMesh.servers`). Only the columns
 * the contract declares are read, with quoted identifiers and a bound row limit of at most
 * {@link MAX_PREVIEW_ROWS}, on the server's read-only pool with its statement timeout.
 * Restricted columns are never read for a consumer whose agreement does not cover them: the
 * database sends NULL in their place. Who may read is decided by the caller of this service.
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

  async preview(request: {
    product: Entity;
    port: string;
    contractRef: string;
    contract: OdcsContract;
    object?: string;
    limit: number;
    reader: PreviewReader;
    signal?: AbortSignal;
  }): Promise<DataPreview> {
    const { contract, port, contractRef, reader } = request;
    const object = this.objectOf(contract, port, request.object);
    const { server, entry } = this.serverOf(contract, port, contractRef);
    const schema =
      typeof entry.schema === 'string' && entry.schema
        ? entry.schema
        : undefined;
    const table = columnName(object);
    const found = await this.findTable(server, schema, table, request.signal);
    if (!found) {
      throw new NotFoundError(
        `Port ${port}: the table ${
          schema ? `${schema}.` : ''
        }${table} of ${contractRef} is not on server ${server.id}`,
      );
    }

    const objectRestricted = isRestricted({ ...object, properties: [] });
    const mayReadRestricted = reader.as === 'owner' || reader.coversRestricted;
    const onServer = new Map(found.columns.map(c => [c.name, c]));
    const columns = listOf<OdcsSchemaProperty>(object.properties)
      .map(property => ({
        name: columnName(property),
        column: onServer.get(columnName(property)),
        masked:
          !mayReadRestricted && (objectRestricted || isRestricted(property)),
      }))
      .filter(
        (c): c is typeof c & { column: DataServerColumn } =>
          c.name !== '' && c.column !== undefined,
      );
    if (columns.length === 0) {
      throw new NotFoundError(
        `Port ${port}: none of the properties of ${columnName(
          object,
        )} in ${contractRef} is a column of its table on server ${server.id}`,
      );
    }

    const select = columns
      .map(c =>
        c.masked
          ? `NULL AS ${quoteIdentifier(c.name)}`
          : quoteIdentifier(c.name),
      )
      .join(', ');
    const rows = await server.query(
      `SELECT ${select} FROM ${found.relation} LIMIT $1`,
      [request.limit],
      {
        ...(request.signal ? { signal: request.signal } : {}),
        ...(reader.as === 'agreement' && reader.databaseRole
          ? { role: reader.databaseRole }
          : {}),
      },
    );
    return {
      entityRef: entityRefKey(request.product),
      port,
      contractRef,
      server: server.id,
      object: columnName(object),
      columns: columns.map(c => ({
        name: c.name,
        type: c.column.type,
        masked: c.masked,
      })),
      masked: columns.filter(c => c.masked).map(c => c.name),
      // Never more than asked, whatever the server does.
      rows: rows
        .slice(0, request.limit)
        .map(row =>
          Object.fromEntries(
            columns.map(c => [
              c.name,
              c.masked ? null : previewValue(row[c.name]),
            ]),
          ),
        ),
      limit: request.limit,
      access: reader.as,
    };
  }

  /** The schema object previewed: the one named, else the first. */
  private objectOf(
    contract: OdcsContract,
    port: string,
    name: string | undefined,
  ): OdcsSchemaObject {
    const objects = listOf<OdcsSchemaObject>(contract.schema);
    if (objects.length === 0) {
      throw new NotFoundError(
        `Port ${port}: its contract ${contract.id} has no schema object to preview`,
      );
    }
    if (name === undefined) return objects[0];
    const object = objects.find(o => o.name === name);
    if (!object) {
      throw new NotFoundError(
        `Port ${port}: its contract ${
          contract.id
        } has no schema object ${JSON.stringify(name)} (it has ${objects
          .map(o => String(o.name))
          .join(', ')})`,
      );
    }
    return object;
  }

  /** The contract's first database server that is configured here. */
  private serverOf(contract: OdcsContract, port: string, contractRef: string) {
    const entries = listOf<OdcsServer>(contract.servers);
    for (const entry of entries) {
      const server = this.options.servers(String(entry.server ?? ''));
      const dialect = DATABASE_TYPES[String(entry.type ?? '').toLowerCase()];
      if (server && dialect === server.dialect) return { server, entry };
    }
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
