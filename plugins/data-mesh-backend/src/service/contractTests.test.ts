import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  createMockDirectory,
  mockCredentials,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { DuckDBInstance } from '@duckdb/node-api';
import net from 'net';
import { join } from 'path';
import YAML from 'yaml';
import { TestBackend, triggerTask, waitFor } from '../__testUtils__/backends';
import {
  dataMeshApi,
  mockPermissions,
  notificationsStub,
  QUIET_SCHEDULE,
  startRouteTestBackend,
  userOf,
  waitForRelation,
} from '../__testUtils__/routeTests';

jest.setTimeout(120_000);

/*
 * Contract tests end to end: a product whose contract's server is a real DuckDB file, tested
 * by the scheduled run and on demand; its runs, the facts they become and the scorecard that
 * reads them.
 */

const OWNER = 'user:default/ada';
// May not run tests, and reads nothing of the catalog.
const OUTSIDER = 'user:default/mallory';
// May run tests (the permission says yes), but the catalog hides every product from them.
const STRANGER = 'user:default/stranger';

const DAY = 86_400_000;
const ON_TRIGGER = {
  frequency: { trigger: 'manual' },
  timeout: { minutes: 1 },
};
const ORDERS = 'dataproduct:default/orders';
const ORDERS_CONTRACT = 'api:default/orders-contract';

const permissions = mockPermissions(
  (permission, credentials) =>
    !permission.startsWith('data-mesh.') ||
    [OWNER, STRANGER].includes(userOf(credentials) ?? '')
      ? AuthorizeResult.ALLOW
      : AuthorizeResult.DENY,
  credentials => ({
    result: [OUTSIDER, STRANGER].includes(userOf(credentials) ?? '')
      ? AuthorizeResult.DENY
      : AuthorizeResult.ALLOW,
  }),
);

const directory = createMockDirectory();
const warehouse = join(directory.path, 'warehouse.duckdb');

/** Writes the orders table: `duplicate` repeats an order id, the newest row is `ageMs` old. */
async function writeOrders(options: { duplicate: boolean; ageMs: number }) {
  const instance = await DuckDBInstance.create(warehouse);
  const connection = await instance.connect();
  try {
    const newest = new Date(Date.now() - options.ageMs);
    await connection.run(
      'CREATE OR REPLACE TABLE orders (order_id INTEGER, amount DOUBLE, updated_at TIMESTAMP)',
    );
    await connection.run(
      `INSERT INTO orders VALUES
        (1, 10.5, TIMESTAMP '2026-01-01 00:00:00'),
        (2, 20.0, TIMESTAMP '2026-01-02 00:00:00'),
        (${options.duplicate ? 2 : 3}, 30.0, $1::TIMESTAMP)`,
      [newest.toISOString().replace('T', ' ').replace('Z', '')],
    );
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

const DUCKDB_ENTRY = { type: 'duckdb', database: 'warehouse.duckdb' };

/**
 * A contract of the orders table, on `server` (the contract's entry for it, as ODCS has it),
 * after the servers `before` it lists.
 */
function contract(
  id: string,
  server: string,
  entry: object = DUCKDB_ENTRY,
  before: object[] = [],
) {
  return YAML.stringify({
    apiVersion: 'v3.1.0',
    kind: 'DataContract',
    id,
    version: '1.0.0',
    status: 'active',
    servers: [...before, { server, ...entry }],
    schema: [
      {
        name: 'orders',
        physicalName: 'orders',
        physicalType: 'table',
        properties: [
          {
            name: 'order_id',
            logicalType: 'integer',
            required: true,
            unique: true,
          },
          { name: 'amount', logicalType: 'number' },
          { name: 'updated_at', logicalType: 'timestamp' },
        ],
      },
    ],
    slaProperties: [
      {
        property: 'latency',
        value: 1,
        unit: 'd',
        element: 'orders.updated_at',
      },
    ],
  });
}

const product = (name: string, status: string, contractName: string) => ({
  apiVersion: 'datamesh-portal.io/v1alpha1',
  kind: 'DataProduct',
  metadata: { name },
  spec: {
    owner: 'sales-data',
    domain: 'sales',
    status,
    slos: { freshness: 'P1D' },
    outputPorts: [{ name: 'table', type: 'table', contract: contractName }],
  },
});

const api = (name: string, definition: string) => ({
  kind: 'API',
  metadata: { name },
  spec: {
    type: 'odcs',
    lifecycle: 'production',
    owner: 'sales-data',
    definition,
  },
});

const docs = [
  { kind: 'Group', metadata: { name: 'sales-data' } },
  {
    apiVersion: 'datamesh-portal.io/v1alpha1',
    kind: 'Domain',
    metadata: { name: 'sales' },
    spec: { owner: 'sales-data' },
  },
  product('orders', 'active', 'orders-contract'),
  api('orders-contract', contract('orders', 'warehouse')),
  // A draft, as a template creates it, whose contract names a server nobody configured.
  product('returns', 'draft', 'returns-contract'),
  api('returns-contract', contract('returns', 'nowhere')),
  // Its first server documents a warehouse this portal does not reach; its copy is configured.
  product('mirrored', 'active', 'mirrored-contract'),
  api(
    'mirrored-contract',
    contract('mirrored', 'warehouse', DUCKDB_ENTRY, [
      {
        server: 'northwind-snowflake',
        type: 'snowflake',
        account: 'northwind',
        database: 'SALES',
        schema: 'PUBLIC',
      },
    ]),
  ),
  // Its server accepts connections and never answers.
  product('stuck', 'active', 'stuck-contract'),
  api(
    'stuck-contract',
    contract('stuck', 'silent', {
      type: 'postgres',
      host: 'silent.internal',
      port: 5432,
      database: 'warehouse',
      schema: 'public',
    }),
  ),
];

/** A server that accepts TCP connections and never says a word. */
async function silentServer() {
  const sockets = new Set<net.Socket>();
  const server = net.createServer(socket => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    stop: async () => {
      sockets.forEach(socket => socket.destroy());
      await new Promise(resolve => server.close(resolve));
    },
  };
}

describe('contract tests of the data mesh backend', () => {
  let backend: TestBackend;
  let silent: Awaited<ReturnType<typeof silentServer>>;
  const { get, post } = dataMeshApi(() => backend, OWNER);

  const checkOutcome = async (id: string) => {
    const res = await get('/scorecards/dataproduct/default/orders');
    expect(res.status).toBe(200);
    return res.body.checks.find((c: any) => c.id === id)?.outcome;
  };

  beforeAll(async () => {
    await writeOrders({ duplicate: true, ageMs: 10 * DAY });
    silent = await silentServer();
    backend = await startRouteTestBackend({
      catalog: docs,
      kinds: ['DataProduct', 'Domain', 'Group', 'API', 'Location'],
      dataMesh: {
        servers: {
          warehouse: { type: 'duckdb', path: warehouse },
          silent: {
            type: 'postgres',
            host: '127.0.0.1',
            port: silent.port,
            database: 'warehouse',
            user: 'reader',
          },
        },
        // Runs when the test triggers them.
        contractTests: {
          schedule: ON_TRIGGER,
          newContractsSchedule: ON_TRIGGER,
          timeout: { seconds: 2 },
        },
        scorecards: { schedule: QUIET_SCHEDULE },
        governance: {
          defaultPolicies: false,
          waivers: { schedule: QUIET_SCHEDULE },
        },
      },
      features: [
        permissions,
        notificationsStub().factory,
        schedulerServiceFactory,
      ],
    });
    await waitForRelation(
      backend,
      'orders',
      'providesApi',
      mockCredentials.user.header(OWNER),
    );
    await waitForRelation(
      backend,
      'mirrored',
      'providesApi',
      mockCredentials.user.header(OWNER),
    );
    await waitForRelation(
      backend,
      'returns',
      'providesApi',
      mockCredentials.user.header(OWNER),
    );
  });

  afterAll(async () => {
    await backend?.stop();
    await silent?.stop();
  });

  it('lists a contract never tested without a run', async () => {
    const res = await get('/contract-tests/dataproduct/default/orders');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      entityRef: ORDERS,
      summary: { passed: 0, failed: 0, errors: 0, skipped: 0 },
      contracts: [{ contractRef: ORDERS_CONTRACT, history: [] }],
    });
  });

  it('tests every active product on schedule: its checks stored, its facts written, its scorecard failing', async () => {
    await triggerTask(backend, 'data-mesh-contract-tests');
    const body = await waitFor('the scheduled run of orders', async () => {
      const res = await get('/contract-tests/dataproduct/default/orders');
      return res.body.contracts?.[0]?.latest && res.body;
    });
    const [{ latest, history }] = body.contracts;
    expect(latest).toEqual(
      expect.objectContaining({
        entityRef: ORDERS,
        contractRef: ORDERS_CONTRACT,
        contractId: 'orders',
        version: '1.0.0',
        server: 'warehouse',
        trigger: 'schedule',
      }),
    );
    // The duplicate order id breaks `unique`; the newest row is ten days old.
    expect(latest.checks).toContainEqual(
      expect.objectContaining({
        object: 'orders',
        property: 'order_id',
        metric: 'unique',
        outcome: 'fail',
      }),
    );
    expect(latest.checks).toContainEqual(
      expect.objectContaining({ metric: 'freshness', outcome: 'fail' }),
    );
    expect(latest.summary.failed).toBe(2);
    expect(body.summary).toEqual(latest.summary);
    expect(history).toEqual([
      {
        runId: latest.id,
        version: '1.0.0',
        finishedAt: latest.finishedAt,
        summary: latest.summary,
      },
    ]);
    // The draft is not tested on schedule.
    const draft = await get('/contract-tests/dataproduct/default/returns');
    expect(draft.body.contracts[0].latest).toBeUndefined();
    // A server that never answers costs its product the run's timeout, no more, and an
    // error that says so.
    const stuck = await waitFor('the scheduled run of stuck', async () => {
      const res = await get('/contract-tests/dataproduct/default/stuck');
      return res.body.contracts?.[0]?.latest;
    });
    expect(stuck).toEqual(
      expect.objectContaining({
        contractId: 'stuck',
        version: '1.0.0',
        summary: { passed: 0, failed: 0, errors: 1, skipped: 0 },
        checks: [
          expect.objectContaining({
            outcome: 'error',
            message: expect.stringContaining(
              'did not finish within 2000 ms (dataMesh.contractTests.timeout)',
            ),
          }),
        ],
      }),
    );

    // The facts were written and the product evaluated again: both default checks fail.
    expect(await checkOutcome('contract-tests-passing')).toBe('fail');
    expect(await checkOutcome('data-fresh')).toBe('fail');
  });

  it('runs now for an owner: the repaired table flips the checks, and the history keeps both runs', async () => {
    await writeOrders({ duplicate: false, ageMs: 60_000 });
    const res = await post(
      '/contract-tests/dataproduct/default/orders/runs',
      {},
    );
    expect(res.status).toBe(201);
    const [{ latest, history }] = res.body.contracts;
    expect(latest.trigger).toBe('manual');
    expect(latest.summary).toEqual(
      expect.objectContaining({ failed: 0, errors: 0 }),
    );
    expect(history.map((point: any) => point.summary.failed)).toEqual([2, 0]);

    expect(await checkOutcome('contract-tests-passing')).toBe('pass');
    expect(await checkOutcome('data-fresh')).toBe('pass');
    const scores = await get('/scorecards/dataproduct/default/orders/history');
    expect(scores.body.items.length).toBeGreaterThanOrEqual(2);

    // The run is evidence: it can be read by its id.
    const run = await get(`/contract-tests/runs/${latest.id}`);
    expect(run.status).toBe(200);
    expect(run.body).toEqual(latest);
  });

  it('tests the contracts of a new product at once, and gives an unknown server a clear error', async () => {
    await triggerTask(backend, 'data-mesh-contract-tests-new');
    const { latest } = await waitFor('the first run of returns', async () => {
      const res = await get('/contract-tests/dataproduct/default/returns');
      return res.body.contracts?.[0]?.latest && res.body.contracts[0];
    });
    expect(latest.trigger).toBe('new');
    expect(latest.summary.errors).toBeGreaterThan(0);
    expect(latest.checks).toContainEqual(
      expect.objectContaining({
        outcome: 'error',
        message: expect.stringContaining('nowhere'),
      }),
    );

    // Tested once: the next look finds nothing new (orders has runs too).
    await triggerTask(backend, 'data-mesh-contract-tests-new');
    await triggerTask(backend, 'data-mesh-contract-tests-new');
    const again = await get('/contract-tests/dataproduct/default/returns');
    expect(again.body.contracts[0].history).toHaveLength(1);
  });

  it('tests a contract on the first of its servers that is configured', async () => {
    const res = await post(
      '/contract-tests/dataproduct/default/mirrored/runs',
      {},
    );
    expect(res.status).toBe(201);
    const [{ latest }] = res.body.contracts;
    expect(latest.server).toBe('warehouse');
    expect(latest.summary.errors).toBe(0);
    expect(latest.checks).toContainEqual(
      expect.objectContaining({ metric: 'exists', outcome: 'pass' }),
    );
  });

  it('shows runs only to those who may read the product, and runs them only for those allowed', async () => {
    const { body } = await get('/contract-tests/dataproduct/default/orders');
    const runId = body.contracts[0].latest.id;

    const denied = await post(
      '/contract-tests/dataproduct/default/orders/runs',
      {},
      OUTSIDER,
    );
    expect(denied.status).toBe(403);
    const hidden = await post(
      '/contract-tests/dataproduct/default/orders/runs',
      {},
      STRANGER,
    );
    expect(hidden.status).toBe(404);
    for (const path of [
      '/contract-tests/dataproduct/default/orders',
      `/contract-tests/runs/${runId}`,
    ]) {
      const res = await get(path, OUTSIDER);
      expect(res.status).toBe(404);
      expect(JSON.stringify(res.body)).not.toContain('orders-contract');
    }
    expect((await get('/contract-tests/runs/no-such-run')).status).toBe(404);
    // Nothing was run by the refused requests.
    const after = await get('/contract-tests/dataproduct/default/orders');
    expect(after.body.contracts[0].history).toEqual(body.contracts[0].history);
  });

  it('refuses an entity that is not a DataProduct', async () => {
    const res = await get('/contract-tests/group/default/sales-data');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(
      'group:default/sales-data is not a DataProduct',
    );
  });
});
