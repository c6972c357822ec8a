/** A kind of column type that both dialects share, whatever its length or precision. */
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

const FAMILIES: Record<TypeFamily, string[]> = {
  string: ['varchar', 'character varying', 'text', 'string', 'char', 'character', 'bpchar', 'nvarchar', 'nchar', 'clob', 'citext', 'name'],
  integer: ['int', 'integer', 'int1', 'int2', 'int4', 'int8', 'int16', 'int32', 'int64', 'int128', 'smallint', 'bigint', 'tinyint', 'hugeint', 'uhugeint', 'utinyint', 'usmallint', 'uinteger', 'ubigint', 'long', 'short', 'serial', 'bigserial', 'smallserial', 'signed'],
  decimal: ['numeric', 'decimal', 'number', 'money'],
  float: ['real', 'float', 'float4', 'float8', 'double', 'double precision'],
  boolean: ['bool', 'boolean', 'logical'],
  date: ['date'],
  time: ['time', 'time without time zone', 'time with time zone', 'timetz'],
  timestamp: ['timestamp', 'timestamp without time zone', 'datetime', 'timestamp_s', 'timestamp_ms', 'timestamp_ns'],
  timestamptz: ['timestamptz', 'timestamp with time zone'],
  interval: ['interval'],
  uuid: ['uuid'],
  json: ['json', 'jsonb'],
  binary: ['bytea', 'blob', 'binary', 'varbinary', 'bytes'],
  array: ['array', 'list'],
  struct: ['struct', 'record', 'map', 'union', 'object'],
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

function familyOf(type: string): TypeFamily | undefined {
  const base = baseName(type);
  if (/\[\d*\]$/.test(base)) return 'array';
  return FAMILY_OF.get(base) ?? FAMILY_OF.get(base.split(/[ <]/)[0]);
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
 * Why a column's server type does not match the property's `logicalType` and
 * `physicalType`, or undefined when it does. Lengths and precisions are not compared.
 */
export function typeMismatch(
  actual: string,
  logicalType: string | undefined,
  physicalType: string | undefined,
): string | undefined {
  const family = familyOf(actual);
  if (logicalType) {
    const accepted = LOGICAL_TYPES[logicalType.toLowerCase()];
    if (!accepted) {
      return `logicalType ${logicalType} is not one ODCS defines`;
    }
    if (!family || !accepted.includes(family)) {
      return `the column is ${actual}, which does not hold logicalType ${logicalType}`;
    }
  }
  if (physicalType) {
    const expected = familyOf(physicalType);
    const same = expected
      ? expected === family
      : baseName(physicalType) === baseName(actual);
    if (!same) {
      return `the column is ${actual}, not physicalType ${physicalType}`;
    }
  }
  return undefined;
}
