import {
  createMockDirectory,
  mockCredentials,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { DuckDBInstance } from '@duckdb/node-api';
import { join } from 'path';
import YAML from 'yaml';
import request from 'supertest';
import { TestBackend, waitFor } from '../__testUtils__/backends';
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
 * The preview route through the real plugin, on a real DuckDB file: the owner (who has
 * data-mesh.access.decide on the product, as the example policy grants owners) reads it;
 * anyone else who may read the product is refused with a 403 that says why; a caller the
 * catalog hides the product from gets a 404.
 */

const OWNER = 'user:default/ada';
const READER = 'user:default/bob';
const STRANGER = 'user:default/stranger';

const permissions = mockPermissions(
  (permission, credentials) =>
    permission !== 'data-mesh.access.decide' || userOf(credentials) === OWNER
      ? AuthorizeResult.ALLOW
      : AuthorizeResult.DENY,
  credentials => ({
    result:
      userOf(credentials) === STRANGER
        ? AuthorizeResult.DENY
        : AuthorizeResult.ALLOW,
  }),
);

const directory = createMockDirectory();
const warehouse = join(directory.path, 'warehouse.duckdb');

const definition = YAML.stringify({
  apiVersion: 'v3.1.0',
  kind: 'DataContract',
  id: 'customers',
  version: '1.0.0',
  status: 'active',
  servers: [
    { server: 'warehouse', type: 'duckdb', database: 'warehouse.duckdb' },
  ],
  schema: [
    {
      name: 'customers',
      properties: [
        { name: 'id', logicalType: 'integer' },
        { name: 'email', logicalType: 'string', classification: 'restricted' },
      ],
    },
  ],
});

const docs = [
  { kind: 'Group', metadata: { name: 'crm' } },
  {
    apiVersion: 'datamesh-portal.io/v1alpha1',
    kind: 'Domain',
    metadata: { name: 'sales' },
    spec: { owner: 'crm' },
  },
  {
    apiVersion: 'datamesh-portal.io/v1alpha1',
    kind: 'DataProduct',
    metadata: { name: 'customers' },
    spec: {
      owner: 'crm',
      domain: 'sales',
      status: 'active',
      outputPorts: [
        { name: 'table', type: 'table', contract: 'customers-contract' },
        { name: 'bare', type: 'table' },
      ],
    },
  },
  {
    kind: 'API',
    metadata: { name: 'customers-contract' },
    spec: { type: 'odcs', lifecycle: 'production', owner: 'crm', definition },
  },
];

describe('GET /data/:kind/:namespace/:name/ports/:port/preview', () => {
  let backend: TestBackend;
  const owner = dataMeshApi(() => backend, OWNER);
  const reader = dataMeshApi(() => backend, READER);
  const stranger = dataMeshApi(() => backend, STRANGER);
  const PATH = '/data/dataproduct/default/customers/ports';

  beforeAll(async () => {
    const instance = await DuckDBInstance.create(warehouse);
    const connection = await instance.connect();
    await connection.run('CREATE TABLE customers (id INTEGER, email VARCHAR)');
    await connection.run(
      "INSERT INTO customers SELECT i, 'c' || i || '@example.com' FROM range(250) t(i)",
    );
    connection.closeSync();
    instance.closeSync();
    backend = await startRouteTestBackend({
      catalog: docs,
      kinds: ['DataProduct', 'Domain', 'Group', 'API', 'Location'],
      dataMesh: {
        servers: { warehouse: { type: 'duckdb', path: warehouse } },
        scorecards: { schedule: QUIET_SCHEDULE },
        governance: {
          defaultPolicies: false,
          waivers: { schedule: QUIET_SCHEDULE },
        },
      },
      features: [permissions, notificationsStub().factory],
    });
    await waitForRelation(
      backend,
      'customers',
      'providesApi',
      mockCredentials.user.header(OWNER),
    );
    await waitFor('the contract in the catalog', async () => {
      const res = await request(backend.server)
        .get('/api/catalog/entities/by-name/api/default/customers-contract')
        .set('Authorization', mockCredentials.user.header(OWNER));
      return res.status === 200;
    });
  });

  afterAll(async () => {
    await backend?.stop();
  });

  it('shows the owner the first rows, restricted values included', async () => {
    const res = await owner.get(`${PATH}/table/preview?limit=3`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      productRef: 'dataproduct:default/customers',
      outputPort: 'table',
      server: 'warehouse',
      tables: [
        {
          name: 'customers',
          columns: [
            { name: 'id', type: 'INTEGER' },
            { name: 'email', type: 'VARCHAR' },
          ],
          rows: [
            [0, 'c0@example.com'],
            [1, 'c1@example.com'],
            [2, 'c2@example.com'],
          ],
          truncated: true,
          masked: [],
        },
      ],
    });
  });

  it('never returns more than 100 rows: a larger limit is refused', async () => {
    const res = await owner.get(`${PATH}/table/preview?limit=100`);
    expect(res.status).toBe(200);
    expect(res.body.tables[0].rows).toHaveLength(100);
    const over = await owner.get(`${PATH}/table/preview?limit=101`);
    expect(over.status).toBe(400);
    expect(over.body.error.message).toMatch(/limit/);
  });

  it('refuses with a clear 403 a reader without an active agreement', async () => {
    const res = await reader.get(`${PATH}/table/preview`);
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe(
      'Only the owners of dataproduct:default/customers and members of a consumer with an active agreement on its port table may preview its data: request access to the port first',
    );
  });

  it('answers 404 to a caller who may not read the product, and for unknown ports', async () => {
    const hidden = await stranger.get(`${PATH}/table/preview`);
    expect(hidden.status).toBe(404);
    expect(JSON.stringify(hidden.body)).not.toContain('example.com');
    const unknown = await owner.get(`${PATH}/nope/preview`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toBe(
      'dataproduct:default/customers has no output port "nope"',
    );
    const bare = await owner.get(`${PATH}/bare/preview`);
    expect(bare.status).toBe(404);
    expect(bare.body.error.message).toMatch(/names no data contract/);
  });
});
