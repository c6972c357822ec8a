import { DuckDBInstance } from '@duckdb/node-api';
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { buildExampleData, ExampleDataSettings, readStamp } from './build';
import { ExampleTable, readExampleContracts } from './contracts';
import { EXAMPLE_DATA_DEFECTS, ExampleDataDefect } from './defects';
import { writeDuckdb } from './duckdb';
import { generateExampleData } from './generate';
import { ensurePostgresRoles, PostgresTarget } from './postgres';
import { readExampleTeamRoles } from './teamRoles';
import { ExampleDataDialect, sqlType } from './sqlTypes';

jest.setTimeout(180_000);

const EXAMPLES = path.resolve(__dirname, '../../../../../examples');
const NOW = new Date('2026-03-02T09:30:00.000Z');
const SEED = 7;
const MINUTE = 60 * 1000;

const POSTGRES_URL = new URL(
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING ??
    'postgresql://postgres@127.0.0.1:5432',
);
const postgresTarget = (database: string): PostgresTarget => ({
  host: POSTGRES_URL.hostname,
  port: Number(POSTGRES_URL.port || 5432),
  user: decodeURIComponent(POSTGRES_URL.username || 'postgres'),
  password: POSTGRES_URL.password
    ? decodeURIComponent(POSTGRES_URL.password)
    : undefined,
  database,
});

type Query = (sql: string) => Promise<Record<string, unknown>[]>;

/** A read connection to built example data, in either dialect. */
interface Reader {
  dialect: ExampleDataDialect;
  query: Query;
  /** Runs `sql` with the table's schema first on the search path, as a contract rule runs. */
  queryIn(schema: string, sql: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

async function duckdbReader(file: string): Promise<Reader> {
  const instance = await DuckDBInstance.create(file, {
    access_mode: 'READ_ONLY',
  });
  const connection = await instance.connect();
  const query: Query = async sql =>
    (await connection.runAndReadAll(sql)).getRowObjectsJson();
  return {
    dialect: 'duckdb',
    query,
    async queryIn(schema, sql) {
      await connection.run(`SET search_path = '${schema}'`);
      return query(sql);
    },
    async close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

async function postgresReader(target: PostgresTarget): Promise<Reader> {
  const client = new Client(target);
  await client.connect();
  const query: Query = async sql => (await client.query(sql)).rows;
  return {
    dialect: 'postgres',
    query,
    async queryIn(schema, sql) {
      await client.query(`SET search_path TO "${schema}"`);
      return query(sql);
    },
    close: () => client.end(),
  };
}

async function dropDatabase(database: string) {
  const client = new Client(postgresTarget('postgres'));
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

const qualified = (table: ExampleTable) =>
  `"${table.schema}"."${table.tableName}"`;

async function count(reader: Reader, sql: string): Promise<number> {
  const [row] = await reader.query(sql);
  return Number(Object.values(row)[0] ?? 0);
}

/** A hash of every example table's rows, in a stable order. */
async function contentHash(reader: Reader, tables: ExampleTable[]) {
  const hash = createHash('sha256');
  for (const table of tables) {
    const rows = await reader.query(
      `SELECT * FROM ${qualified(table)} ORDER BY ALL`,
    );
    hash.update(`${table.name}\n${JSON.stringify(rows)}\n`);
  }
  return hash.digest('hex');
}

function defectOf<K extends ExampleDataDefect['kind']>(
  table: ExampleTable,
  kind: K,
  column?: string,
): Extract<ExampleDataDefect, { kind: K }> | undefined {
  return EXAMPLE_DATA_DEFECTS.find(
    d =>
      d.kind === kind &&
      d.product === table.product &&
      d.table === table.name &&
      (column === undefined || !('column' in d) || d.column === column),
  ) as Extract<ExampleDataDefect, { kind: K }> | undefined;
}

/** The normalised type names information_schema reports for the generator's column types. */
function reportedType(type: string): string {
  return type
    .toLowerCase()
    .replace(/^varchar\(\d+\)$|^text$/, 'character varying|varchar|text')
    .replace(/^char\(\d+\)$/, 'character|varchar')
    .replace(/^decimal\(.*\)$/, 'numeric|decimal')
    .replace(/^timestamp$/, 'timestamp without time zone|timestamp')
    .replace(/^double precision$|^double$/, 'double precision|double');
}

/**
 * Checks, with plain SQL, that every example table holds what its contract says, except for
 * exactly the defects of the defect table.
 */
async function expectContractsHold(reader: Reader, tables: ExampleTable[]) {
  let checked = 0;
  for (const table of tables) {
    checked++;
    const name = qualified(table);
    const where = `${table.product} ${table.name}`;
    const missing = defectOf(table, 'missingColumn');

    // Columns and their types
    const columns = await reader.query(
      `SELECT column_name, data_type FROM information_schema.columns
       WHERE table_schema = '${table.schema}' AND table_name = '${table.tableName}' ORDER BY ordinal_position`,
    );
    const expected = table.columns.filter(c => c.name !== missing?.column);
    expect({ where, columns: columns.map(c => c.column_name) }).toEqual({
      where,
      columns: expected.map(c => c.name),
    });
    expected.forEach((column, index) => {
      const accepted = reportedType(sqlType(column, reader.dialect)).split('|');
      const type = String(columns[index].data_type)
        .toLowerCase()
        .replace(/\(.*\)$/, '');
      expect({
        where,
        column: column.name,
        ok: accepted.includes(type) || type,
      }).toEqual({
        where,
        column: column.name,
        ok: true,
      });
    });
    const total = await count(reader, `SELECT COUNT(*) FROM ${name}`);
    expect({ where, hasRows: total >= 100 }).toEqual({ where, hasRows: true });

    // Required columns, keys and valid values
    for (const column of expected) {
      const nulls = await count(
        reader,
        `SELECT COUNT(*) FROM ${name} WHERE "${column.name}" IS NULL`,
      );
      if (column.required) {
        expect({ where, column: column.name, nulls }).toEqual({
          where,
          column: column.name,
          nulls: defectOf(table, 'nulls', column.name)?.rows ?? 0,
        });
      }
      if (column.validValues) {
        const list = column.validValues
          .map(v => (typeof v === 'number' ? v : `'${v}'`))
          .join(', ');
        const invalid = await count(
          reader,
          `SELECT COUNT(*) FROM ${name} WHERE "${column.name}" NOT IN (${list})`,
        );
        expect({ where, column: column.name, invalid }).toEqual({
          where,
          column: column.name,
          invalid: defectOf(table, 'invalidValues', column.name)?.rows ?? 0,
        });
      }
    }
    const keys = expected
      .filter(c => c.primaryKeyPosition !== undefined)
      .map(c => `"${c.name}"`);
    if (keys.length > 0) {
      const duplicates = await count(
        reader,
        `SELECT COUNT(*) - COUNT(DISTINCT (${keys.join(', ')})) FROM ${name}`,
      );
      expect({ where, duplicates }).toEqual({
        where,
        duplicates: defectOf(table, 'duplicateKeys')?.rows ?? 0,
      });
    }

    // Freshness against the contract's latency SLO
    if (table.freshness) {
      const newest = await reader.query(
        `SELECT CAST(MAX("${table.freshness.column}") AS VARCHAR) AS newest FROM ${name}`,
      );
      const age =
        NOW.getTime() -
        Date.parse(`${String(newest[0].newest).replace(' ', 'T')}Z`);
      const stale = defectOf(table, 'stale');
      expect({
        where,
        fresh: age >= 0 && age <= table.freshness.maxAgeMs,
      }).toEqual({
        where,
        fresh: !stale,
      });
      if (stale) expect(age).toBeGreaterThanOrEqual(stale.ageMs - MINUTE);
    }
  }
  return checked;
}

/** Every `sql` quality rule of the example contracts, with the table it is on. */
async function sqlRules() {
  const { contracts, tables } = await readExampleContracts(EXAMPLES);
  return contracts.flatMap(({ contract }) =>
    (contract.schema ?? []).flatMap(object =>
      (object.quality ?? [])
        .filter(rule => rule.type === 'sql')
        .map(rule => ({
          table: tables.find(
            t => t.contractId === contract.id && t.name === object.name,
          )!,
          rule,
        })),
    ),
  );
}

/** Runs each example rule: each passes, except a defect's and the ledger reconciliation. */
async function expectSqlRulesHold(reader: Reader) {
  const rules = await sqlRules();
  for (const { table, rule } of rules) {
    const where = `${table.product}: ${rule.description}`;
    const offset = defectOf(table, 'offset');
    if (/BANK\.LEDGER/.test(String(rule.query))) {
      // It reads the general ledger, which is not part of the examples.
      await expect(
        reader.queryIn(table.schema, String(rule.query)),
      ).rejects.toThrow();
      continue;
    }
    const [row] = await reader.queryIn(table.schema, String(rule.query));
    const measured = Number(Object.values(row)[0]);
    expect({ where, measured }).toEqual({
      where,
      measured: offset?.rows ?? Number(rule.mustBe),
    });
  }
  return rules.length;
}

describe('example data', () => {
  let dir: string;
  let tables: ExampleTable[];

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'example-data-'));
    tables = (await readExampleContracts(EXAMPLES)).tables;
  });

  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  const settings = (
    target: ExampleDataSettings['target'],
  ): ExampleDataSettings => ({
    target,
    examplesDirectory: EXAMPLES,
    seed: SEED,
    refreshMs: 10 * MINUTE,
  });

  it('has a table for every schema object of every example contract', async () => {
    const { contracts } = await readExampleContracts(EXAMPLES);
    expect(contracts.length).toBeGreaterThanOrEqual(30);
    const objects = contracts.flatMap(c =>
      (c.contract.schema ?? []).map(o => o.name),
    );
    expect(tables.map(t => t.name).sort()).toEqual([...objects].sort());
    // Every defect names a table and column of a contract.
    expect(() =>
      generateExampleData(tables, { seed: SEED, now: NOW }),
    ).not.toThrow();
  });

  it('refuses a defect that names no table of the contracts', () => {
    expect(() =>
      generateExampleData(tables, {
        seed: SEED,
        now: NOW,
        defects: [{ ...EXAMPLE_DATA_DEFECTS[0], table: 'no_such_table' }],
      }),
    ).toThrow(/no table no_such_table/);
  });

  it('is deterministic: the same seed and now give the same tables, another seed others', async () => {
    const stamp = { hash: 'h', now: NOW.toISOString() };
    const hashes: string[] = [];
    for (const [name, seed] of [
      ['a', SEED],
      ['b', SEED],
      ['c', SEED + 1],
    ] as const) {
      const file = path.join(dir, `${name}.duckdb`);
      await writeDuckdb(
        file,
        generateExampleData(tables, { seed, now: NOW }),
        stamp,
      );
      const reader = await duckdbReader(file);
      hashes.push(await contentHash(reader, tables));
      await reader.close();
    }
    expect(hashes[0]).toBe(hashes[1]);
    expect(hashes[2]).not.toBe(hashes[0]);
  });

  it('generates times relative to now: a day later, the same data a day later', () => {
    const today = generateExampleData(tables, { seed: SEED, now: NOW });
    const later = generateExampleData(tables, {
      seed: SEED,
      now: new Date(NOW.getTime() + 24 * 60 * MINUTE),
    });
    const encounters = (data: typeof today) => {
      const generated = data.find(d => d.table.name === 'encounters')!;
      const admitted = generated.columns.findIndex(
        c => c.name === 'admitted_at',
      );
      return generated.rows.map(row =>
        Date.parse(`${String(row[admitted]).replace(' ', 'T')}Z`),
      );
    };
    const shifted = encounters(later);
    encounters(today).forEach((time, i) =>
      expect(shifted[i] - time).toBe(24 * 60 * MINUTE),
    );
  });

  describe.each(['duckdb', 'postgres'] as const)('on %s', dialect => {
    let target: ExampleDataSettings['target'];
    let reader: Reader;

    beforeAll(async () => {
      if (dialect === 'duckdb') {
        target = {
          type: 'duckdb',
          path: path.join(dir, 'built', 'example-data.duckdb'),
        };
      } else {
        target = {
          type: 'postgres',
          ...postgresTarget(`example_data_test_${randomUUID().slice(0, 8)}`),
        };
      }
      const result = await buildExampleData(settings(target), { now: NOW });
      if (!result.built || result.tables !== tables.length) {
        throw new Error(
          `The example data was not built: ${JSON.stringify(result)}`,
        );
      }
      reader =
        target.type === 'duckdb'
          ? await duckdbReader(target.path)
          : await postgresReader(target);
    });

    afterAll(async () => {
      await reader?.close();
      if (target?.type === 'postgres') await dropDatabase(target.database);
    });

    it('builds every example table, satisfying its contract but for the listed defects', async () => {
      expect(await expectContractsHold(reader, tables)).toBe(tables.length);
    });

    it("creates the example teams' database roles, without login, where the data is in PostgreSQL", async () => {
      const roles = await readExampleTeamRoles(EXAMPLES);
      expect(roles).toContain('privacy_office');
      expect(roles).toHaveLength(12);
      if (target.type !== 'postgres') return;
      const client = new Client(postgresTarget('postgres'));
      await client.connect();
      try {
        const { rows } = await client.query(
          'SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname = ANY($1) ORDER BY rolname',
          [roles],
        );
        expect(rows).toEqual(
          roles.map(rolname => ({ rolname, rolcanlogin: false })),
        );
        // A role not there yet is created, and again it is left as it is.
        const fresh = `example_team_${randomUUID().slice(0, 8)}`;
        await ensurePostgresRoles(target, [fresh]);
        await ensurePostgresRoles(target, [fresh]);
        const created = await client.query(
          'SELECT rolcanlogin, rolsuper FROM pg_roles WHERE rolname = $1',
          [fresh],
        );
        expect(created.rows).toEqual([{ rolcanlogin: false, rolsuper: false }]);
        await client.query(`DROP ROLE "${fresh}"`);
      } finally {
        await client.end();
      }
    });

    it('satisfies every sql rule of the example contracts but for the listed defects', async () => {
      expect(await expectSqlRulesHold(reader)).toBe(20);
    });

    it('skips a build while the data is current, builds when it is old, and when forced', async () => {
      const stamp = await readStamp(target);
      expect(stamp?.now).toBe(NOW.toISOString());
      const soon = new Date(NOW.getTime() + 5 * MINUTE);
      expect(
        await buildExampleData(settings(target), { now: soon }),
      ).toMatchObject({
        built: false,
      });
      expect(await readStamp(target)).toEqual(stamp);

      expect(
        await buildExampleData(settings(target), { now: soon, force: true }),
      ).toMatchObject({ built: true });
      expect((await readStamp(target))?.now).toBe(soon.toISOString());

      const later = new Date(soon.getTime() + 11 * MINUTE);
      expect(
        await buildExampleData(settings(target), { now: later }),
      ).toMatchObject({
        built: true,
      });
      // Another seed is other data: rebuilt at once.
      expect(
        await buildExampleData(
          { ...settings(target), seed: SEED + 1 },
          { now: later },
        ),
      ).toMatchObject({ built: true });
    });
  });

  it('rebuilds when a contract changed', async () => {
    const examples = path.join(dir, 'examples');
    await fs.cp(EXAMPLES, examples, { recursive: true });
    const changed = {
      ...settings({
        type: 'duckdb',
        path: path.join(dir, 'changed', 'example-data.duckdb'),
      }),
      examplesDirectory: examples,
    };
    await buildExampleData(changed, { now: NOW });
    expect(await buildExampleData(changed, { now: NOW })).toMatchObject({
      built: false,
    });
    const file = path.join(
      examples,
      'hospital/contracts/staff-rostering-contract.odcs.yaml',
    );
    await fs.appendFile(file, '# a change\n');
    expect(await buildExampleData(changed, { now: NOW })).toMatchObject({
      built: true,
    });
  });

  it('replaces the DuckDB file atomically: an open reader keeps the old data, a failed build leaves it', async () => {
    const file = path.join(dir, 'atomic', 'example-data.duckdb');
    const target = { type: 'duckdb' as const, path: file };
    await buildExampleData(settings(target), { now: NOW });
    const before = await duckdbReader(file);
    const hashBefore = await contentHash(before, tables);

    await buildExampleData(settings(target), {
      now: new Date(NOW.getTime() + 60 * MINUTE),
    });
    // The reader opened before still reads the whole old file; a new one reads the new data.
    expect(await contentHash(before, tables)).toBe(hashBefore);
    await before.close();
    const after = await duckdbReader(file);
    const hashAfter = await contentHash(after, tables);
    await after.close();
    expect(hashAfter).not.toBe(hashBefore);

    // A build that fails half way (a value its column cannot hold) leaves the file as it was.
    const broken = generateExampleData(tables, { seed: SEED, now: NOW });
    const last = broken[broken.length - 1];
    const integer = last.columns.findIndex(
      c => c.logicalType === 'integer' || c.logicalType === 'date',
    );
    last.rows[0][integer >= 0 ? integer : 0] = 'not a value of this column';
    if (integer < 0)
      last.columns[0] = { ...last.columns[0], logicalType: 'date' };
    await expect(
      writeDuckdb(file, broken, { hash: 'x', now: NOW.toISOString() }),
    ).rejects.toThrow();
    const unchanged = await duckdbReader(file);
    expect(await contentHash(unchanged, tables)).toBe(hashAfter);
    await unchanged.close();
    expect(await fs.readdir(path.dirname(file))).toEqual([
      'example-data.duckdb',
    ]);
  });

  it('builds once when several backend instances start together on PostgreSQL', async () => {
    const target = {
      type: 'postgres' as const,
      ...postgresTarget(`example_data_test_${randomUUID().slice(0, 8)}`),
    };
    try {
      const results = await Promise.all([
        buildExampleData(settings(target), { now: NOW }),
        buildExampleData(settings(target), { now: NOW }),
      ]);
      expect(results.map(r => r.built).sort()).toEqual([false, true]);
    } finally {
      await dropDatabase(target.database);
    }
  });
});
