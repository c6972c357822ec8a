import { createMockDirectory } from '@backstage/backend-test-utils';
import {
  ContractCheck,
  DataServer,
  openDataServer,
  testContract,
} from '@datamesh-portal/plugin-data-mesh-contract-tests';
import { OdcsContract } from '@datamesh-portal/plugin-data-mesh-common';
import path from 'node:path';
import { buildExampleData } from './build';
import { readExampleContracts } from './contracts';
import { EXAMPLE_DATA_DEFECTS, EXAMPLE_DATA_LIMITS } from './defects';

jest.setTimeout(180_000);

const EXAMPLES = path.resolve(__dirname, '../../../../../examples');
const NOW = new Date('2026-03-02T09:30:00.000Z');

/**
 * Outcomes the contracts' own text decides, whatever the data: physical types in the
 * organisations' warehouse dialects that the engine does not map to a type family
 * (Snowflake's TIMESTAMP_NTZ and NUMBER(p) for whole numbers, BigQuery's FLOAT64, Avro's
 * timestamp-millis), and
 * retention or latency levels that name no column. Allowed here, not required: they go when
 * the engine or the contracts change.
 */
function decidedByContractText(check: ContractCheck): boolean {
  const message = check.message ?? '';
  return (
    (check.outcome === 'fail' &&
      check.metric === 'type' &&
      /physicalType (TIMESTAMP_NTZ|FLOAT64|NUMBER\(\d+\)|timestamp-millis)$/.test(
        message,
      )) ||
    (check.outcome === 'error' &&
      (check.metric === 'retention' || check.metric === 'freshness') &&
      /names no element/.test(message))
  );
}

type Outcome = {
  outcome: string;
  metric: string;
  object: string;
  property?: string;
};

const sorted = (outcomes: Outcome[]) =>
  [...outcomes].sort((a, b) =>
    JSON.stringify(a).localeCompare(JSON.stringify(b)),
  );

/** What the defect table and the data's limits say a product's run shows beside passes. */
function expectedOutcomes(product: string): Outcome[] {
  return sorted([
    ...EXAMPLE_DATA_DEFECTS.filter(d => d.product === product).map(d => ({
      outcome: 'fail',
      ...d.breaks,
    })),
    ...EXAMPLE_DATA_LIMITS.filter(l => l.product === product).map(l => ({
      outcome: l.outcome,
      ...l.check,
    })),
  ]);
}

describe('the example contracts tested on the example data', () => {
  const dir = createMockDirectory();
  let server: DataServer;
  let contracts: Array<{ contract: OdcsContract }>;

  beforeAll(async () => {
    const file = dir.resolve('example-data.duckdb');
    await buildExampleData(
      {
        target: { type: 'duckdb', path: file },
        examplesDirectory: EXAMPLES,
        seed: 7,
        refreshMs: 60_000,
      },
      { now: NOW },
    );
    server = await openDataServer('example-data', {
      type: 'duckdb',
      path: file,
    });
    contracts = (await readExampleContracts(EXAMPLES)).contracts;
  });

  afterAll(async () => {
    await server?.close();
  });

  it('shows the spread: clean products pass, each defect fails exactly the check it breaks', async () => {
    const shown: Record<string, Outcome[]> = {};
    const expected: Record<string, Outcome[]> = {};
    for (const { contract } of contracts) {
      const product = String(contract.dataProduct);
      const result = await testContract(contract, {
        servers: new Map([['example-data', server]]),
        now: NOW,
      });
      expect(result.server).toBe('example-data');
      shown[product] = sorted(
        result.checks
          .filter(c => c.outcome === 'fail' || c.outcome === 'error')
          .filter(c => !decidedByContractText(c))
          .map(c => ({
            outcome: c.outcome,
            metric: c.metric,
            object: c.object,
            // A key's check names its columns; the defect table names the table only.
            ...(c.metric === 'primaryKey' ||
            c.metric === 'freshness' ||
            !c.property
              ? {}
              : { property: c.property }),
          })),
      );
      expected[product] = expectedOutcomes(product);
    }
    expect(shown).toEqual(expected);

    // Most products are clean; every defect and limit shows on its product.
    const clean = Object.values(shown).filter(o => o.length === 0).length;
    expect(clean).toBeGreaterThan(contracts.length / 2);
  });
});
