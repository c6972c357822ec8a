import { compareTypes } from './typeCompatibility';

describe('compareTypes', () => {
  it.each([
    // [column, logicalType, physicalType, dialect]
    ['TIMESTAMP', 'timestamp', 'TIMESTAMP_NTZ', 'duckdb'],
    ['timestamp without time zone', 'timestamp', 'TIMESTAMP_NTZ', 'postgres'],
    ['TIMESTAMP WITH TIME ZONE', 'timestamp', 'TIMESTAMP_LTZ', 'duckdb'],
    ['TIMESTAMP WITH TIME ZONE', 'timestamp', 'TIMESTAMP_TZ', 'duckdb'],
    ['DOUBLE', 'number', 'FLOAT64', 'duckdb'],
    ['BIGINT', 'integer', 'INT64', 'postgres'],
    ['DECIMAL(18,2)', 'number', 'NUMERIC', 'duckdb'],
    ['numeric', 'number', 'BIGNUMERIC', 'postgres'],
    ['text', 'string', 'STRING', 'postgres'],
    ['VARCHAR', 'string', 'STRING', 'duckdb'],
    ['boolean', 'boolean', 'BOOL', 'postgres'],
    ['TIMESTAMP', 'timestamp', 'timestamp-millis', 'duckdb'],
    [
      'timestamp without time zone',
      'timestamp',
      'timestamp-micros',
      'postgres',
    ],
    ['DATE', 'date', 'date', 'duckdb'],
    ['BIGINT', 'integer', 'NUMBER(10)', 'duckdb'],
    ['SMALLINT', 'number', 'NUMBER(4,0)', 'duckdb'],
    ['integer', 'integer', 'NUMBER(9)', 'postgres'],
  ])(
    'passes a %s column for %s / %s on %s',
    (column, logical, physical, dialect) => {
      expect(
        compareTypes(
          column,
          { logicalType: logical, physicalType: physical },
          dialect as 'duckdb' | 'postgres',
        ).mismatch,
      ).toBeUndefined();
    },
  );

  it.each([
    ['VARCHAR', 'timestamp', 'TIMESTAMP_NTZ', 'duckdb'],
    ['DATE', 'timestamp', 'timestamp-millis', 'duckdb'],
    ['VARCHAR', 'number', 'FLOAT64', 'postgres'],
    ['DOUBLE', 'integer', 'INT64', 'duckdb'],
    ['text', 'boolean', 'BOOL', 'postgres'],
    ['VARCHAR', 'integer', 'NUMBER(10)', 'duckdb'],
    ['DOUBLE', 'integer', 'NUMBER(4,0)', 'duckdb'],
    ['TIMESTAMP', 'date', 'date', 'duckdb'],
  ])(
    'fails a %s column for %s / %s on %s',
    (column, logical, physical, dialect) => {
      expect(
        compareTypes(
          column,
          { logicalType: logical, physicalType: physical },
          dialect as 'duckdb' | 'postgres',
        ).mismatch,
      ).toEqual(expect.any(String));
    },
  );

  it("judges another dialect's physicalType through the logicalType, and says so", () => {
    expect(
      compareTypes(
        'TIMESTAMP',
        { logicalType: 'timestamp', physicalType: 'TIMESTAMP_NTZ' },
        'duckdb',
      ),
    ).toEqual({
      note: "physicalType TIMESTAMP_NTZ is not a duckdb type: the column's TIMESTAMP was compared with logicalType timestamp",
    });
    expect(
      compareTypes(
        'VARCHAR',
        { logicalType: 'timestamp', physicalType: 'TIMESTAMP_NTZ' },
        'duckdb',
      ),
    ).toEqual({
      mismatch:
        'the column is VARCHAR, which does not hold logicalType timestamp',
    });
  });

  it('without a logicalType, judges a foreign physicalType by its type family', () => {
    const whole = (column: string) =>
      compareTypes(column, { physicalType: 'NUMBER(10)' }, 'postgres');
    expect(whole('bigint')).toEqual({
      note: "physicalType NUMBER(10) is not a postgres type: the column's bigint was compared with its type family integer",
    });
    expect(whole('numeric').mismatch).toBe(
      'physicalType NUMBER(10) is not a postgres type: the column is numeric, not of its type family integer',
    );
    // NUMBER with decimals is a decimal, whose column is no integer.
    expect(
      compareTypes('BIGINT', { physicalType: 'NUMBER(12,2)' }, 'duckdb')
        .mismatch,
    ).toEqual(expect.any(String));
    expect(
      compareTypes('DECIMAL(12,2)', { physicalType: 'NUMBER(12,2)' }, 'duckdb'),
    ).toEqual({
      note: "physicalType NUMBER(12,2) is not a duckdb type: the column's DECIMAL(12,2) was compared with its type family decimal",
    });
    expect(
      compareTypes('TIMESTAMP', { physicalType: 'TIMESTAMP_LTZ' }, 'duckdb')
        .mismatch,
    ).toMatch(/not of its type family timestamptz/);
    expect(
      compareTypes('VARCHAR', { physicalType: 'GEOGRAPHY' }, 'duckdb').mismatch,
    ).toBe(
      "physicalType GEOGRAPHY is not a duckdb type, of no known type family, and the property has no logicalType to compare the column's VARCHAR with",
    );
  });

  it("compares a physicalType of the server's own dialect strictly, beside the logicalType", () => {
    // logicalType number holds a DOUBLE, but the contract asks for an integer column.
    expect(
      compareTypes(
        'DOUBLE',
        { logicalType: 'number', physicalType: 'BIGINT' },
        'duckdb',
      ),
    ).toEqual({ mismatch: 'the column is DOUBLE, not physicalType BIGINT' });
    expect(
      compareTypes(
        'timestamp with time zone',
        { logicalType: 'timestamp', physicalType: 'timestamp' },
        'postgres',
      ).mismatch,
    ).toBe(
      'the column is timestamp with time zone, not physicalType timestamp',
    );
    expect(
      compareTypes(
        'integer',
        { logicalType: 'integer', physicalType: 'int4' },
        'postgres',
      ),
    ).toEqual({});
    expect(
      compareTypes(
        'INTEGER[]',
        { logicalType: 'array', physicalType: 'integer[]' },
        'postgres',
      ),
    ).toEqual({});
  });

  it('names a logicalType ODCS does not define', () => {
    expect(compareTypes('VARCHAR', { logicalType: 'text' }, 'duckdb')).toEqual({
      mismatch: 'logicalType text is not one ODCS defines',
    });
  });
});
