import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { GeneratedTable } from './generate';
import { sqlType } from './sqlTypes';
import { ExampleDataStamp, STAMP_SCHEMA, STAMP_TABLE } from './stamp';

const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;

async function createTables(
  connection: DuckDBConnection,
  data: GeneratedTable[],
) {
  for (const schema of new Set(data.map(d => d.table.schema))) {
    await connection.run(`CREATE SCHEMA IF NOT EXISTS ${quote(schema)}`);
  }
  for (const generated of data) {
    const { table, columns, rows } = generated;
    const definitions = columns.map(
      c => `${quote(c.name)} ${sqlType(c, 'duckdb')}`,
    );
    await connection.run(
      `CREATE TABLE ${quote(table.schema)}.${quote(
        table.tableName,
      )} (${definitions.join(', ')})`,
    );
    const doubles = columns.map(c => sqlType(c, 'duckdb') === 'DOUBLE');
    const appender = await connection.createAppender(
      table.tableName,
      table.schema,
    );
    try {
      for (const row of rows) {
        row.forEach((value, index) => {
          if (value === null) appender.appendNull();
          else if (typeof value === 'boolean') appender.appendBoolean(value);
          else if (typeof value === 'number' && doubles[index])
            appender.appendDouble(value);
          // The appender casts text to the column's type: dates, timestamps, decimals, integers.
          else appender.appendVarchar(String(value));
        });
        appender.endRow();
      }
      appender.flushSync();
    } finally {
      try {
        appender.closeSync();
      } catch {
        // Closing flushes again: after a failed row it fails again, with the error thrown above.
      }
    }
  }
}

/**
 * Writes the example data to a DuckDB file atomically: into a new file beside it, which then
 * replaces it, so readers see the old file or the new one, never a half-written one.
 */
export async function writeDuckdb(
  file: string,
  data: GeneratedTable[],
  stamp: ExampleDataStamp,
): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${randomUUID()}.tmp`;
  try {
    const instance = await DuckDBInstance.create(temporary);
    const connection = await instance.connect();
    try {
      await createTables(connection, data);
      await connection.run(
        `CREATE SCHEMA ${STAMP_SCHEMA}; CREATE TABLE ${STAMP_SCHEMA}.${STAMP_TABLE} (stamp VARCHAR)`,
      );
      const insert = await connection.prepare(
        `INSERT INTO ${STAMP_SCHEMA}.${STAMP_TABLE} VALUES ($1)`,
      );
      insert.bindVarchar(1, JSON.stringify(stamp));
      await insert.run();
      await connection.run('CHECKPOINT');
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
    await fs.rename(temporary, file);
  } finally {
    await fs.rm(temporary, { force: true });
    await fs.rm(`${temporary}.wal`, { force: true });
  }
}

/** The stamp of an example data file; undefined when there is no file or it has none. */
export async function readDuckdbStamp(
  file: string,
): Promise<ExampleDataStamp | undefined> {
  try {
    await fs.access(file);
  } catch {
    return undefined;
  }
  try {
    const instance = await DuckDBInstance.create(file, {
      access_mode: 'READ_ONLY',
    });
    try {
      const connection = await instance.connect();
      const reader = await connection.runAndReadAll(
        `SELECT stamp FROM ${STAMP_SCHEMA}.${STAMP_TABLE}`,
      );
      connection.closeSync();
      const [row] = reader.getRows();
      return row ? (JSON.parse(String(row[0])) as ExampleDataStamp) : undefined;
    } finally {
      instance.closeSync();
    }
  } catch {
    // Not a DuckDB file, or one without a stamp: rebuilt like a missing one.
    return undefined;
  }
}
