import { ConflictError, InputError } from '@backstage/errors';
import {
  compareTypes,
  isDialectType,
} from '@datamesh-portal/plugin-data-mesh-contract-tests';
import {
  OutputPortProvisionRequest,
  ProvisioningColumn,
  ProvisioningPlanObject,
} from '@datamesh-portal/plugin-data-mesh-node';

/** The SQL dialects with a built-in provisioner. */
export type ProvisioningDialect = 'postgres' | 'duckdb';

/** A table as the server holds it. */
export interface ExistingTable {
  /** The table's comment: the provisioner's marker on the tables it created. */
  comment: string | null;
  /** A view, or anything else that is not a plain table: never altered. */
  isTable: boolean;
  columns: Array<{ name: string; type: string; nullable: boolean }>;
}

/** What the server holds in the request's schema, read in the transaction that applies. */
export interface ServerState {
  schemaExists: boolean;
  /** By name as the server spells it. */
  tables: Map<string, ExistingTable>;
  /** PostgreSQL: whether the owner role may already use the schema. */
  ownerHasUsage?: boolean;
  /** PostgreSQL: whether the owner role may already create in the schema. */
  ownerHasCreate?: boolean;
}

export const quoteIdentifier = (name: string) =>
  `"${name.replace(/"/g, '""')}"`;

/** A string literal for DDL; names and descriptions have no control characters or backslash escapes here. */
export const quoteLiteral = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** The comment on every table a provisioner creates, naming whose it is. */
export function provisioningMarker(productRef: string, port: string): string {
  return `data-mesh output port ${port} of ${productRef}`;
}

/** A type name with an optional length or precision and array brackets; nothing else reaches DDL. */
const TYPE_NAME =
  /^[A-Za-z][A-Za-z0-9_]*( [A-Za-z][A-Za-z0-9_]*){0,3}(\(\s*\d{1,9}\s*(,\s*\d{1,9}\s*)?\))?(\[\])?$/;

const LOGICAL: Record<string, Record<ProvisioningDialect, string>> = {
  string: { postgres: 'TEXT', duckdb: 'VARCHAR' },
  integer: { postgres: 'BIGINT', duckdb: 'BIGINT' },
  number: { postgres: 'DOUBLE PRECISION', duckdb: 'DOUBLE' },
  boolean: { postgres: 'BOOLEAN', duckdb: 'BOOLEAN' },
  date: { postgres: 'DATE', duckdb: 'DATE' },
  timestamp: { postgres: 'TIMESTAMP WITH TIME ZONE', duckdb: 'TIMESTAMPTZ' },
  time: { postgres: 'TIME', duckdb: 'TIME' },
  object: { postgres: 'JSONB', duckdb: 'JSON' },
};

/**
 * The column type of a contract property in a dialect: its physicalType when the dialect has
 * it (and it holds the logicalType), else the dialect's type for the logicalType. A
 * physicalType of another dialect, or no type at all, is refused naming the field.
 */
export function columnType(
  column: ProvisioningColumn,
  dialect: ProvisioningDialect,
): string {
  const { physicalType, field } = column;
  const logicalType = column.logicalType?.toLowerCase();
  if (physicalType !== undefined) {
    const type = physicalType.trim();
    if (!TYPE_NAME.test(type)) {
      throw new InputError(
        `${field}.physicalType: "${physicalType}" is not a type name`,
      );
    }
    if (!isDialectType(type, dialect)) {
      throw new InputError(
        `${field}.physicalType: ${type} is not a ${dialect} type; use one of ${dialect}'s types or leave physicalType out to use the logicalType's`,
      );
    }
    const { mismatch } = compareTypes(type, { logicalType }, dialect);
    if (mismatch) {
      throw new InputError(`${field}.physicalType: ${mismatch}`);
    }
    return type.toUpperCase();
  }
  if (logicalType === 'string' && column.maxLength) {
    return `VARCHAR(${column.maxLength})`;
  }
  if (logicalType === 'array') {
    const items = LOGICAL[column.itemsLogicalType?.toLowerCase() ?? 'string'];
    if (!items) {
      throw new InputError(
        `${field}.items.logicalType: ${column.itemsLogicalType} has no ${dialect} type`,
      );
    }
    return `${items[dialect]}[]`;
  }
  const type = logicalType ? LOGICAL[logicalType]?.[dialect] : undefined;
  if (!type) {
    throw new InputError(
      logicalType
        ? `${field}.logicalType: ${
            column.logicalType
          } has no ${dialect} type; use one of ${Object.keys(LOGICAL).join(
            ', ',
          )}, array`
        : `${field}: the property has neither logicalType nor physicalType, so its column has no type`,
    );
  }
  return type;
}

/**
 * A contract change that would break the readers of a port's tables: the portal shows
 * `breaking` (and who relies on the contract) instead of DDL; apply refuses it with 409.
 */
export class BreakingChangeError extends ConflictError {
  constructor(
    message: string,
    /** The tables the change is refused for, `schema.table` quoted. */
    readonly tables: string[],
    /** Each change that breaks, naming the contract's field. */
    readonly breaking: string[],
  ) {
    super(message);
  }
}

/** The plan of a request against what the server holds: DDL in the order it runs. */
export interface SqlPlan {
  objects: ProvisioningPlanObject[];
  statements: string[];
}

const sameName = (a: string, b: string) => a === b;

/**
 * Plans the DDL that makes the server hold the request's tables: the schema when missing, each
 * table created with NOT NULL for required columns and its primary key, marked and (with roles)
 * owned by the team's role; a table created for the same port before gets its new optional
 * columns and nothing else. Refuses, naming the field, a table of another (a name clash) and
 * a change that would break its readers.
 */
export function planStatements(
  request: OutputPortProvisionRequest,
  state: ServerState,
  dialect: ProvisioningDialect,
): SqlPlan {
  const q = quoteIdentifier;
  const schema = q(request.schema);
  const marker = provisioningMarker(request.productRef, request.port);
  const statements: string[] = [];
  const objects: ProvisioningPlanObject[] = [];
  const owner =
    dialect === 'postgres' && request.ownerRole
      ? q(request.ownerRole)
      : undefined;
  if (!state.schemaExists) statements.push(`CREATE SCHEMA ${schema}`);
  if (owner && !state.ownerHasUsage) {
    statements.push(`GRANT USAGE ON SCHEMA ${schema} TO ${owner}`);
  }

  let lendsCreate = false;
  // Every table's breaking changes, so that one refusal names them all.
  const broken: Array<{ table: string; breaking: string[] }> = [];
  for (const object of request.objects) {
    const table = `${schema}.${q(object.name)}`;
    const types = object.columns.map(c => columnType(c, dialect));
    const existing = state.tables.get(object.name);
    if (!existing) {
      const key = object.columns
        .filter(c => c.primaryKeyPosition !== undefined)
        .sort((a, b) => a.primaryKeyPosition! - b.primaryKeyPosition!)
        .map(c => q(c.name));
      const lines = object.columns.map(
        (c, i) => `  ${q(c.name)} ${types[i]}${c.required ? ' NOT NULL' : ''}`,
      );
      if (key.length > 0) lines.push(`  PRIMARY KEY (${key.join(', ')})`);
      statements.push(`CREATE TABLE ${table} (\n${lines.join(',\n')}\n)`);
      statements.push(`COMMENT ON TABLE ${table} IS ${quoteLiteral(marker)}`);
      for (const c of object.columns.filter(col => col.description)) {
        statements.push(
          `COMMENT ON COLUMN ${table}.${q(c.name)} IS ${quoteLiteral(
            c.description!,
          )}`,
        );
      }
      if (owner) {
        // A new owner needs CREATE on the schema; the team gets it for this transaction only.
        if (!state.ownerHasCreate && !lendsCreate) {
          statements.push(`GRANT CREATE ON SCHEMA ${schema} TO ${owner}`);
          lendsCreate = true;
        }
        statements.push(`ALTER TABLE ${table} OWNER TO ${owner}`);
      }
      objects.push({ table, action: 'create' });
      continue;
    }
    if (!existing.isTable || existing.comment !== marker) {
      throw new ConflictError(
        `${object.field}: ${table} already exists on server ${request.server.id} and was not created for output port ${request.port} of ${request.productRef}; choose another name (physicalName) or another server`,
      );
    }
    // An own table: only optional columns may be added; anything else breaks its readers.
    const breaking: string[] = [];
    const added: string[] = [];
    object.columns.forEach((c, i) => {
      const found = existing.columns.find(e => sameName(e.name, c.name));
      if (!found) {
        if (c.required) {
          breaking.push(
            `${c.field}: new column ${c.name} is required, and the rows already there have no value for it`,
          );
        } else {
          added.push(
            `ALTER TABLE ${table} ADD COLUMN ${q(c.name)} ${types[i]}`,
          );
        }
        return;
      }
      const { mismatch } = compareTypes(
        found.type,
        { logicalType: c.logicalType, physicalType: types[i] },
        dialect,
      );
      if (mismatch) breaking.push(`${c.field}: ${mismatch}`);
      if (c.required === found.nullable) {
        breaking.push(
          `${c.field}: the column is ${
            found.nullable ? 'nullable' : 'NOT NULL'
          } and the contract makes it ${c.required ? 'required' : 'optional'}`,
        );
      }
    });
    for (const e of existing.columns) {
      if (!object.columns.some(c => sameName(c.name, e.name))) {
        breaking.push(
          `${object.field}: column ${e.name} is no longer in the contract; dropping it would break its readers`,
        );
      }
    }
    if (breaking.length > 0) {
      broken.push({ table, breaking });
      continue;
    }
    statements.push(...added);
    objects.push({ table, action: added.length > 0 ? 'alter' : 'none' });
  }
  if (broken.length > 0) {
    const tables = broken.map(b => b.table);
    const breaking = broken.flatMap(b => b.breaking);
    throw new BreakingChangeError(
      `Breaking change to ${tables.join(', ')} on server ${
        request.server.id
      }, refused: ${breaking.join('; ')}`,
      tables,
      breaking,
    );
  }
  if (lendsCreate) {
    statements.push(`REVOKE CREATE ON SCHEMA ${schema} FROM ${owner}`);
  }
  // Nothing to create or alter: the schema grant alone is no plan.
  if (objects.every(o => o.action === 'none') && state.schemaExists) {
    return { objects, statements: [] };
  }
  return { objects, statements };
}
