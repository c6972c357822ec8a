import { parseOdcsContract } from '@datamesh-portal/plugin-data-mesh-common';
import { readFileSync } from 'fs';
import { join } from 'path';
import { createTestEngine, ENGINES, TestEngine } from './__testUtils__/engines';
import { DataServer } from './servers/types';
import { testContract } from './testContract';
import { ContractTestResult } from './types';

// Real engines, on a machine that may be busy: time for queries and for the parsers' first load.
jest.setTimeout(60_000);

/** The official ODCS examples, as data-mesh-common keeps them unchanged. */
const EXAMPLES = join(
  __dirname,
  '../../data-mesh-common/src/odcs/__fixtures__/examples',
);

/** An official example, pointed at the test server (the examples name none or a fictional one). */
function example(path: string, engine: string, schema: string) {
  const contract = parseOdcsContract(
    readFileSync(join(EXAMPLES, path), 'utf8'),
  );
  return {
    ...contract,
    servers: [
      {
        ...(contract.servers?.[0] ?? {}),
        server: 'warehouse',
        type: engine,
        schema,
      },
    ],
  };
}

const outcomes = (result: ContractTestResult) =>
  result.checks.map(
    c =>
      `${c.object}${c.property ? `.${c.property}` : ''} ${c.metric} ${
        c.outcome
      }${
        c.measured !== undefined && c.metric !== 'type' ? ` ${c.measured}` : ''
      }`,
  );

// Unquoted names, as the examples' own SQL writes them: PostgreSQL folds them to lower case.
const SETUP = `
CREATE SCHEMA nyc;
CREATE TABLE nyc.Air_Quality (UniqueID INTEGER, DataValue REAL, air_quality_status VARCHAR);
INSERT INTO nyc.Air_Quality VALUES
  (1, 10.5, 'good'), (2, 120, 'n/a'), (3, 499.9, 'moderate'), (4, 42, 'good'),
  (5, 7, 'good'), (6, 8, 'good'), (7, 9, 'good'), (8, 10, 'good'), (9, 11, 'good'),
  (10, 12, 'good'), (11, 13, 'good'), (12, 14, 'good'), (13, 15, 'good'), (14, 16, 'good'),
  (15, 17, 'good'), (16, 18, 'good'), (17, 19, 'good'), (18, 20, 'good'), (19, 21, 'good'),
  (20, 22, 'good'), (21, 23, 'good');
CREATE SCHEMA pp_access_views;
CREATE TABLE pp_access_views.tbl_1 (txn_ref_dt DATE, rcvr_id VARCHAR(18), rcvr_cntry_code VARCHAR(2));
INSERT INTO pp_access_views.tbl_1 VALUES
  (DATE '2026-01-01', 'r1', 'DE'), (DATE '2026-01-02', 'r2', 'FR'), (DATE '2026-01-03', 'r3', 'NL');
CREATE TABLE pp_access_views.receivers_master (id VARCHAR(18), country_code VARCHAR(2), receiver_name VARCHAR(255), receiver_type VARCHAR(20));
INSERT INTO pp_access_views.receivers_master VALUES
  ('r1', 'DE', 'One', 'business'), ('r2', 'FR', 'Two', NULL), ('r2', 'DE', 'Two DE', 'individual');
`;

describe.each(ENGINES)('the official ODCS examples on %s', engineName => {
  let engine: TestEngine;
  let server: DataServer;

  beforeAll(async () => {
    engine = createTestEngine(engineName);
    await engine.setup(SETUP);
    server = await engine.open('warehouse');
  });

  afterAll(async () => {
    await engine.close();
  });

  const run = (contract: unknown) =>
    testContract(contract, {
      servers: new Map([['warehouse', server]]),
      now: new Date('2026-01-04T00:00:00Z'),
    });

  it('quality/column-accuracy: a sql rule over values out of range', async () => {
    const passing = await run(
      example('quality/column-accuracy.odcs.yaml', engineName, 'nyc'),
    );
    expect(outcomes(passing)).toEqual([
      'Air_Quality exists pass 3',
      'Air_Quality.DataValue exists pass',
      'Air_Quality.DataValue type pass',
      'Air_Quality.DataValue sql pass 0',
    ]);
    expect(passing.checks[2].expected).toBe('number / float(3,2)');
  });

  it('quality/column-completeness, column-validity and column-custom', async () => {
    const completeness = await run(
      example('quality/column-completeness.odcs.yaml', engineName, 'nyc'),
    );
    expect(outcomes(completeness)).toEqual([
      'Air_Quality exists pass 3',
      'Air_Quality.UniqueID exists pass',
      'Air_Quality.UniqueID type pass',
      'Air_Quality.UniqueID primaryKey pass 0',
      'Air_Quality.UniqueID nullValues pass 0',
    ]);
    // 1 of 21 statuses (4.76 %) is valid under validValues ["", null, "n/a"]: 95.24 % invalid.
    const validity = await run(
      example('quality/column-validity.odcs.yaml', engineName, 'nyc'),
    );
    expect(outcomes(validity)).toContain(
      'Air_Quality.air_quality_status invalidValues fail 95.2381',
    );
    const custom = await run(
      example('quality/column-custom.odcs.yaml', engineName, 'nyc'),
    );
    expect(custom.checks.filter(c => c.metric === 'custom')).toEqual([
      expect.objectContaining({
        outcome: 'skipped',
        name: 'This column should not contain values under 100000',
      }),
      expect.objectContaining({
        outcome: 'skipped',
        message: 'a custom rule for soda runs in its own engine, not here',
      }),
    ]);
  });

  it('all/full-example: keys, required, quality and service levels', async () => {
    const result = await run(
      example('all/full-example.odcs.yaml', engineName, 'pp_access_views'),
    );
    expect(outcomes(result)).toEqual([
      // The example's latency and retention elements name tab1, which it does not define.
      'tab1 freshness error',
      'tab1 retention error',
      'tbl exists pass 3',
      'tbl.transaction_reference_date exists pass',
      'tbl.transaction_reference_date type pass',
      'tbl.rcvr_id exists pass',
      'tbl.rcvr_id type pass',
      'tbl.rcvr_cntry_code exists pass',
      'tbl.rcvr_cntry_code type pass',
      'tbl.rcvr_id primaryKey pass 0',
      'tbl rowCount fail 3',
      'tbl.rcvr_cntry_code nullValues pass 0',
      'receivers exists pass 4',
      'receivers.id exists pass',
      'receivers.id type pass',
      'receivers.id required pass 0',
      'receivers.id unique fail 1',
      'receivers.country_code exists pass',
      'receivers.country_code type pass',
      'receivers.country_code required pass 0',
      'receivers.receiver_name exists pass',
      'receivers.receiver_name type pass',
      'receivers.receiver_name required pass 0',
      'receivers.receiver_type exists pass',
      'receivers.receiver_type type pass',
      'receivers.id, country_code primaryKey pass 0',
    ]);
    expect(result.checks.find(c => c.metric === 'rowCount')).toMatchObject({
      expected: '> 1000000 rows',
      message: 'the table has 3 rows, expected > 1000000 rows',
    });
    expect(result.checks[0].message).toBe(
      'Contract 53581432-6c55-4ba2-a65f-72344a91553a 1.1.0, freshness (slaProperties latency): its element tab1.txn_ref_dt names no schema object of the contract',
    );
  });

  it('sla/database-table-sla measures freshness and retention once the element names a column', async () => {
    const contract = example(
      'all/full-example.odcs.yaml',
      engineName,
      'pp_access_views',
    );
    contract.slaProperties = contract.slaProperties!.map(sla => ({
      ...sla,
      element: sla.element?.replace('tab1.', 'tbl_1.'),
    }));
    const result = await run(contract);
    expect(
      result.checks.filter(
        c => c.metric === 'freshness' || c.metric === 'retention',
      ),
    ).toEqual([
      expect.objectContaining({
        metric: 'freshness',
        outcome: 'pass',
        measured: '1 d',
        expected: '<= 4 d',
      }),
      expect.objectContaining({
        metric: 'retention',
        outcome: 'pass',
        measured: '3 d',
        expected: '<= 3 y',
      }),
    ]);
  });
});
