import { entityRefKey } from '@datamesh-portal/plugin-data-mesh-common';
import { createHash } from 'crypto';

/*
 * What the knex stores share: statement sizes, refs as stored, and values as the two
 * databases return them.
 */

/**
 * Bound parameters per statement. SQLite builds before 3.32 allow at most 999; keeping every
 * statement under that keeps the stores portable to any SQLite and far under PostgreSQL's 65535.
 */
const MAX_PARAMETERS = 999;
/** Refs per `where in (...)` list. */
export const IN_CHUNK = 500;

/** Rows of `columns` columns that one insert statement may hold. */
export function rowsPerInsert(columns: number): number {
  return Math.max(1, Math.floor(MAX_PARAMETERS / columns));
}

export function uniqueRefs(refs: string[]): string[] {
  return [...new Set(refs.map(ref => entityRefKey(ref)))];
}

export function compareRefs(a: string, b: string): number {
  if (a === b) {
    return 0;
  }
  return a < b ? -1 : 1;
}

/** PostgreSQL returns timestamptz as Date; better-sqlite3 returns the epoch milliseconds. */
export function toDate(value: unknown): Date {
  if (value instanceof Date) {
    return value;
  }
  if (typeof value === 'number' || typeof value === 'bigint') {
    return new Date(Number(value));
  }
  if (typeof value === 'string') {
    return /^\d+$/.test(value) ? new Date(Number(value)) : new Date(value);
  }
  throw new Error(`Unexpected timestamp value in database: ${String(value)}`);
}

/** PostgreSQL returns booleans; SQLite stores them as 0/1. */
export function toBoolean(value: unknown): boolean {
  if (typeof value === 'boolean') {
    return value;
  }
  if (typeof value === 'number' || typeof value === 'bigint') {
    return Number(value) !== 0;
  }
  if (typeof value === 'string') {
    return ['1', 't', 'true'].includes(value.toLocaleLowerCase('en-US'));
  }
  throw new Error(`Unexpected boolean value in database: ${String(value)}`);
}

/** PostgreSQL returns numerics and counts as strings. */
export function toNumber(value: number | string): number {
  return typeof value === 'number' ? value : Number(value);
}

/** A 64-bit PostgreSQL advisory lock key (as a decimal string) for a name. */
export function advisoryLockKey(name: string): string {
  return createHash('sha256')
    .update(name)
    .digest()
    .readBigInt64BE(0)
    .toString();
}
