import {
  createTestEngine,
  ENGINES,
  recording,
  TestEngine,
} from './__testUtils__/engines';
import { openDataServer } from './servers/openDataServer';
import { DataServer } from './servers/types';
import { testContract } from './testContract';
import { ContractTestResult } from './types';

// Real engines, on a machine that may be busy: time for queries and for the parsers' first load.
jest.setTimeout(60_000);

const HOSTILE = '"; drop table sales.orders; --';

const SETUP = `
CREATE SCHEMA sales;
CREATE SCHEMA other;
CREATE TABLE sales.orders (id INTEGER, amount INTEGER, "${HOSTILE.replace(
  /"/g,
  '""',
)}" INTEGER);
INSERT INTO sales.orders VALUES (1, 10, 1), (2, 20, 2), (3, 30, 3);
CREATE TABLE sales.big (n INTEGER);
INSERT INTO sales.big SELECT g FROM generate_series(1, 3000) AS t(g);
CREATE TABLE other.secrets (secret VARCHAR);
INSERT INTO other.secrets VALUES ('s3cr3t');
`;

/** A contract of one object whose rules are `quality`. */
function contract(
  table: string,
  quality: unknown[] = [],
  server: Record<string, unknown> = {},
  properties: unknown[] = [{ name: 'id', logicalType: 'integer' }],
) {
  return {
    apiVersion: 'v3.1.0',
    kind: 'DataContract',
    id: 'hostile',
    version: '2.0.0',
    status: 'active',
    servers: [{ server: 'warehouse', schema: 'sales', ...server }],
    schema: [{ name: table, quality, properties }],
  };
}

/** Rules that must be refused before they run, each with a fragment only it sends. */
const REFUSED: Array<[string, string, RegExp]> = [
  [
    'DDL',
    'CREATE TABLE sales.evil AS SELECT 1',
    /not a SELECT|only a SELECT|CreateTableAs/,
  ],
  ['DROP', 'DROP TABLE ${table}', /SELECT/],
  ['DELETE', 'DELETE FROM ${table}', /SELECT/],
  ['UPDATE', 'UPDATE ${table} SET amount = 0', /SELECT/],
  ['INSERT', 'INSERT INTO ${table} (id) VALUES (99)', /SELECT/],
  [
    'a second statement',
    'SELECT COUNT(*) FROM ${table}; DELETE FROM ${table}',
    /./,
  ],
  ['two SELECTs', 'SELECT 1; SELECT 2', /2 statements/],
  [
    'a writing CTE',
    'WITH d AS (DELETE FROM ${table} RETURNING *) SELECT COUNT(*) FROM d',
    /./,
  ],
  ['COPY', "COPY ${table} TO '/tmp/contract-tests-copy.csv'", /SELECT/],
  ['ATTACH', "ATTACH '/tmp/contract-tests-evil.duckdb' AS evil", /./],
  ['INSTALL', 'INSTALL httpfs', /./],
  ['LOAD', 'LOAD httpfs', /./],
  ['SET', "SET search_path = 'other'", /./],
  ['SELECT INTO', 'SELECT * INTO sales.copy FROM ${table}', /./],
  ['FOR UPDATE', 'SELECT id FROM ${table} FOR UPDATE', /./],
  ['pg_sleep', 'SELECT pg_sleep(5)', /pg_sleep\(\)/],
  ['read_csv', "SELECT COUNT(*) FROM read_csv('/etc/passwd')", /./],
  [
    'pg_read_file',
    "SELECT length(pg_read_file('/etc/passwd'))",
    /pg_read_file/,
  ],
  [
    'current_setting',
    "SELECT current_setting('search_path')",
    /current_setting/,
  ],
  ['nextval', "SELECT nextval('sales.seq')", /nextval/],
  [
    'another schema',
    'SELECT COUNT(*) FROM other.secrets',
    /outside the contract's schema/,
  ],
  ['a system catalog', 'SELECT COUNT(*) FROM pg_catalog.pg_tables', /outside/],
  [
    'information_schema',
    'SELECT COUNT(*) FROM information_schema.tables',
    /outside/,
  ],
  [
    'a table not in the contract',
    'SELECT COUNT(*) FROM big',
    /not a table of this contract/,
  ],
  [
    'an unqualified catalog',
    'SELECT COUNT(*) FROM pg_tables',
    /not a table of this contract/,
  ],
  [
    'a catalog lookup cast',
    "SELECT COUNT(*) FROM ${table} WHERE 'pg_authid'::regclass IS NOT NULL",
    /regclass|not valid SQL|not a SELECT/,
  ],
  ['a qualified function', 'SELECT public.evil()', /built-in/],
];

describe.each(ENGINES)('bad input on %s', engineName => {
  let engine: TestEngine;
  let server: DataServer;
  let before: Record<string, number>;
  const entry = { type: engineName };

  beforeAll(async () => {
    engine = createTestEngine(engineName);
    await engine.setup(SETUP);
    if (engineName === 'postgres') {
      await engine.setup('CREATE SEQUENCE sales.seq');
    }
    server = await engine.open('warehouse');
    before = await engine.snapshot();
  });

  afterAll(async () => {
    await engine.close();
  });

  const run = (
    document: unknown,
    target: DataServer = server,
    signal?: AbortSignal,
  ) =>
    testContract(document, {
      servers: new Map([['warehouse', target]]),
      signal,
    });

  const errorsOf = (result: ContractTestResult) =>
    result.checks.filter(check => check.outcome === 'error');

  it.each(REFUSED)(
    'refuses a sql rule with %s before it runs',
    async (_, query, reason) => {
      const recorder = recording(server);
      const result = await run(
        contract(
          'orders',
          [{ name: 'evil', type: 'sql', query, mustBe: 0 }],
          entry,
        ),
        recorder,
      );
      const check = result.checks.find(c => c.name === 'evil')!;
      expect(check).toMatchObject({
        object: 'orders',
        metric: 'sql',
        outcome: 'error',
      });
      expect(check.message).toMatch(
        /^Contract hostile 2\.0\.0, orders, sql \(evil\): its query was refused: /,
      );
      expect(check.message).toMatch(reason);
      // Only the table lookup and the aggregate scan reached the server.
      expect(recorder.sent).toHaveLength(2);
      expect(recorder.sent.join('\n')).not.toContain(
        query.replace('${table}', ''),
      );
    },
  );

  it('refuses ${column} in a rule that is not on a property', async () => {
    const result = await run(
      contract(
        'orders',
        [
          {
            name: 'c',
            type: 'sql',
            query: 'SELECT COUNT(${column}) FROM ${table}',
            mustBe: 3,
          },
        ],
        entry,
      ),
    );
    expect(result.checks.find(c => c.name === 'c')).toMatchObject({
      outcome: 'error',
      message: expect.stringContaining(
        '${column}, but the rule is not on a property',
      ),
    });
  });

  it('quotes a hostile column name everywhere and reads it', async () => {
    const result = await run(
      contract('orders', [], entry, [
        {
          name: HOSTILE,
          logicalType: 'integer',
          required: true,
          unique: true,
          quality: [
            { name: 'nulls', metric: 'nullValues', mustBe: 0 },
            {
              name: 'valid',
              metric: 'invalidValues',
              arguments: { validValues: ['1', '2', '3'] },
              mustBe: 0,
            },
            {
              name: 'pattern',
              metric: 'invalidValues',
              arguments: { pattern: "^[0-9]+$'; --" },
              mustBe: 3,
            },
            {
              name: 'sql',
              type: 'sql',
              query: 'SELECT MAX(${column}) FROM ${table}',
              mustBe: 3,
            },
          ],
        },
      ]),
    );
    expect(errorsOf(result)).toEqual([]);
    expect(result.summary).toMatchObject({ failed: 0, errors: 0 });
    expect(result.checks.map(c => c.property)).toContain(HOSTILE);
  });

  it('reports a bad pattern on its rule alone, the other checks still run', async () => {
    const result = await run(
      contract(
        'orders',
        [{ name: 'rows', metric: 'rowCount', mustBe: 3 }],
        entry,
        [
          {
            name: 'amount',
            quality: [
              {
                name: 'bad',
                metric: 'invalidValues',
                arguments: { pattern: '([' },
                mustBe: 0,
              },
              { name: 'none', metric: 'invalidValues', mustBe: 0 },
              {
                name: 'good',
                metric: 'invalidValues',
                arguments: { pattern: '^[0-9]+$' },
                mustBe: 0,
              },
            ],
          },
        ],
      ),
    );
    expect(result.checks.find(c => c.name === 'bad')).toMatchObject({
      outcome: 'error',
      message: expect.stringMatching(
        /^Contract hostile 2\.0\.0, orders\.amount, invalidValues \(bad\): arguments\.pattern is not a valid regular expression/,
      ),
    });
    expect(result.checks.find(c => c.name === 'none')?.message).toContain(
      'needs arguments.validValues or arguments.pattern',
    );
    expect(result.checks.find(c => c.name === 'good')?.outcome).toBe('pass');
    expect(result.checks.find(c => c.name === 'rows')?.outcome).toBe('pass');
  });

  it('reports a rule measured in the scan that cannot be computed on that rule alone', async () => {
    const recorder = recording(server);
    const result = await run(
      contract(
        'orders',
        [{ name: 'rows', metric: 'rowCount', mustBe: 3 }],
        entry,
        [
          {
            name: 'amount',
            quality: [
              {
                name: 'broken',
                type: 'sql',
                query:
                  "SELECT SUM(CAST('x' || ${column} AS INTEGER)) FROM ${table}",
                mustBe: 0,
              },
              {
                name: 'largest',
                type: 'sql',
                query: 'SELECT MAX(${column}) FROM ${table} WHERE id < 3',
                mustBe: 20,
              },
              { name: 'no nulls', metric: 'nullValues', mustBe: 0 },
            ],
          },
        ],
      ),
      recorder,
    );
    const outcome = (name: string) => result.checks.find(c => c.name === name);
    expect(outcome('broken')).toMatchObject({ outcome: 'error' });
    expect(outcome('broken')?.message).toMatch(
      /^Contract hostile 2\.0\.0, orders\.amount, sql \(broken\): .*(invalid input syntax|Could not convert)/i,
    );
    expect(outcome('largest')).toMatchObject({ outcome: 'pass', measured: 20 });
    expect(outcome('no nulls')).toMatchObject({ outcome: 'pass', measured: 0 });
    expect(outcome('rows')).toMatchObject({ outcome: 'pass', measured: 3 });
    expect(result.checks.find(c => c.metric === 'exists')?.outcome).toBe(
      'pass',
    );
    // On PostgreSQL both rules were folded into the scan, which failed; it ran again without
    // them, and each rule as its own query. On DuckDB they are queries of their own anyway.
    const scans = recorder.sent.filter(sql => sql.startsWith('SELECT\n'));
    expect(scans.map(scan => scan.includes('FILTER (WHERE id < 3)'))).toEqual(
      engineName === 'postgres' ? [true, false] : [false],
    );
    expect(recorder.sent).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^SELECT SUM\(CAST\('x' \|\|/),
        expect.stringMatching(
          /^SELECT MAX\("amount"\) FROM "sales"\."orders" WHERE/,
        ),
      ]),
    );
  });

  it('fails a hostile table name as a missing table', async () => {
    const result = await run(
      contract(`orders"; DROP TABLE sales.orders; --`, [], entry),
    );
    expect(result.checks[0]).toMatchObject({
      metric: 'exists',
      outcome: 'fail',
    });
  });

  it('reports a server the config does not have', async () => {
    const result = await testContract(contract('orders', [], entry), {
      servers: new Map(),
    });
    expect(result.checks).toEqual([
      {
        object: 'orders',
        metric: 'exists',
        outcome: 'error',
        message:
          'Contract hostile 2.0.0: server warehouse is not configured (dataMesh.servers.warehouse), so its data cannot be tested',
      },
    ]);
  });

  it('reports a server type contract tests do not support, or one that differs from the config', async () => {
    const snowflake = await run(contract('orders', [], { type: 'snowflake' }));
    expect(snowflake.checks[0].message).toBe(
      'Contract hostile 2.0.0: server warehouse is of type snowflake, which contract tests do not support (postgres, duckdb and local are)',
    );
    const other = engineName === 'duckdb' ? 'postgres' : 'duckdb';
    const mismatch = await run(contract('orders', [], { type: other }));
    expect(mismatch.checks[0]).toMatchObject({
      outcome: 'error',
      message: `Contract hostile 2.0.0: server warehouse is of type ${other} in the contract but ${engineName} in the config`,
    });
  });

  it('reports a contract that names no server', async () => {
    const result = await run({ ...contract('orders'), servers: [] });
    expect(result.checks[0].message).toBe(
      'Contract hostile 2.0.0: it names no server to test against',
    );
  });

  it('survives documents that are not contracts', async () => {
    for (const document of [null, 'text', [], { schema: 'x', servers: 7 }]) {
      const result = await run(document);
      expect(result.summary.errors).toBe(1);
    }
  });

  it('stops a rule that runs past the statement timeout', async () => {
    const slow = await engine.open('warehouse', { statementTimeoutMs: 3000 });
    const result = await run(
      contract(
        'big',
        [
          {
            name: 'slow',
            type: 'sql',
            query:
              'SELECT COUNT(*) FROM big a, big b, big c WHERE a.n + b.n > c.n',
            mustBe: 0,
          },
        ],
        entry,
        [{ name: 'n' }],
      ),
      slow,
    );
    expect(result.checks.find(c => c.name === 'slow')).toMatchObject({
      outcome: 'error',
      message:
        'Contract hostile 2.0.0, big, sql (slow): The query timed out after 3000 ms',
    });
    // The server still answers after an interrupted query.
    expect(await slow.query('SELECT COUNT(*) AS n FROM sales.big', [])).toEqual(
      [{ n: 3000 }],
    );
  });

  it('stops when its signal aborts', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const result = await run(
      contract(
        'big',
        [
          {
            name: 'slow',
            type: 'sql',
            query:
              'SELECT COUNT(*) FROM big a, big b, big c WHERE a.n + b.n > c.n',
            mustBe: 0,
          },
        ],
        entry,
        [{ name: 'n' }],
      ),
      server,
      controller.signal,
    );
    expect(result.checks.find(c => c.name === 'slow')).toMatchObject({
      outcome: 'error',
      message: 'Contract hostile 2.0.0, big, sql (slow): The query was aborted',
    });
  });

  it('refuses writes sent straight to the server', async () => {
    await expect(
      server.query('DELETE FROM sales.orders', []),
    ).rejects.toThrow();
    await expect(
      server.query('SELECT 1; DELETE FROM sales.orders', []),
    ).rejects.toThrow();
    await expect(
      server.query('CREATE TABLE sales.evil (a INTEGER)', []),
    ).rejects.toThrow();
  });

  if (engineName === 'postgres') {
    it('reports an unreachable server', async () => {
      const unreachable = await openDataServer('warehouse', {
        ...(engine.config() as any),
        port: 1,
      });
      try {
        const result = await run(contract('orders', [], entry), unreachable);
        expect(result.checks[0]).toMatchObject({
          metric: 'exists',
          outcome: 'error',
          message: expect.stringMatching(
            /^Contract hostile 2\.0\.0, orders, exists: Cannot reach server warehouse \(127\.0\.0\.1:1\/.*\): .*ECONNREFUSED/,
          ),
        });
      } finally {
        await unreachable.close();
      }
    });

    it('reports a table the configured user may not read', async () => {
      const role = `contract_reader_${Date.now()}`;
      await engine.setup(`CREATE ROLE ${role} LOGIN;
        GRANT USAGE ON SCHEMA sales TO ${role};
        GRANT SELECT ON sales.big TO ${role};`);
      const reader = await openDataServer('warehouse', {
        ...(engine.config() as any),
        user: role,
      });
      try {
        const result = await run(contract('orders', [], entry), reader);
        expect(errorsOf(result)[0]).toMatchObject({
          metric: 'exists',
          message: expect.stringContaining('permission denied'),
        });
        const readable = await run(
          contract('big', [], entry, [{ name: 'n' }]),
          reader,
        );
        expect(readable.summary).toMatchObject({ errors: 0, failed: 0 });
      } finally {
        await reader.close();
        await engine.setup(`DROP OWNED BY ${role}; DROP ROLE ${role}`);
      }
    });
  } else {
    it('reports a database file that is not there', async () => {
      await expect(
        openDataServer('warehouse', {
          type: 'duckdb',
          path: '/nonexistent/x.duckdb',
        }),
      ).rejects.toThrow(/Cannot open the DuckDB database of server warehouse/);
    });
  }

  // Declared last: jest runs the tests of a file in order.
  it('wrote nothing through any of the tests above', async () => {
    expect(await engine.snapshot()).toEqual(before);
  });
});
