import { ExampleColumn } from './contracts';

/** The SQL dialects the example data is written in. */
export type ExampleDataDialect = 'duckdb' | 'postgres';

/** Precision and scale, or length, written in a physical type such as `NUMBER(18,2)`. */
export function typeArguments(physicalType: string | undefined): number[] {
  const match = physicalType?.match(/\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)/);
  if (!match) return [];
  return match[2] === undefined
    ? [Number(match[1])]
    : [Number(match[1]), Number(match[2])];
}

/** The most characters a string column holds, when its physical type says. */
export function maxLength(column: ExampleColumn): number | undefined {
  return column.logicalType === 'string'
    ? typeArguments(column.physicalType)[0]
    : undefined;
}

/** Whether a string column is fixed-width (`char(n)`): its values are exactly n long. */
export function isFixedWidth(column: ExampleColumn): boolean {
  return /^\s*(char|character|nchar)\s*\(/i.test(column.physicalType ?? '');
}

/** Precision and scale of a decimal column; undefined for floating point ones. */
export function decimalOf(
  column: ExampleColumn,
): { precision: number; scale: number } | undefined {
  const type = (column.physicalType ?? '').toLowerCase();
  if (/float|double|real/.test(type)) return undefined;
  const [precision, scale] = typeArguments(type);
  if (precision)
    return { precision: Math.min(precision, 38), scale: scale ?? 0 };
  // BigQuery's NUMERIC; a number without a physical type is a double.
  return /numeric|decimal|number/.test(type)
    ? { precision: 38, scale: 9 }
    : undefined;
}

function integerType(column: ExampleColumn): string {
  const type = (column.physicalType ?? '').toLowerCase();
  const [digits] = typeArguments(type);
  if (/smallint|int2/.test(type) || (digits && digits <= 4)) return 'SMALLINT';
  if (/bigint|int64|int8|long/.test(type) || (digits && digits > 9)) {
    return 'BIGINT';
  }
  return 'INTEGER';
}

/**
 * The column type of a contract property in a dialect: the contract's physical types are
 * the organisations' warehouses' (Snowflake's `NUMBER(10)`, BigQuery's `STRING`, Avro's
 * `timestamp-millis`), translated to the nearest type of the same family and size.
 */
export function sqlType(
  column: ExampleColumn,
  dialect: ExampleDataDialect,
): string {
  switch (column.logicalType) {
    case 'string': {
      const length = maxLength(column);
      if (!length) return dialect === 'postgres' ? 'TEXT' : 'VARCHAR';
      return isFixedWidth(column) ? `CHAR(${length})` : `VARCHAR(${length})`;
    }
    case 'integer':
      return integerType(column);
    case 'number': {
      const decimal = decimalOf(column);
      if (decimal) return `DECIMAL(${decimal.precision},${decimal.scale})`;
      return dialect === 'postgres' ? 'DOUBLE PRECISION' : 'DOUBLE';
    }
    case 'boolean':
      return 'BOOLEAN';
    case 'date':
      return 'DATE';
    case 'timestamp':
      return 'TIMESTAMP';
    default:
      throw new Error(
        `Column ${column.name}: logical type ${column.logicalType} has no example data type`,
      );
  }
}
