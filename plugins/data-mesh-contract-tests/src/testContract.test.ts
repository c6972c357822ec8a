import {
  createTestEngine,
  ENGINES,
  recording,
  TestEngine,
} from './__testUtils__/engines';
import {
  COUNT_OPERATORS,
  METRIC_RULES,
  ORDERS_SETUP,
  ordersContract,
  ROW_COUNT_OPERATORS,
} from './__testUtils__/ordersFixture';
import { DataServer } from './servers/types';
import { testContract } from './testContract';
import { ContractCheck, ContractTestResult } from './types';

// Real engines, on a machine that may be busy: time for queries and for the parsers' first load.
jest.setTimeout(60_000);

const NOW = new Date('2026-01-10T10:00:00Z');

function find(
  result: ContractTestResult,
  match: Partial<ContractCheck>,
): ContractCheck {
  const found = result.checks.filter(check =>
    Object.entries(match).every(
      ([key, value]) => check[key as keyof ContractCheck] === value,
    ),
  );
  if (found.length !== 1) {
    throw new Error(
      `expected one check like ${JSON.stringify(match)}, found ${found.length}`,
    );
  }
  return found[0];
}

describe.each(ENGINES)('testContract on %s', engineName => {
  let engine: TestEngine;
  let server: DataServer;
  const serverEntry = { server: 'warehouse', type: engineName };

  beforeAll(async () => {
    engine = createTestEngine(engineName);
    await engine.setup(ORDERS_SETUP);
    server = await engine.open('warehouse');
  });

  afterAll(async () => {
    await engine.close();
  });

  const run = (contract: unknown, now = NOW, target = server) =>
    testContract(contract, {
      servers: new Map([['warehouse', target]]),
      now,
    });

  describe('on a table that meets every rule and one that breaks each by one row', () => {
    let good: ContractTestResult;
    let bad: ContractTestResult;
    let goodQueries: string[];

    beforeAll(async () => {
      const recorder = recording(server);
      good = await run(
        ordersContract('orders_good', serverEntry),
        NOW,
        recorder,
      );
      goodQueries = recorder.sent;
      bad = await run(ordersContract('orders_bad', serverEntry));
    });

    it('reports the contract, server and a summary', () => {
      expect(good).toMatchObject({
        id: 'orders',
        version: '1.0.0',
        server: 'warehouse',
      });
      expect(good.summary.errors).toBe(0);
      expect(good.summary.passed + good.summary.failed).toBe(
        good.checks.length,
      );
      expect(bad.summary.errors).toBe(0);
      expect(bad.summary.failed).toBeGreaterThan(good.summary.failed);
    });

    it.each(
      Object.entries(METRIC_RULES).flatMap(([property, rules]) =>
        rules.map((rule, index) => ({
          property,
          name: rule.name,
          goodPasses: COUNT_OPERATORS[index].goodPasses,
        })),
      ),
    )('$name on $property', ({ property, name, goodPasses }) => {
      const onGood = find(good, { property, name });
      const onBad = find(bad, { property, name });
      expect(onGood.measured).toBe(0);
      expect(onBad.measured).toBe(1);
      expect([onGood.outcome, onBad.outcome]).toEqual(
        goodPasses ? ['pass', 'fail'] : ['fail', 'pass'],
      );
      expect((goodPasses ? onBad : onGood).message).toMatch(/expected/);
    });

    it.each(ROW_COUNT_OPERATORS)(
      'rowCount $operator $bound',
      ({ operator, goodPasses }) => {
        const name = `rowCount ${operator}`;
        const onGood = find(good, { object: 'orders', name });
        const onBad = find(bad, { object: 'orders', name });
        expect([onGood.measured, onBad.measured]).toEqual([10, 11]);
        expect([onGood.outcome, onBad.outcome]).toEqual(
          goodPasses ? ['pass', 'fail'] : ['fail', 'pass'],
        );
      },
    );

    it.each(COUNT_OPERATORS)(
      'duplicateValues of the key set (id, line) with $operator',
      ({ operator, goodPasses }) => {
        const name = `duplicateValues:properties ${operator}`;
        const onGood = find(good, { object: 'orders', name });
        const onBad = find(bad, { object: 'orders', name });
        expect([onGood.measured, onBad.measured]).toEqual([0, 1]);
        expect([onGood.outcome, onBad.outcome]).toEqual(
          goodPasses ? ['pass', 'fail'] : ['fail', 'pass'],
        );
      },
    );

    it('measures percent of rows with unit: percent', () => {
      const name = 'email nulls in percent';
      expect(find(good, { name })).toMatchObject({
        outcome: 'pass',
        measured: 0,
      });
      expect(find(bad, { name })).toMatchObject({
        outcome: 'fail',
        measured: 9.0909,
        expected: '< 5 %',
      });
    });

    it('checks the table and every column exist, with compatible types', () => {
      expect(
        find(good, { metric: 'exists', property: undefined }),
      ).toMatchObject({
        outcome: 'pass',
        measured: 11,
      });
      for (const property of [
        'id',
        'line',
        'customer',
        'email',
        'amount',
        'paid',
      ]) {
        expect(find(good, { metric: 'exists', property }).outcome).toBe('pass');
        expect(find(good, { metric: 'type', property }).outcome).toBe('pass');
      }
      expect(
        find(good, { metric: 'type', property: 'ordered_at' }),
      ).toMatchObject({
        outcome: 'pass',
        expected: 'timestamp / timestamp',
      });
    });

    it('checks required columns have no nulls', () => {
      expect(
        find(good, { metric: 'required', property: 'email' }).outcome,
      ).toBe('pass');
      expect(
        find(bad, { metric: 'required', property: 'email' }),
      ).toMatchObject({
        outcome: 'fail',
        measured: 1,
        message: '1 row are null',
      });
      expect(
        find(bad, { metric: 'required', property: 'customer' }).outcome,
      ).toBe('pass');
    });

    it('checks unique columns and the composite primary key in position order', () => {
      expect(find(good, { metric: 'unique', property: 'id' }).outcome).toBe(
        'pass',
      );
      expect(find(bad, { metric: 'unique', property: 'id' })).toMatchObject({
        outcome: 'fail',
        measured: 1,
      });
      expect(find(good, { metric: 'primaryKey' })).toMatchObject({
        property: 'id, line',
        outcome: 'pass',
      });
      expect(find(bad, { metric: 'primaryKey' })).toMatchObject({
        outcome: 'fail',
        measured: 1,
        message: '1 row repeat a key',
      });
    });

    it('runs sql rules with ${table} and ${column} substituted', () => {
      const name = 'no negative amounts';
      expect(find(good, { name })).toMatchObject({
        metric: 'sql',
        outcome: 'pass',
        measured: 0,
      });
      expect(find(bad, { name })).toMatchObject({
        outcome: 'fail',
        measured: 1,
      });
    });

    it('pushes the checks down in few queries: one scan, one per key set', () => {
      const scans = goodQueries.filter(sql => /^SELECT\n/.test(sql));
      const keySets = goodQueries.filter(sql => sql.includes('GROUP BY'));
      const lookups = goodQueries.filter(sql => sql.startsWith('columns '));
      expect(lookups).toHaveLength(1);
      expect(scans).toHaveLength(1);
      // {id, line} (the key and duplicateValues) is one GROUP BY. {id} (unique,
      // duplicateValues): on DuckDB a bitmap in the scan over the range one query reads
      // first; on PostgreSQL its own COUNT(DISTINCT), which keeps the scan parallel.
      expect(keySets).toHaveLength(1);
      const bitmap =
        'COUNT("id") - bit_count(bitstring_agg("id", CAST(1 AS INTEGER), CAST(10 AS INTEGER)))';
      expect({
        bitmapInScan: scans[0].includes(bitmap),
        distinctInScan: scans[0].includes('DISTINCT'),
        rangeQueries: goodQueries.filter(sql => sql.includes('MIN("id")'))
          .length,
        distinctQueries: goodQueries.filter(sql =>
          sql.startsWith('SELECT COUNT("id") - COUNT(DISTINCT "id")'),
        ).length,
      }).toEqual(
        engineName === 'duckdb'
          ? {
              bitmapInScan: true,
              distinctInScan: false,
              rangeQueries: 1,
              distinctQueries: 0,
            }
          : {
              bitmapInScan: false,
              distinctInScan: false,
              rangeQueries: 0,
              distinctQueries: 1,
            },
      );
      // The sql rule (a COUNT with a WHERE): on PostgreSQL measured in the scan, where a query
      // of its own would read every row again; on DuckDB its own query, which reads one column.
      const folded = 'COUNT(*) FILTER (WHERE "amount" < 0)';
      expect({
        foldedInScan: scans[0].includes(folded),
        ruleQueries: goodQueries.filter(sql => sql.includes('"amount" < 0'))
          .length,
      }).toEqual(
        engineName === 'postgres'
          ? { foldedInScan: true, ruleQueries: 1 }
          : { foldedInScan: false, ruleQueries: 1 },
      );
      expect(goodQueries).toHaveLength(engineName === 'postgres' ? 4 : 5);
    });
  });

  describe('uniqueness, exact whatever the way it is counted', () => {
    // Each key shape takes another path: a dense integer key (DuckDB: a bitmap), a sparse
    // and a huge one (too wide for a bitmap: hashed), text, no values at all.
    let result: ContractTestResult;
    let queries: string[];

    beforeAll(async () => {
      const keys = await createTestEngine(engineName);
      await keys.setup(`
CREATE SCHEMA k;
CREATE TABLE k.keys (dense INTEGER, sparse BIGINT, huge BIGINT, word VARCHAR(10), empty INTEGER, neg SMALLINT);
INSERT INTO k.keys VALUES
  (1, 1, -9000000000000000000, 'a', NULL, -3),
  (2, 1000000000, 9000000000000000000, 'b', NULL, -2),
  (3, 2000000000, 0, 'c', NULL, -1),
  (3, 3000000000, 0, 'c', NULL, -3),
  (NULL, NULL, NULL, NULL, NULL, NULL),
  (NULL, NULL, NULL, NULL, NULL, NULL);`);
      const opened = recording(await keys.open('warehouse'));
      result = await testContract(
        {
          apiVersion: 'v3.1.0',
          kind: 'DataContract',
          id: 'keys',
          version: '1.0.0',
          status: 'active',
          servers: [{ server: 'warehouse', type: engineName, schema: 'k' }],
          schema: [
            {
              name: 'keys',
              properties: [
                'dense',
                'sparse',
                'huge',
                'word',
                'empty',
                'neg',
              ].map(name => ({ name, unique: true })),
            },
          ],
        },
        { servers: new Map([['warehouse', opened]]), now: NOW },
      );
      queries = opened.sent;
      await keys.close();
    });

    it.each([
      ['dense', 1],
      ['sparse', 0],
      ['huge', 1],
      ['word', 1],
      ['empty', 0],
      ['neg', 1],
    ])('%s: %d duplicate rows, NULLs left out', (property, duplicates) => {
      expect(find(result, { metric: 'unique', property })).toMatchObject({
        outcome: duplicates ? 'fail' : 'pass',
        measured: duplicates,
      });
    });

    if (engineName === 'duckdb') {
      it('counts dense integer keys with a bitmap and hashes the rest', () => {
        const scan = queries.find(sql => /^SELECT\n/.test(sql))!;
        expect(scan).toContain(
          'bitstring_agg("dense", CAST(1 AS INTEGER), CAST(3 AS INTEGER))',
        );
        expect(scan).toContain(
          'bitstring_agg("neg", CAST(-3 AS SMALLINT), CAST(-1 AS SMALLINT))',
        );
        for (const hashed of ['sparse', 'huge', 'word']) {
          expect(scan).toContain(`COUNT(DISTINCT "${hashed}")`);
        }
        expect(scan).not.toContain('"empty"');
      });
    }
  });

  describe('patterns, matched anywhere in a value as RegExp.test matches', () => {
    // Values as SQL, and the JavaScript strings they are.
    const VALUES: Array<[string, string]> = [
      ["'axx'", 'axx'],
      ["'xxb'", 'xxb'],
      ["'xbx'", 'xbx'],
      ["'x' || chr(10) || 'b'", 'x\nb'],
      ["'b' || chr(10) || 'x'", 'b\nx'],
      ["'AB12'", 'AB12'],
      ["'ab12'", 'ab12'],
      ["''", ''],
    ];
    const PATTERNS = ['^a|b$', 'b', '^[A-Z]{2}[0-9]+$', '[0-9]', 'b$', '^$'];
    let result: ContractTestResult;

    beforeAll(async () => {
      const patterns = await createTestEngine(engineName);
      await patterns.setup(`
CREATE SCHEMA p;
CREATE TABLE p.words (word VARCHAR(10));
INSERT INTO p.words VALUES ${VALUES.map(([sql]) => `(${sql})`).join(', ')};`);
      result = await testContract(
        {
          apiVersion: 'v3.1.0',
          kind: 'DataContract',
          id: 'patterns',
          version: '1.0.0',
          status: 'active',
          servers: [{ server: 'warehouse', type: engineName, schema: 'p' }],
          schema: [
            {
              name: 'words',
              properties: [
                {
                  name: 'word',
                  quality: PATTERNS.map(pattern => ({
                    name: pattern,
                    metric: 'invalidValues',
                    arguments: { pattern },
                    mustBe: 0,
                  })),
                },
              ],
            },
          ],
        },
        {
          servers: new Map([['warehouse', await patterns.open('warehouse')]]),
          now: NOW,
        },
      );
      await patterns.close();
    });

    it.each(PATTERNS)('%s', pattern => {
      const regExp = new RegExp(pattern, 'u');
      expect(
        find(result, { metric: 'invalidValues', name: pattern }).measured,
      ).toBe(VALUES.filter(([, value]) => !regExp.test(value)).length);
    });
  });

  describe('keys the database enforces unique', () => {
    // A primary key, a unique column and a unique pair: not counted again. A column that is
    // only in an index's INCLUDE list or under a partial unique index (PostgreSQL) still is.
    let result: ContractTestResult;
    let queries: string[];

    beforeAll(async () => {
      const keys = await createTestEngine(engineName);
      await keys.setup(`
CREATE SCHEMA u;
CREATE TABLE u.orders (
  id INTEGER PRIMARY KEY, code VARCHAR(10) UNIQUE, region VARCHAR(5), line INTEGER,
  note VARCHAR(10), UNIQUE (region, line));
INSERT INTO u.orders VALUES
  (1, 'a', 'north', 1, 'x'), (2, 'b', 'north', 2, 'x'), (3, NULL, 'south', 1, 'y'),
  (4, NULL, NULL, 1, NULL), (5, NULL, NULL, 1, NULL);
${
  engineName === 'postgres'
    ? `CREATE UNIQUE INDEX orders_code_with_note ON u.orders (code) INCLUDE (note);
CREATE UNIQUE INDEX orders_note_unless_x ON u.orders (note) WHERE note <> 'x';`
    : ''
}`);
      const opened = recording(await keys.open('warehouse'));
      result = await testContract(
        {
          apiVersion: 'v3.1.0',
          kind: 'DataContract',
          id: 'enforced',
          version: '1.0.0',
          status: 'active',
          servers: [{ server: 'warehouse', type: engineName, schema: 'u' }],
          schema: [
            {
              name: 'orders',
              properties: [
                { name: 'id', unique: true },
                { name: 'code', unique: true },
                { name: 'region', primaryKey: true, primaryKeyPosition: 1 },
                { name: 'line', primaryKey: true, primaryKeyPosition: 2 },
                { name: 'note', unique: true },
              ],
              quality: [
                {
                  type: 'library',
                  metric: 'duplicateValues',
                  arguments: { properties: ['line', 'region', 'note'] },
                  mustBe: 0,
                },
              ],
            },
          ],
        },
        { servers: new Map([['warehouse', opened]]), now: NOW },
      );
      queries = opened.sent;
      await keys.close();
    });

    it('judges enforced keys without counting them, and counts the rest', () => {
      expect(find(result, { metric: 'unique', property: 'id' })).toMatchObject({
        outcome: 'pass',
        measured: 0,
      });
      expect(
        find(result, { metric: 'unique', property: 'code' }),
      ).toMatchObject({ outcome: 'pass', measured: 0 });
      // The pair is enforced unique; the two rows without a region are the null keys.
      expect(
        find(result, { metric: 'primaryKey', property: 'region, line' }),
      ).toMatchObject({
        outcome: 'fail',
        measured: 2,
        message: '2 rows have a null key',
      });
      expect(
        find(result, { metric: 'duplicateValues', property: undefined }),
      ).toMatchObject({ outcome: 'pass', measured: 0 });
      expect(
        find(result, { metric: 'unique', property: 'note' }),
      ).toMatchObject({ outcome: 'fail', measured: 1 });

      const sql = queries.join('\n');
      for (const enforced of ['id', 'code', 'region', 'line']) {
        expect(sql).not.toContain(`DISTINCT "${enforced}"`);
      }
      expect(sql).not.toContain('GROUP BY');
      expect(sql).toContain('DISTINCT "note"');
    });
  });

  describe('service levels', () => {
    it('passes freshness (latency) while the newest row is younger than the threshold', async () => {
      const fresh = await run(ordersContract('orders_good', serverEntry));
      expect(find(fresh, { metric: 'freshness' })).toMatchObject({
        outcome: 'pass',
        measured: '2 h',
        // The newest value itself, for the freshness fact's lastUpdated.
        timestamp: '2026-01-10T08:00:00.000Z',
        name: 'latency',
        expected: '<= 4 h',
      });
      const stale = await run(
        ordersContract('orders_good', serverEntry),
        new Date('2026-01-10T12:00:01Z'),
      );
      expect(find(stale, { metric: 'freshness' })).toMatchObject({
        outcome: 'fail',
        message: expect.stringContaining('more than 4 h'),
      });
    });

    it('fails retention once the oldest row is older than the retention', async () => {
      const kept = await run(
        ordersContract('orders_good', serverEntry),
        new Date('2027-01-01T00:00:00Z'),
      );
      expect(find(kept, { metric: 'retention' }).outcome).toBe('pass');
      const expired = await run(
        ordersContract('orders_good', serverEntry),
        new Date('2027-01-02T12:00:00Z'),
      );
      expect(find(expired, { metric: 'retention' })).toMatchObject({
        outcome: 'fail',
        property: 'order_date',
      });
    });

    it('skips a service level that names no element, saying there is nothing to measure it on', async () => {
      const contract = ordersContract('orders_good', serverEntry);
      delete (contract.slaProperties[0] as { element?: string }).element;
      delete (contract as { slaDefaultElement?: string }).slaDefaultElement;
      const result = await run(contract);
      expect(find(result, { metric: 'freshness' })).toMatchObject({
        outcome: 'skipped',
        message: expect.stringContaining('nothing to measure it on'),
      });
    });

    it('reports an element that names no column as an error', async () => {
      const contract = ordersContract('orders_good', serverEntry);
      contract.slaProperties[0].element = 'orders.no_such_column';
      const result = await run(contract);
      expect(find(result, { metric: 'freshness' })).toMatchObject({
        outcome: 'error',
        message: expect.stringContaining('Contract orders 1.0.0'),
      });
    });
  });

  describe('schema mismatches', () => {
    it('fails a missing table and skips its other checks', async () => {
      const result = await run(ordersContract('no_such_table', serverEntry));
      expect(
        find(result, { metric: 'exists', property: undefined }),
      ).toMatchObject({
        outcome: 'fail',
        message: 'no_such_table is not on server warehouse in schema sales',
      });
      expect(result.checks.filter(c => c.outcome === 'skipped').length).toBe(
        result.checks.length - 1,
      );
    });

    it('fails a missing column and an incompatible type, skipping what needs the column', async () => {
      const contract = ordersContract('orders_good', serverEntry);
      const properties = contract.schema[0].properties as any[];
      properties.push({ name: 'gone', logicalType: 'string', required: true });
      properties.find(p => p.name === 'paid').logicalType = 'date';
      properties.find(p => p.name === 'customer').physicalType = 'integer';
      const result = await run(contract);
      expect(
        find(result, { metric: 'exists', property: 'gone' }),
      ).toMatchObject({
        outcome: 'fail',
        message: 'gone is not a column of orders_good',
      });
      expect(
        find(result, { metric: 'required', property: 'gone' }).outcome,
      ).toBe('skipped');
      expect(find(result, { metric: 'type', property: 'paid' })).toMatchObject({
        outcome: 'fail',
        measured: expect.stringMatching(/^bool/i),
      });
      expect(
        find(result, { metric: 'type', property: 'customer' }).outcome,
      ).toBe('fail');
    });

    it('reports text and custom rules as skipped with the reason', async () => {
      const contract = ordersContract('orders_good', serverEntry);
      contract.schema[0].quality.push(
        {
          name: 'described',
          type: 'text',
          description: 'Orders are complete',
        } as any,
        {
          name: 'soda',
          type: 'custom',
          engine: 'soda',
          implementation: 'x',
        } as any,
      );
      const result = await run(contract);
      expect(find(result, { name: 'described' })).toMatchObject({
        metric: 'text',
        outcome: 'skipped',
      });
      expect(find(result, { name: 'soda' })).toMatchObject({
        metric: 'custom',
        outcome: 'skipped',
        message: 'a custom rule for soda runs in its own engine, not here',
      });
    });
  });
});
