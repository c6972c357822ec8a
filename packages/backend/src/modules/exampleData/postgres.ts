import { Client, ClientConfig } from 'pg';
import { GeneratedTable } from './generate';
import { sqlType } from './sqlTypes';
import { ExampleDataStamp, STAMP_SCHEMA, STAMP_TABLE } from './stamp';

/** A PostgreSQL server and database the example data is loaded into, by a user who may write. */
export interface PostgresTarget {
  host: string;
  port: number;
  user: string;
  password?: string;
  database: string;
}

/** Parameters of one INSERT: PostgreSQL allows 65535. */
const MAX_PARAMETERS = 60_000;
/** Serialises builds of several backend instances on one database. */
const BUILD_LOCK = 7_436_001;

const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;

function clientConfig(target: PostgresTarget, database: string): ClientConfig {
  const { host, port, user, password } = target;
  return { host, port, user, password, database };
}

async function withClient<T>(
  target: PostgresTarget,
  database: string,
  fn: (client: Client) => Promise<T>,
): Promise<T> {
  const client = new Client(clientConfig(target, database));
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates the example data's database when it does not exist yet. */
async function ensureDatabase(target: PostgresTarget) {
  await withClient(target, 'postgres', async client => {
    const { rowCount } = await client.query(
      'SELECT 1 FROM pg_database WHERE datname = $1',
      [target.database],
    );
    if (rowCount) return;
    try {
      await client.query(`CREATE DATABASE ${quote(target.database)}`);
    } catch (error) {
      // Another backend instance created it meanwhile (duplicate database, or its catalog row).
      if (
        !['42P04', '23505'].includes(String((error as { code?: string }).code))
      )
        throw error;
    }
  });
}

/**
 * Creates the roles that do not exist yet, without login or privileges: the example teams'
 * database roles, which their usage agreements are granted to.
 */
export async function ensurePostgresRoles(
  target: PostgresTarget,
  roles: string[],
) {
  if (roles.length === 0) return;
  await withClient(target, 'postgres', async client => {
    const { rows } = await client.query<{ rolname: string }>(
      'SELECT rolname FROM pg_roles WHERE rolname = ANY($1)',
      [roles],
    );
    const existing = new Set(rows.map(r => r.rolname));
    for (const role of roles.filter(r => !existing.has(r))) {
      try {
        await client.query(`CREATE ROLE ${quote(role)} NOLOGIN`);
      } catch (error) {
        // Another backend instance created it meanwhile.
        if ((error as { code?: string }).code !== '42710') throw error;
      }
    }
  });
}

async function readStamp(
  client: Client,
): Promise<ExampleDataStamp | undefined> {
  const table = `${STAMP_SCHEMA}.${STAMP_TABLE}`;
  const { rows: exists } = await client.query('SELECT to_regclass($1) AS t', [
    table,
  ]);
  if (!exists[0].t) return undefined;
  const { rows } = await client.query<{ stamp: string }>(
    `SELECT stamp FROM ${table}`,
  );
  return rows[0] ? (JSON.parse(rows[0].stamp) as ExampleDataStamp) : undefined;
}

/** The stamp of the example data in a database; undefined when there is none (or no database). */
export async function readPostgresStamp(
  target: PostgresTarget,
): Promise<ExampleDataStamp | undefined> {
  try {
    return await withClient(target, target.database, readStamp);
  } catch (error) {
    if ((error as { code?: string }).code === '3D000') return undefined; // no such database
    throw error;
  }
}

async function insertRows(client: Client, generated: GeneratedTable) {
  const { table, columns, rows } = generated;
  const perInsert = Math.max(1, Math.floor(MAX_PARAMETERS / columns.length));
  const names = columns.map(c => quote(c.name)).join(', ');
  for (let start = 0; start < rows.length; start += perInsert) {
    const batch = rows.slice(start, start + perInsert);
    const values = batch.map(
      (_, r) =>
        `(${columns
          .map((__, c) => `$${r * columns.length + c + 1}`)
          .join(', ')})`,
    );
    await client.query(
      `INSERT INTO ${quote(table.schema)}.${quote(
        table.tableName,
      )} (${names}) VALUES ${values.join(', ')}`,
      batch.flat(),
    );
  }
}

/**
 * Loads the example data into a PostgreSQL database (created when missing): every schema of
 * the example contracts dropped and created again in one transaction, so readers see the old
 * data or the new, never a half. Several backend instances build one at a time; one that
 * finds the data current by then (`isCurrent`) leaves it.
 * @returns whether it wrote the data
 */
export async function writePostgres(
  target: PostgresTarget,
  data: () => GeneratedTable[],
  stamp: ExampleDataStamp,
  isCurrent: (existing: ExampleDataStamp | undefined) => boolean,
): Promise<boolean> {
  await ensureDatabase(target);
  return withClient(target, target.database, async client => {
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock($1)', [BUILD_LOCK]);
      if (isCurrent(await readStamp(client))) {
        await client.query('ROLLBACK');
        return false;
      }
      const tables = data();
      // The example schemas are the generator's own: dropped whole.
      for (const schema of new Set([
        STAMP_SCHEMA,
        ...tables.map(t => t.table.schema),
      ])) {
        await client.query(`DROP SCHEMA IF EXISTS ${quote(schema)} CASCADE`);
        await client.query(`CREATE SCHEMA ${quote(schema)}`);
      }
      for (const generated of tables) {
        const { table, columns } = generated;
        const name = `${quote(table.schema)}.${quote(table.tableName)}`;
        const definitions = columns.map(
          c => `${quote(c.name)} ${sqlType(c, 'postgres')}`,
        );
        await client.query(`CREATE TABLE ${name} (${definitions.join(', ')})`);
        await insertRows(client, generated);
      }
      await client.query(
        `CREATE TABLE ${STAMP_SCHEMA}.${STAMP_TABLE} (stamp TEXT)`,
      );
      await client.query(
        `INSERT INTO ${STAMP_SCHEMA}.${STAMP_TABLE} VALUES ($1)`,
        [JSON.stringify(stamp)],
      );
      await client.query('COMMIT');
      return true;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  });
}
