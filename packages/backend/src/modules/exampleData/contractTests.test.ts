import { createMockDirectory } from '@backstage/backend-test-utils';
import {
  DataServer,
  openDataServer,
  testContract,
} from '@datamesh-portal/plugin-data-mesh-contract-tests';
import { OdcsContract } from '@datamesh-portal/plugin-data-mesh-common';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { buildExampleData, ExampleDataTarget } from './build';
import { PostgresTarget } from './postgres';
import { readExampleContracts } from './contracts';
import { EXAMPLE_DATA_DEFECTS, EXAMPLE_DATA_LIMITS } from './defects';

jest.setTimeout(180_000);

const EXAMPLES = path.resolve(__dirname, '../../../../../examples');
const NOW = new Date('2026-03-02T09:30:00.000Z');

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

async function dropDatabase(database: string) {
  const client = new Client(postgresTarget('postgres'));
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/**
 * Where each deployment puts the example data: development a DuckDB file (`example-data`),
 * production a PostgreSQL database (`example-data-postgres`). Each configures only its own
 * server, and every example contract names both, the PostgreSQL one first.
 */
const DEPLOYMENTS = [
  {
    server: 'example-data',
    target: (dir: string): ExampleDataTarget => ({
      type: 'duckdb',
      path: path.join(dir, 'example-data.duckdb'),
    }),
  },
  {
    server: 'example-data-postgres',
    target: (): ExampleDataTarget => ({
      type: 'postgres',
      ...postgresTarget(`example_data_spread_${randomUUID().slice(0, 8)}`),
    }),
  },
];

describe.each(DEPLOYMENTS)(
  'the example contracts tested on the example data in $server',
  deployment => {
    const dir = createMockDirectory();
    let target: ExampleDataTarget;
    let server: DataServer;
    let contracts: Array<{ contract: OdcsContract }>;

    beforeAll(async () => {
      target = deployment.target(dir.path);
      await buildExampleData(
        { target, examplesDirectory: EXAMPLES, seed: 7, refreshMs: 60_000 },
        { now: NOW },
      );
      server = await openDataServer(deployment.server, { ...target });
      contracts = (await readExampleContracts(EXAMPLES)).contracts;
    });

    afterAll(async () => {
      await server?.close();
      if (target?.type === 'postgres') await dropDatabase(target.database);
    });

    it('shows the spread: clean products pass, each defect fails exactly the check it breaks', async () => {
      const shown: Record<string, Outcome[]> = {};
      const expected: Record<string, Outcome[]> = {};
      for (const { contract } of contracts) {
        const product = String(contract.dataProduct);
        // The deployment's server only, as its config has it: the contract's other servers
        // are not configured there.
        const result = await testContract(contract, {
          servers: new Map([[deployment.server, server]]),
          now: NOW,
        });
        expect(result.server).toBe(deployment.server);
        shown[product] = sorted(
          result.checks
            .filter(c => c.outcome === 'fail' || c.outcome === 'error')
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
  },
);
