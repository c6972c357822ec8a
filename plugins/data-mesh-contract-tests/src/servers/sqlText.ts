import { DataServerColumn } from './types';

/** Quotes an identifier for both dialects: in double quotes, inner quotes doubled. */
export function quoteIdentifier(name: string): string {
  if (name.includes('\u0000')) {
    throw new Error(`An identifier may not contain a NUL character`);
  }
  return `"${name.replace(/"/g, '""')}"`;
}

/** Quotes a string literal for both dialects: in single quotes, inner quotes doubled. */
export function quoteLiteral(value: string): string {
  if (value.includes('\u0000')) {
    throw new Error(`A string may not contain a NUL character`);
  }
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * A statement as a subquery capped at `limit` rows: whatever the statement, the server sees
 * one SELECT, and no more rows than that come back.
 */
export function cappedSelect(sql: string, limit: number): string {
  const body = sql.trim().replace(/;+\s*$/, '');
  return `SELECT * FROM (\n${body}\n) AS "capped" LIMIT ${limit}`;
}

/** A value from either driver as a JS value the engine can compare: bigints become numbers. */
export function plainValue(value: unknown): unknown {
  return typeof value === 'bigint' ? Number(value) : value;
}

/** A row of either server's column query (name, type, uniqueKeys) as a column. */
export function tableColumn(row: Record<string, unknown>): DataServerColumn {
  const uniqueKeys = Array.isArray(row.uniqueKeys)
    ? row.uniqueKeys.map(String)
    : [];
  return {
    name: String(row.name),
    type: String(row.type),
    ...(uniqueKeys.length > 0 && { uniqueKeys }),
  };
}
