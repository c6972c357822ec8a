import {
  compareLogicalTypes,
  comparePhysicalTypes,
  compareTypeOption,
} from './dataTypes';

describe('comparePhysicalTypes', () => {
  it.each([
    // Strings: longer is wider; no length is unbounded, CHAR alone is CHAR(1).
    ['varchar(10)', 'varchar(20)', 'widened'],
    ['varchar(20)', 'varchar(10)', 'narrowed'],
    ['VARCHAR ( 10 )', 'varchar(10)', 'same'],
    ['varchar(10)', 'text', 'widened'],
    ['string', 'varchar(255)', 'narrowed'],
    ['char(5)', 'varchar(10)', 'widened'],
    ['char', 'char(2)', 'widened'],
    ['nvarchar(max)', 'varchar', 'same'],
    // Integers by size, whatever their spelling.
    ['smallint', 'int', 'widened'],
    ['int', 'bigint', 'widened'],
    ['bigint', 'int', 'narrowed'],
    ['INT', 'integer', 'same'],
    ['int4', 'int(11)', 'same'],
    ['int64', 'long', 'same'],
    ['tinyint', 'smallint', 'widened'],
    // Floating point.
    ['float', 'double', 'widened'],
    ['double precision', 'real', 'narrowed'],
    ['float(53)', 'float8', 'same'],
    // Integers into floating point: exact up to half the size.
    ['int', 'double', 'widened'],
    ['bigint', 'double', 'changed'],
    // Decimals: more places and more digits before the point widen.
    ['numeric(10,2)', 'numeric(12,2)', 'widened'],
    ['numeric(10,2)', 'decimal(12,3)', 'widened'],
    ['numeric(10,2)', 'numeric(10,3)', 'narrowed'],
    ['numeric(10,2)', 'numeric(10,1)', 'narrowed'],
    ['numeric(10,2)', 'numeric', 'widened'],
    ['numeric', 'numeric(38,6)', 'narrowed'],
    ['number(10)', 'numeric(10,0)', 'same'],
    ['int', 'numeric(12,0)', 'widened'],
    ['int', 'numeric(5,0)', 'narrowed'],
    // Dates and timestamps.
    ['date', 'timestamp', 'widened'],
    ['timestamp', 'date', 'narrowed'],
    ['timestamp', 'timestamptz', 'changed'],
    ['timestamp with time zone', 'TIMESTAMPTZ', 'same'],
    ['timestamp(3)', 'timestamp', 'widened'],
    ['timestamp without time zone', 'timestamp(6)', 'same'],
    ['date', 'timestamptz', 'changed'],
    // Across families, and forms the diff does not know.
    ['boolean', 'bool', 'same'],
    ['varchar(10)', 'int', 'changed'],
    ['int', 'varchar(20)', 'changed'],
    ['geography', 'geometry', 'changed'],
    ['GEOGRAPHY', 'geography', 'same'],
    ['struct<a:int>', 'struct<a:bigint>', 'changed'],
  ])('%s to %s is %s', (from, to, verdict) => {
    expect(comparePhysicalTypes(from, to).verdict).toBe(verdict);
  });

  it('says why', () => {
    expect(comparePhysicalTypes('varchar(10)', 'varchar(5)')).toEqual({
      verdict: 'narrowed',
      reason: '"varchar(10)" to "varchar(5)": shorter strings',
    });
    expect(comparePhysicalTypes('geography', 'geometry').reason).toBe(
      '"geography" to "geometry": not a form the diff compares, so any change counts as breaking',
    );
    expect(comparePhysicalTypes('int', undefined)).toEqual({
      verdict: 'changed',
      reason: '"int" to none: no longer declared',
    });
  });
});

describe('compareLogicalTypes', () => {
  it.each([
    ['integer', 'number', 'widened'],
    ['number', 'integer', 'narrowed'],
    ['date', 'timestamp', 'widened'],
    ['timestamp', 'date', 'narrowed'],
    ['string', 'number', 'changed'],
    ['integer', 'string', 'changed'],
    ['string', 'string', 'same'],
    [undefined, 'string', 'narrowed'],
    ['string', undefined, 'changed'],
  ])('%s to %s is %s', (from, to, verdict) => {
    expect(compareLogicalTypes(from, to).verdict).toBe(verdict);
  });
});

describe('compareTypeOption', () => {
  it.each([
    ['maxLength', 10, 20, 'widened'],
    ['maxLength', 20, 10, 'narrowed'],
    ['maxLength', 10, undefined, 'widened'],
    ['maxLength', undefined, 10, 'narrowed'],
    ['minLength', 2, 1, 'widened'],
    ['minimum', 0, 5, 'narrowed'],
    ['exclusiveMaximum', 100, 1000, 'widened'],
    ['maximum', '2030-01-01', '2040-01-01', 'widened'],
    ['minimum', '2020-01-01', '2021-06-01', 'narrowed'],
    ['maxItems', 5, 3, 'narrowed'],
    ['multipleOf', 10, 5, 'widened'],
    ['multipleOf', 5, 10, 'narrowed'],
    ['multipleOf', 3, 5, 'narrowed'],
    ['uniqueItems', false, true, 'narrowed'],
    ['uniqueItems', true, undefined, 'widened'],
    ['pattern', undefined, '^[A-Z]+$', 'narrowed'],
    ['pattern', '^[A-Z]+$', undefined, 'widened'],
    ['pattern', '^[A-Z]+$', '^[a-z]+$', 'changed'],
    ['format', 'i32', 'i64', 'widened'],
    ['format', 'i64', 'i32', 'narrowed'],
    ['format', 'u32', 'i64', 'widened'],
    ['format', 'i32', 'u64', 'changed'],
    ['format', 'f32', 'f64', 'widened'],
    ['format', 'email', 'uuid', 'changed'],
    ['format', undefined, 'email', 'narrowed'],
    ['timezone', true, false, 'changed'],
    ['defaultTimezone', 'Etc/UTC', 'Europe/Paris', 'changed'],
    ['maxLength', 10, 10, 'same'],
  ])('%s %p to %p is %s', (option, from, to, verdict) => {
    expect(compareTypeOption(option, from, to)?.verdict).toBe(verdict);
  });

  it('knows no other option', () => {
    expect(compareTypeOption('precision', 1, 2)).toBeUndefined();
  });
});
