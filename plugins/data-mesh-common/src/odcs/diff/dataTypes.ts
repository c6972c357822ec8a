import { quote, sameContent } from './compare';

/**
 * How a type changed for a consumer: `widened` (every value of the old type is a value of the
 * new one), `narrowed` (the reverse: some old values no longer fit), `changed` (incompatible,
 * or a form not known) or `same`.
 */
export type TypeVerdict = {
  verdict: 'same' | 'widened' | 'narrowed' | 'changed';
  /** Why, for the message: e.g. `varchar(10) to varchar(5): shorter strings`. */
  reason: string;
};

const same: TypeVerdict = { verdict: 'same', reason: '' };

/** Logical types whose values all are values of another: integer in number, date in timestamp. */
const LOGICAL_WIDENINGS = new Set(['integer>number', 'date>timestamp']);

/** Compares two `logicalType`s. */
export function compareLogicalTypes(
  oldType: unknown,
  newType: unknown,
): TypeVerdict {
  if (sameContent(oldType, newType)) return same;
  const change = `${quote(oldType)} to ${quote(newType)}`;
  if (newType === undefined) {
    return { verdict: 'changed', reason: `${change}: no longer declared` };
  }
  if (oldType === undefined) {
    return {
      verdict: 'narrowed',
      reason: `${change}: a type is declared where none was`,
    };
  }
  if (LOGICAL_WIDENINGS.has(`${oldType}>${newType}`)) {
    return { verdict: 'widened', reason: change };
  }
  if (LOGICAL_WIDENINGS.has(`${newType}>${oldType}`)) {
    return { verdict: 'narrowed', reason: change };
  }
  return { verdict: 'changed', reason: `${change}: incompatible types` };
}

/** A physical type read into a family the diff can compare within. */
type PhysicalType =
  /** Unbounded strings have length Infinity. */
  | { family: 'string'; length: number }
  | { family: 'integer'; bytes: number }
  | { family: 'float'; bytes: number }
  /** Without precision: unbounded (as PostgreSQL's `numeric`). */
  | { family: 'decimal'; precision?: number; scale: number }
  | { family: 'date' }
  /** `precision` is the digits of a second, 6 when not written. */
  | { family: 'timestamp'; zoned: boolean; precision: number }
  | { family: 'boolean' };

const INTEGER_BYTES: Record<string, number> = {
  tinyint: 1,
  byteint: 1,
  int1: 1,
  byte: 1,
  smallint: 2,
  int2: 2,
  int16: 2,
  short: 2,
  int: 4,
  integer: 4,
  int4: 4,
  int32: 4,
  serial: 4,
  bigint: 8,
  int8: 8,
  int64: 8,
  long: 8,
  bigserial: 8,
  hugeint: 16,
  int128: 16,
};

const FLOAT_BYTES: Record<string, number> = {
  real: 4,
  float: 4,
  float4: 4,
  float32: 4,
  double: 8,
  'double precision': 8,
  float8: 8,
  float64: 8,
};

/** Decimal digits an integer of so many bytes may need. */
const INTEGER_DIGITS: Record<number, number> = {
  1: 3,
  2: 5,
  4: 10,
  8: 19,
  16: 39,
};

const DEFAULT_TIMESTAMP_PRECISION = 6;

const STRING_TYPE =
  /^(varchar|character varying|nvarchar|varchar2|nvarchar2|string|text|char|character|nchar|bpchar)(?:\((\d+|max)\))?$/;
const DECIMAL_TYPE =
  /^(?:decimal|numeric|number|dec|bignumeric)(?:\((\d+)(?:,(\d+))?\))?$/;
const ZONED_TIMESTAMP_TYPE =
  /^(?:(?:timestamptz|timestamp_tz|timestamp_ltz|datetimeoffset)(?:\((\d+)\))?|timestamp(?:\((\d+)\))? with (?:local )?time zone)$/;
const PLAIN_TIMESTAMP_TYPE =
  /^(?:timestamp|datetime|datetime2|timestamp_ntz)(?:\((\d+)\))?(?: without time zone)?$/;

/** Lower case, single spaces, no spaces inside parentheses: `VARCHAR ( 10 )` is `varchar(10)`. */
function normalise(physicalType: string): string {
  return physicalType
    .trim()
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/\s*([(),])\s*/g, '$1');
}

/** Reads a physical type of a common form; undefined for a form not known. */
function readPhysicalType(physicalType: string): PhysicalType | undefined {
  const type = normalise(physicalType);
  const string = STRING_TYPE.exec(type);
  if (string) {
    const [, name, length] = string;
    const fixed = ['char', 'character', 'nchar', 'bpchar'].includes(name);
    if (length === undefined) {
      // SQL's CHAR is CHAR(1); VARCHAR, TEXT and STRING without a length are unbounded.
      return { family: 'string', length: fixed ? 1 : Infinity };
    }
    return {
      family: 'string',
      length: length === 'max' ? Infinity : Number(length),
    };
  }
  // MySQL's int(11) is a display width, not a size.
  const integer = INTEGER_BYTES[type.replace(/\(\d+\)$/, '')];
  if (integer) return { family: 'integer', bytes: integer };
  if (FLOAT_BYTES[type]) return { family: 'float', bytes: FLOAT_BYTES[type] };
  const floatBits = /^float\((\d+)\)$/.exec(type);
  if (floatBits) {
    return { family: 'float', bytes: Number(floatBits[1]) <= 24 ? 4 : 8 };
  }
  const decimal = DECIMAL_TYPE.exec(type);
  if (decimal) {
    const [, precision, scale] = decimal;
    return {
      family: 'decimal',
      precision: precision === undefined ? undefined : Number(precision),
      scale: scale === undefined ? 0 : Number(scale),
    };
  }
  if (type === 'date') return { family: 'date' };
  const zoned = ZONED_TIMESTAMP_TYPE.exec(type);
  if (zoned) {
    const digits = zoned[1] ?? zoned[2];
    return {
      family: 'timestamp',
      zoned: true,
      precision:
        digits === undefined ? DEFAULT_TIMESTAMP_PRECISION : Number(digits),
    };
  }
  const plain = PLAIN_TIMESTAMP_TYPE.exec(type);
  if (plain) {
    return {
      family: 'timestamp',
      zoned: false,
      precision:
        plain[1] === undefined ? DEFAULT_TIMESTAMP_PRECISION : Number(plain[1]),
    };
  }
  if (type === 'boolean' || type === 'bool') return { family: 'boolean' };
  return undefined;
}

/** Widened when the new size is larger, narrowed when smaller. */
function bySize(
  oldSize: number,
  newSize: number,
  what: [larger: string, smaller: string],
): Pick<TypeVerdict, 'verdict'> & { what: string } {
  if (newSize > oldSize) return { verdict: 'widened', what: what[0] };
  if (newSize < oldSize) return { verdict: 'narrowed', what: what[1] };
  return { verdict: 'same', what: '' };
}

/** Compares two physical types of families the diff knows. */
function comparePhysical(
  a: PhysicalType,
  b: PhysicalType,
): Pick<TypeVerdict, 'verdict'> & { what: string } {
  if (a.family === 'string' && b.family === 'string') {
    return bySize(a.length, b.length, ['longer strings', 'shorter strings']);
  }
  if (
    (a.family === 'integer' || a.family === 'float') &&
    b.family === a.family
  ) {
    return bySize(a.bytes, b.bytes, ['a larger type', 'a smaller type']);
  }
  if (a.family === 'integer' && b.family === 'float') {
    // Every integer of half the float's size or less is a float, exactly.
    return a.bytes * 2 <= b.bytes
      ? { verdict: 'widened', what: 'integers fit the floating point type' }
      : {
          verdict: 'changed',
          what: 'large integers lose precision as floating point numbers',
        };
  }
  if (a.family === 'integer' && b.family === 'decimal') {
    return b.precision === undefined ||
      b.precision - b.scale >= INTEGER_DIGITS[a.bytes]
      ? { verdict: 'widened', what: 'integers fit the decimal' }
      : { verdict: 'narrowed', what: 'some integers no longer fit' };
  }
  if (a.family === 'decimal' && b.family === 'decimal') {
    return compareDecimals(a, b);
  }
  if (a.family === 'date' && b.family === 'timestamp' && !b.zoned) {
    return { verdict: 'widened', what: 'dates become timestamps' };
  }
  if (a.family === 'timestamp' && !a.zoned && b.family === 'date') {
    return { verdict: 'narrowed', what: 'the time of day is lost' };
  }
  if (a.family === 'timestamp' && b.family === 'timestamp') {
    if (a.zoned !== b.zoned) {
      return {
        verdict: 'changed',
        what: 'timestamps with and without a time zone are read differently',
      };
    }
    return bySize(a.precision, b.precision, [
      'finer fractions of a second',
      'coarser fractions of a second',
    ]);
  }
  if (a.family === b.family) return { verdict: 'same', what: '' };
  return { verdict: 'changed', what: 'incompatible types' };
}

function compareDecimals(
  a: Extract<PhysicalType, { family: 'decimal' }>,
  b: Extract<PhysicalType, { family: 'decimal' }>,
): Pick<TypeVerdict, 'verdict'> & { what: string } {
  if (a.precision === undefined || b.precision === undefined) {
    if (a.precision === b.precision) return { verdict: 'same', what: '' };
    return a.precision === undefined
      ? { verdict: 'narrowed', what: 'a precision is set where none was' }
      : { verdict: 'widened', what: 'the precision is no longer bounded' };
  }
  const digits = (d: typeof a) => d.precision! - d.scale;
  const moreScale = b.scale - a.scale;
  const moreDigits = digits(b) - digits(a);
  if (moreScale === 0 && moreDigits === 0) return { verdict: 'same', what: '' };
  if (moreScale >= 0 && moreDigits >= 0) {
    return { verdict: 'widened', what: 'more precision' };
  }
  return {
    verdict: 'narrowed',
    what:
      moreScale < 0
        ? 'fewer decimal places'
        : 'fewer digits before the decimal point',
  };
}

/** Compares two `physicalType`s: widening and narrowing for the common forms. */
export function comparePhysicalTypes(
  oldType: unknown,
  newType: unknown,
): TypeVerdict {
  if (sameContent(oldType, newType)) return same;
  const change = `${quote(oldType)} to ${quote(newType)}`;
  if (newType === undefined) {
    return { verdict: 'changed', reason: `${change}: no longer declared` };
  }
  if (oldType === undefined) {
    return {
      verdict: 'narrowed',
      reason: `${change}: a type is declared where none was`,
    };
  }
  const a = typeof oldType === 'string' ? readPhysicalType(oldType) : undefined;
  const b = typeof newType === 'string' ? readPhysicalType(newType) : undefined;
  if (!a || !b) {
    if (
      typeof oldType === 'string' &&
      typeof newType === 'string' &&
      normalise(oldType) === normalise(newType)
    ) {
      return same;
    }
    return {
      verdict: 'changed',
      reason: `${change}: not a form the diff compares, so any change counts as breaking`,
    };
  }
  const { verdict, what } = comparePhysical(a, b);
  return verdict === 'same' ? same : { verdict, reason: `${change}: ${what}` };
}

/** Options bounding values from above: larger is wider. */
const UPPER_BOUNDS = new Set([
  'maxLength',
  'maxItems',
  'maxProperties',
  'maximum',
  'exclusiveMaximum',
]);
/** Options bounding values from below: smaller is wider. */
const LOWER_BOUNDS = new Set([
  'minLength',
  'minItems',
  'minProperties',
  'minimum',
  'exclusiveMinimum',
]);
/** Options whose presence narrows and whose change is incompatible. */
const RESTRICTIONS = new Set(['pattern', 'format']);
/** Options that change how values are read. */
const READINGS = new Set(['timezone', 'defaultTimezone']);

/** A bound as a number: numbers, and dates or timestamps written as text. */
function boundValue(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string') {
    const time = Date.parse(value);
    if (!Number.isNaN(time)) return time;
  }
  return undefined;
}

/** `i32`, `u64`, `f32`... of an integer or number `format`: signed, unsigned or float, and bits. */
function numericFormat(
  value: unknown,
): { kind: string; bits: number } | undefined {
  const format =
    typeof value === 'string' ? /^([iuf])(\d+)$/.exec(value) : null;
  return format ? { kind: format[1], bits: Number(format[2]) } : undefined;
}

function compareFormats(oldFormat: unknown, newFormat: unknown): TypeVerdict {
  const change = `${quote(oldFormat)} to ${quote(newFormat)}`;
  const a = numericFormat(oldFormat);
  const b = numericFormat(newFormat);
  if (a && b) {
    // A signed type holds an unsigned one of fewer bits; an unsigned one holds no negatives.
    const fits = (x: typeof a, y: typeof a) =>
      x.bits < y.bits &&
      (x.kind === y.kind || (x.kind === 'u' && y.kind === 'i'));
    if (fits(a, b))
      return { verdict: 'widened', reason: `${change}: a larger type` };
    if (fits(b, a)) {
      return { verdict: 'narrowed', reason: `${change}: a smaller type` };
    }
  }
  return { verdict: 'changed', reason: `${change}: another format` };
}

/**
 * Compares one option of `logicalTypeOptions`; undefined for an option the diff does not know
 * (the caller reports it as unclassified). `required` of object properties is not compared
 * here: it makes properties required or optional.
 */
export function compareTypeOption(
  option: string,
  oldValue: unknown,
  newValue: unknown,
): TypeVerdict | undefined {
  if (sameContent(oldValue, newValue)) return same;
  const change = `${quote(oldValue)} to ${quote(newValue)}`;
  const upper = UPPER_BOUNDS.has(option);
  if (upper || LOWER_BOUNDS.has(option)) {
    if (newValue === undefined) {
      return { verdict: 'widened', reason: `${change}: no longer bounded` };
    }
    if (oldValue === undefined) {
      return { verdict: 'narrowed', reason: `${change}: newly bounded` };
    }
    const a = boundValue(oldValue);
    const b = boundValue(newValue);
    if (a === undefined || b === undefined) {
      return { verdict: 'changed', reason: `${change}: not comparable` };
    }
    return b > a === upper
      ? { verdict: 'widened', reason: `${change}: a looser bound` }
      : { verdict: 'narrowed', reason: `${change}: a tighter bound` };
  }
  if (option === 'multipleOf') {
    const a = boundValue(oldValue);
    const b = boundValue(newValue);
    if (a !== undefined && b !== undefined) {
      if ((a / b) % 1 === 0) {
        return { verdict: 'widened', reason: `${change}: more values allowed` };
      }
      if ((b / a) % 1 === 0) {
        return {
          verdict: 'narrowed',
          reason: `${change}: fewer values allowed`,
        };
      }
    }
    if (newValue === undefined) {
      return { verdict: 'widened', reason: `${change}: no longer restricted` };
    }
    return { verdict: 'narrowed', reason: `${change}: values restricted` };
  }
  if (option === 'uniqueItems') {
    return newValue === true
      ? { verdict: 'narrowed', reason: `${change}: items must now be unique` }
      : { verdict: 'widened', reason: `${change}: items may now repeat` };
  }
  if (RESTRICTIONS.has(option)) {
    if (newValue === undefined) {
      return { verdict: 'widened', reason: `${change}: no longer restricted` };
    }
    if (oldValue === undefined) {
      return { verdict: 'narrowed', reason: `${change}: newly restricted` };
    }
    return option === 'format'
      ? compareFormats(oldValue, newValue)
      : { verdict: 'changed', reason: `${change}: another pattern` };
  }
  if (READINGS.has(option)) {
    return {
      verdict: 'changed',
      reason: `${change}: values are read differently`,
    };
  }
  return undefined;
}
