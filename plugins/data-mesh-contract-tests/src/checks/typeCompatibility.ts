/** A kind of column type that dialects share, whatever its length or precision. */
type TypeFamily =
  | 'string'
  | 'integer'
  | 'decimal'
  | 'float'
  | 'boolean'
  | 'date'
  | 'time'
  | 'timestamp'
  | 'timestamptz'
  | 'interval'
  | 'uuid'
  | 'json'
  | 'binary'
  | 'array'
  | 'struct';

/**
 * Type names by family: of DuckDB and PostgreSQL, and of the warehouses and formats contracts
 * are written for (Snowflake's TIMESTAMP_NTZ, BigQuery's FLOAT64, Avro's timestamp-millis).
 */
const FAMILIES: Record<TypeFamily, string[]> = {
  string: ['varchar', 'character varying', 'text', 'string', 'char', 'character', 'bpchar', 'nvarchar', 'nchar', 'clob', 'citext', 'name', 'varchar2', 'nvarchar2'],
  integer: ['int', 'integer', 'int1', 'int2', 'int4', 'int8', 'int16', 'int32', 'int64', 'int128', 'smallint', 'bigint', 'tinyint', 'byteint', 'hugeint', 'uhugeint', 'utinyint', 'usmallint', 'uinteger', 'ubigint', 'long', 'short', 'serial', 'bigserial', 'smallserial', 'signed'],
  decimal: ['numeric', 'decimal', 'number', 'money', 'bignumeric', 'bigdecimal'],
  float: ['real', 'float', 'float4', 'float8', 'float32', 'float64', 'double', 'double precision'],
  boolean: ['bool', 'boolean', 'logical'],
  date: ['date'],
  time: ['time', 'time without time zone', 'time with time zone', 'timetz', 'time-millis', 'time-micros'],
  timestamp: ['timestamp', 'timestamp without time zone', 'datetime', 'timestamp_s', 'timestamp_ms', 'timestamp_ns', 'timestamp_ntz', 'timestamp-millis', 'timestamp-micros', 'local-timestamp-millis', 'local-timestamp-micros'],
  timestamptz: ['timestamptz', 'timestamp with time zone', 'timestamp_tz', 'timestamp_ltz'],
  interval: ['interval'],
  uuid: ['uuid'],
  json: ['json', 'jsonb', 'variant'],
  binary: ['bytea', 'blob', 'binary', 'varbinary', 'bytes'],
  array: ['array', 'list'],
  struct: ['struct', 'record', 'map', 'union', 'object'],
}; // prettier-ignore

/** The type names each dialect's servers have: a physicalType outside them is another dialect's. */
const DIALECT_TYPES: Record<'duckdb' | 'postgres', Set<string>> = {
  duckdb: new Set(['varchar', 'char', 'bpchar', 'text', 'string', 'nvarchar', 'integer', 'int', 'int4', 'signed', 'bigint', 'int8', 'long', 'smallint', 'int2', 'short', 'tinyint', 'int1', 'hugeint', 'int128', 'uhugeint', 'utinyint', 'usmallint', 'uinteger', 'ubigint', 'float', 'float4', 'real', 'double', 'float8', 'decimal', 'numeric', 'boolean', 'bool', 'logical', 'date', 'time', 'timetz', 'time with time zone', 'timestamp', 'datetime', 'timestamp without time zone', 'timestamptz', 'timestamp with time zone', 'timestamp_s', 'timestamp_ms', 'timestamp_ns', 'interval', 'uuid', 'json', 'blob', 'bytea', 'binary', 'varbinary', 'list', 'struct', 'map', 'union', 'array']),
  postgres: new Set(['varchar', 'character varying', 'text', 'char', 'character', 'bpchar', 'name', 'citext', 'integer', 'int', 'int2', 'int4', 'int8', 'smallint', 'bigint', 'serial', 'bigserial', 'smallserial', 'numeric', 'decimal', 'money', 'real', 'float', 'float4', 'float8', 'double precision', 'boolean', 'bool', 'date', 'time', 'timetz', 'time with time zone', 'time without time zone', 'timestamp', 'timestamptz', 'timestamp with time zone', 'timestamp without time zone', 'interval', 'uuid', 'json', 'jsonb', 'bytea', 'record', 'array']),
}; // prettier-ignore

const FAMILY_OF = new Map<string, TypeFamily>(
  Object.entries(FAMILIES).flatMap(([family, names]) =>
    names.map(name => [name, family as TypeFamily]),
  ),
);

/** A type name without its length, precision or array brackets, lower case. */
function baseName(type: string): string {
  return type
    .toLowerCase()
    .replace(/\([^)]*\)/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

const isArray = (base: string) => /\[\d*\]$/.test(base);

function familyOf(type: string): TypeFamily | undefined {
  const base = baseName(type);
  if (isArray(base)) return 'array';
  // Snowflake's and Oracle's NUMBER(p) and NUMBER(p, 0) hold whole numbers.
  if (/^\s*number\s*\(\s*\d+\s*(,\s*0+\s*)?\)\s*$/i.test(type)) {
    return 'integer';
  }
  return FAMILY_OF.get(base) ?? FAMILY_OF.get(base.split(/[ <]/)[0]);
}

/**
 * Whether a server of this dialect has the type: else it is another dialect's (a warehouse's).
 * @public
 */
export function isDialectType(
  type: string,
  dialect: 'duckdb' | 'postgres',
): boolean {
  const base = baseName(type);
  return (
    isArray(base) ||
    DIALECT_TYPES[dialect].has(base) ||
    DIALECT_TYPES[dialect].has(base.split(/[ <]/)[0])
  );
}

/** The families of server types each ODCS `logicalType` accepts. */
const LOGICAL_TYPES: Record<string, TypeFamily[]> = {
  string: ['string', 'uuid'],
  integer: ['integer'],
  number: ['integer', 'decimal', 'float'],
  boolean: ['boolean'],
  date: ['date'],
  timestamp: ['timestamp', 'timestamptz'],
  time: ['time'],
  object: ['struct', 'json'],
  array: ['array'],
};

/**
 * How a column's type compares with a property's: `mismatch` when it fails, `note` when it passes.
 * @public
 */
export interface TypeComparison {
  /** Why the column's type does not match; undefined when it does. */
  mismatch?: string;
  /** What was compared, when it was not the physicalType itself. */
  note?: string;
}

/**
 * Compares a column's server type with the property's `logicalType` and `physicalType`.
 * Lengths and precisions are not compared. A physicalType the server's dialect does not have
 * (a warehouse's, such as Snowflake's TIMESTAMP_NTZ on a DuckDB copy) is judged through the
 * logicalType when there is one, else through the family of types it belongs to.
 * @public
 */
export function compareTypes(
  actual: string,
  property: { logicalType?: string; physicalType?: string },
  dialect: 'duckdb' | 'postgres',
): TypeComparison {
  const { logicalType, physicalType } = property;
  const family = familyOf(actual);
  if (logicalType) {
    const accepted = LOGICAL_TYPES[logicalType.toLowerCase()];
    if (!accepted) {
      return { mismatch: `logicalType ${logicalType} is not one ODCS defines` };
    }
    if (!family || !accepted.includes(family)) {
      return {
        mismatch: `the column is ${actual}, which does not hold logicalType ${logicalType}`,
      };
    }
  }
  if (!physicalType) return {};
  if (isDialectType(physicalType, dialect)) {
    const expected = familyOf(physicalType);
    const same = expected
      ? expected === family
      : baseName(physicalType) === baseName(actual);
    return same
      ? {}
      : {
          mismatch: `the column is ${actual}, not physicalType ${physicalType}`,
        };
  }
  const foreign = `physicalType ${physicalType} is not a ${dialect} type`;
  if (logicalType) {
    return {
      note: `${foreign}: the column's ${actual} was compared with logicalType ${logicalType}`,
    };
  }
  const expected = familyOf(physicalType);
  if (!expected) {
    return {
      mismatch: `${foreign}, of no known type family, and the property has no logicalType to compare the column's ${actual} with`,
    };
  }
  return expected === family
    ? {
        note: `${foreign}: the column's ${actual} was compared with its type family ${expected}`,
      }
    : {
        mismatch: `${foreign}: the column is ${actual}, not of its type family ${expected}`,
      };
}
