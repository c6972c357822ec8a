import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { createTestEngine, TestEngine } from './__testUtils__/engines';
import { DataServer } from './servers/types';
import { testContract } from './testContract';

// Real engines, on a machine that may be busy: time for queries and for the parsers' first load.
jest.setTimeout(60_000);

function contract(server: Record<string, unknown>, quality: unknown[] = []) {
  return {
    apiVersion: 'v3.1.0',
    kind: 'DataContract',
    id: 'files',
    version: '1.0.0',
    status: 'active',
    servers: [{ server: 'lake', type: 'local', ...server }],
    schema: [
      {
        name: 'orders',
        quality,
        properties: [
          { name: 'id', logicalType: 'integer', primaryKey: true },
          { name: 'status', logicalType: 'string', required: true },
        ],
      },
    ],
  };
}

describe('files of local servers, read by DuckDB inside the data folder', () => {
  let engine: TestEngine;
  let server: DataServer;

  beforeAll(async () => {
    engine = createTestEngine('duckdb');
    mkdirSync(join(engine.dataDirectory, 'orders'), { recursive: true });
    writeFileSync(
      join(engine.dataDirectory, 'orders', 'orders.csv'),
      'id,status\n1,a\n2,b\n3,b\n',
    );
    writeFileSync(
      join(engine.dataDirectory, '..', 'secret.csv'),
      'id,status\n9,x\n',
    );
    await engine.setup(
      `COPY (SELECT range::INTEGER AS id, CASE WHEN range % 2 = 0 THEN 'a' ELSE 'b' END AS status FROM range(1, 101))
       TO '${join(
         engine.dataDirectory,
         'orders',
         'orders.parquet',
       )}' (FORMAT parquet)`,
    );
    server = await engine.open('lake');
  });

  afterAll(async () => {
    await engine.close();
  });

  const run = (document: unknown) =>
    testContract(document, { servers: new Map([['lake', server]]) });

  it('tests Parquet and CSV files, with sql rules over the object', async () => {
    const rules = [
      { name: 'rows', metric: 'rowCount', mustBeGreaterThan: 2 },
      {
        name: 'statuses',
        type: 'sql',
        query: "SELECT COUNT(*) FROM ${table} WHERE status NOT IN ('a', 'b')",
        mustBe: 0,
      },
    ];
    const parquet = await run(
      contract({ path: 'orders/{model}.parquet', format: 'parquet' }, rules),
    );
    expect(parquet.summary).toEqual({
      passed: 9,
      failed: 0,
      errors: 0,
      skipped: 0,
    });
    expect(parquet.checks.find(c => c.name === 'rows')?.measured).toBe(100);
    const csv = await run(
      contract({ path: 'orders/orders.csv', format: 'csv' }, rules),
    );
    expect(csv.summary).toEqual({
      passed: 9,
      failed: 0,
      errors: 0,
      skipped: 0,
    });
  });

  it('reads tables from the catalog only, never a file of the data folder by that name', async () => {
    const result = await run({
      ...contract({}),
      servers: [{ server: 'lake', type: 'duckdb' }],
      schema: [
        {
          name: join(engine.dataDirectory, 'orders', 'orders.csv'),
          properties: [{ name: 'id' }],
        },
      ],
    });
    expect(result.checks).toEqual([
      expect.objectContaining({ metric: 'exists', outcome: 'fail' }),
      expect.objectContaining({ metric: 'exists', outcome: 'skipped' }),
    ]);
  });

  it('fails a file that is not there', async () => {
    const result = await run(
      contract({ path: 'orders/none.parquet', format: 'parquet' }),
    );
    expect(result.checks[0]).toMatchObject({
      metric: 'exists',
      outcome: 'fail',
    });
  });

  it('refuses a path that leaves the data folder, and files read by a rule', async () => {
    const outside = await run(
      contract({ path: '../secret.csv', format: 'csv' }),
    );
    expect(outside.checks[0]).toMatchObject({
      outcome: 'error',
      message:
        'Contract files 1.0.0, orders, exists: its path ../secret.csv leaves the data folder of server lake',
    });
    const absolute = await run(
      contract({ path: '/etc/passwd', format: 'csv' }),
    );
    expect(absolute.checks[0].outcome).toBe('error');
    const reading = await run(
      contract({ path: 'orders/{model}.parquet', format: 'parquet' }, [
        {
          name: 'reads',
          type: 'sql',
          query: `SELECT COUNT(*) FROM read_csv('${join(
            engine.dataDirectory,
            '..',
            'secret.csv',
          )}')`,
          mustBe: 1,
        },
      ]),
    );
    expect(reading.checks.find(c => c.name === 'reads')).toMatchObject({
      outcome: 'error',
      message: expect.stringContaining('refused: it reads a table function'),
    });
    // Even sent straight to the server, files outside the folder stay out of reach.
    await expect(
      server.query(
        `SELECT * FROM read_csv('${join(
          engine.dataDirectory,
          '..',
          'secret.csv',
        )}')`,
        [],
      ),
    ).rejects.toThrow(/Permission Error/);
  });

  it('needs a duckdb server with a data folder, and a format it reads', async () => {
    const noFolder = await testContract(
      contract({ path: 'orders/{model}.parquet', format: 'parquet' }),
      { servers: new Map([['lake', { ...server, dataDirectory: undefined }]]) },
    );
    expect(noFolder.checks[0].message).toBe(
      'Contract files 1.0.0: server lake is a local server, which needs a configured duckdb server with a dataDirectory',
    );
    const delta = await run(contract({ path: 'orders', format: 'delta' }));
    expect(delta.checks[0].message).toMatch(
      /format "delta" is not parquet, csv or json/,
    );
  });
});
