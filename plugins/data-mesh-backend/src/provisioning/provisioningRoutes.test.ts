import {
  BackstageCredentials,
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  createMockDirectory,
  mockCredentials,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { JsonObject } from '@backstage/types';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { DuckDBInstance } from '@duckdb/node-api';
import { randomBytes } from 'crypto';
import { join } from 'path';
import { Client, escapeIdentifier as id } from 'pg';
import request from 'supertest';
import YAML from 'yaml';
import { TestBackend, waitFor } from '../__testUtils__/backends';
import {
  routeTestDatabase,
  RouteTestDatabase,
} from '../__testUtils__/routeDatabases';
import {
  dataMeshApi,
  mockPermissions,
  notificationsStub,
  QUIET_SCHEDULE,
  startRouteTestBackend,
  userOf,
  waitForRelation,
} from '../__testUtils__/routeTests';

jest.setTimeout(180_000);

/*
 * The provisioning routes through the real plugin, on SQLite and PostgreSQL as the backend's
 * database, creating tables on a real data server: a DuckDB file, and a PostgreSQL database
 * with a provisioning user of the least privileges and the team's role. Only members of the
 * owning group provision; a server the domain may not use, a bad contract, a name clash and a
 * breaking change are refused, naming what is wrong, with the data server as it was.
 */

const POSTGRES_URL =
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const OWNER = 'user:default/ada';
const OUTSIDER = 'user:default/mallory';
const DENIED = 'user:default/dennis';

const userInfo = createServiceFactory({
  service: coreServices.userInfo,
  deps: {},
  factory: () => ({
    async getUserInfo(credentials: BackstageCredentials) {
      const user = userOf(credentials)!;
      return {
        userEntityRef: user,
        ownershipEntityRefs:
          user === OUTSIDER
            ? [user, 'group:default/other']
            : [user, 'group:default/sales-data'],
      };
    },
  }),
});

const permissions = mockPermissions((permission, credentials) =>
  permission === 'data-mesh.output-port.provision' &&
  userOf(credentials) === DENIED
    ? AuthorizeResult.DENY
    : AuthorizeResult.ALLOW,
);

/** A data server to provision on, and SQL on it as its administrator. */
interface DataServer {
  id: string;
  type: 'duckdb' | 'postgres';
  servers: JsonObject;
  provisioning: JsonObject;
  teamRole?: string;
  sql(text: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

async function duckdbServer(folder: string): Promise<DataServer> {
  const path = join(folder, 'products.duckdb');
  const sql = async (text: string) => {
    const instance = await DuckDBInstance.create(path);
    const connection = await instance.connect();
    try {
      const reader = await connection.runAndReadAll(text);
      return reader.getRowObjectsJS() as Record<string, unknown>[];
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  };
  // Another team's table in the domain's schema: a name clash for a product wanting it.
  await sql('CREATE SCHEMA sales; CREATE TABLE sales.taken (id INTEGER)');
  return {
    id: 'lake',
    type: 'duckdb',
    servers: { lake: { type: 'duckdb', path } },
    provisioning: { lake: { domains: ['sales'] } },
    sql,
    close: async () => {},
  };
}

async function postgresServer(): Promise<DataServer> {
  const url = new URL(POSTGRES_URL!);
  const run = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const database = `dm_provr_${run}`;
  const provisioningUser = `dm_t_${run}_prov`;
  const team = `dm_t_${run}_team`;
  const admin = new Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  const password = url.password ? decodeURIComponent(url.password) : undefined;
  await admin.query(
    `CREATE ROLE ${id(provisioningUser)} LOGIN${
      password ? ` PASSWORD '${password.replace(/'/g, "''")}'` : ''
    }`,
  );
  await admin.query(`CREATE ROLE ${id(team)} NOLOGIN`);
  await admin.query(`CREATE DATABASE ${id(database)}`);
  await admin.query(
    `GRANT CONNECT, CREATE ON DATABASE ${id(database)} TO ${id(
      provisioningUser,
    )}; GRANT ${id(team)} TO ${id(provisioningUser)}`,
  );
  const connection = {
    host: url.hostname,
    port: Number(url.port || 5432),
    database,
  };
  const superuser = decodeURIComponent(url.username || 'postgres');
  const client = new Client({ ...connection, user: superuser, password });
  await client.connect();
  await client.query(
    'CREATE SCHEMA sales; CREATE TABLE sales.taken (id INTEGER)',
  );
  // The domain's schema made by someone else: the team's tables need CREATE in it.
  await client.query(
    `GRANT USAGE, CREATE ON SCHEMA sales TO ${id(provisioningUser)}, ${id(
      team,
    )}`,
  );
  return {
    id: 'warehouse',
    type: 'postgres',
    servers: {
      warehouse: {
        type: 'postgres',
        ...connection,
        user: superuser,
        ...(password ? { password } : {}),
      },
    },
    provisioning: {
      warehouse: {
        domains: ['sales'],
        user: provisioningUser,
        ...(password ? { password } : {}),
      },
    },
    teamRole: team,
    sql: async text => (await client.query(text)).rows,
    close: async () => {
      await client.end();
      await admin.query(`DROP DATABASE IF EXISTS ${id(database)} WITH (FORCE)`);
      await admin.query(`DROP ROLE IF EXISTS ${id(team)}`);
      await admin.query(`DROP ROLE IF EXISTS ${id(provisioningUser)}`);
      await admin.end();
    },
  };
}

const product = (
  name: string,
  ports: Array<{ name: string; type?: string }> = [
    { name: 'orders', type: 'table' },
  ],
  owner = 'sales-data',
) => ({
  apiVersion: 'datamesh-portal.io/v1alpha1',
  kind: 'DataProduct',
  metadata: { name },
  spec: {
    owner,
    domain: 'sales',
    status: 'draft',
    outputPorts: ports,
  },
});

const contract = (table: string, extra: JsonObject[] = []) => ({
  apiVersion: 'v3.1.0',
  kind: 'DataContract',
  id: `${table}-contract`,
  version: '1.0.0',
  status: 'draft',
  schema: [
    {
      name: table,
      properties: [
        { name: 'order_id', logicalType: 'string', primaryKey: true },
        { name: 'amount', logicalType: 'number', required: true },
        ...extra,
      ],
    },
  ],
});

/** The catalog's contract of the shipments port: a DuckDB server, which needs no grant. */
const SHIPMENTS_CONTRACT = {
  ...contract('shipments', [{ name: 'note', logicalType: 'string' }]),
  servers: [{ server: 'hr-lake', type: 'duckdb', database: 'hr.duckdb' }],
};

/** A product in the catalog whose port carries that contract, and one reading it. */
const SHIPPING_DOCS = [
  {
    kind: 'API',
    metadata: { name: 'shipments-contract' },
    spec: {
      type: 'odcs',
      lifecycle: 'production',
      owner: 'sales-data',
      definition: YAML.stringify(SHIPMENTS_CONTRACT),
    },
  },
  {
    apiVersion: 'datamesh-portal.io/v1alpha1',
    kind: 'DataProduct',
    metadata: { name: 'shipments' },
    spec: {
      owner: 'sales-data',
      domain: 'sales',
      status: 'active',
      classification: 'internal',
      outputPorts: [
        {
          name: 'shipments',
          type: 'table',
          contract: 'shipments-contract',
          access: { approval: 'automatic' },
        },
      ],
    },
  },
  {
    apiVersion: 'datamesh-portal.io/v1alpha1',
    kind: 'DataProduct',
    metadata: { name: 'billing' },
    spec: {
      owner: 'other',
      domain: 'hr',
      status: 'active',
      inputPorts: [
        {
          name: 'shipments-in',
          dataProduct: 'shipments',
          outputPort: 'shipments',
          contract: 'shipments-contract',
        },
      ],
    },
  },
];

const CASES: Array<['SQLITE_3' | 'POSTGRES_15', 'duckdb' | 'postgres']> = [
  ['SQLITE_3', 'duckdb'],
  ['POSTGRES_15', 'duckdb'],
  ['POSTGRES_15', 'postgres'],
];

describe.each(
  CASES.filter(
    ([db, server]) =>
      databases.supports(db) && (server === 'duckdb' || POSTGRES_URL),
  ),
)('provisioning routes with %s as the database, on %s', (databaseId, kind) => {
  let backend: TestBackend;
  let database: RouteTestDatabase;
  let data: DataServer;
  const owner = dataMeshApi(() => backend, OWNER);
  const directory = createMockDirectory();

  /** Every table of the domain's schema, with its columns. */
  const tables = async () =>
    (
      await data.sql(
        `SELECT table_name || ':' || string_agg(column_name, ',' ORDER BY ordinal_position) AS line
         FROM information_schema.columns WHERE table_schema = 'sales'
         GROUP BY table_name ORDER BY table_name`,
      )
    ).map(r => String(r.line));

  beforeAll(async () => {
    data =
      kind === 'duckdb'
        ? await duckdbServer(directory.path)
        : await postgresServer();
    database = await routeTestDatabase(databases, databaseId);
    backend = await startRouteTestBackend({
      catalog: [
        {
          kind: 'Group',
          metadata: {
            name: 'sales-data',
            annotations: data.teamRole
              ? { 'datamesh-portal.io/database-role': data.teamRole }
              : {},
          },
        },
        { kind: 'Group', metadata: { name: 'other' } },
        {
          apiVersion: 'datamesh-portal.io/v1alpha1',
          kind: 'Domain',
          metadata: { name: 'sales' },
          spec: { owner: 'sales-data' },
        },
        {
          apiVersion: 'datamesh-portal.io/v1alpha1',
          kind: 'Domain',
          metadata: { name: 'hr' },
          spec: { owner: 'other' },
        },
        ...SHIPPING_DOCS,
        // A product of the other team, in the catalog: a draft cannot claim it.
        {
          ...product('payroll', undefined, 'other'),
          spec: {
            ...product('payroll').spec,
            owner: 'other',
            status: 'active',
          },
        },
      ],
      kinds: ['DataProduct', 'Domain', 'Group', 'API', 'Location'],
      config: database.config,
      dataMesh: {
        servers: {
          ...data.servers,
          // A server of the hr domain only.
          'hr-lake': {
            type: 'duckdb',
            path: join(directory.path, 'hr.duckdb'),
          },
        },
        provisioning: {
          servers: {
            ...data.provisioning,
            'hr-lake': { domains: ['hr'] },
          },
        },
        scorecards: { schedule: QUIET_SCHEDULE },
        governance: {
          defaultPolicies: false,
          waivers: { schedule: QUIET_SCHEDULE },
        },
        access: { schedule: QUIET_SCHEDULE },
        contractTests: {
          schedule: QUIET_SCHEDULE,
          newContractsSchedule: QUIET_SCHEDULE,
        },
      },
      features: [permissions, userInfo, notificationsStub().factory],
    });
    await waitFor('the payroll product in the catalog', async () => {
      const res = await request(backend.server)
        .get('/api/catalog/entities/by-name/dataproduct/default/payroll')
        .set('Authorization', mockCredentials.user.header(OWNER));
      return res.status === 200;
    });
    const auth = mockCredentials.user.header(OWNER);
    await waitForRelation(backend, 'shipments', 'providesApi', auth);
    await waitForRelation(backend, 'billing', 'consumesApi', auth);
  });

  afterAll(async () => {
    await backend?.stop();
    await database?.destroy();
    await data?.close();
  });

  it('lists the servers the domain may use, with its schema', async () => {
    const res = await owner.get('/provisioning/servers?domain=sales');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      items: [
        {
          id: data.id,
          type: kind,
          schema: 'sales',
          // What a contract says to find the tables: ODCS's fields of the server type.
          contractServer: expect.objectContaining({
            server: data.id,
            type: kind,
            schema: 'sales',
          }),
        },
      ],
    });
    expect(Object.keys(res.body.items[0].contractServer).sort()).toEqual(
      kind === 'duckdb'
        ? ['database', 'schema', 'server', 'type']
        : ['database', 'host', 'port', 'schema', 'server', 'type'],
    );
    const hr = await owner.get(
      '/provisioning/servers?domain=domain:default/hr',
    );
    expect(hr.body.items.map((s: { id: string }) => s.id)).toEqual(['hr-lake']);
  });

  it('plans the DDL and changes nothing', async () => {
    const before = await tables();
    const res = await owner.post('/provisioning/plan', {
      entity: product('orders'),
      contracts: [{ port: 'orders', definition: contract('orders') }],
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      entityRef: 'dataproduct:default/orders',
      server: { id: data.id, type: kind, schema: 'sales' },
      applied: false,
      ports: [
        {
          port: 'orders',
          objects: [{ table: '"sales"."orders"', action: 'create' }],
        },
      ],
    });
    const ddl = res.body.ports[0].statements.join('\n');
    expect(ddl).toContain('CREATE TABLE "sales"."orders"');
    expect(ddl).toMatch(/PRIMARY KEY \("order_id"\)/);
    expect(await tables()).toEqual(before);
  });

  it('refuses whoever is not an owner, and an owner the policy denies', async () => {
    const body = {
      entity: product('orders'),
      contracts: [{ port: 'orders', definition: contract('orders') }],
    };
    const outsider = await owner.post('/provisioning/apply', body, OUTSIDER);
    expect(outsider.status).toBe(403);
    expect(outsider.body.error.message).toContain(
      'Only the owners of dataproduct:default/orders (group:default/sales-data)',
    );
    const denied = await owner.post('/provisioning/apply', body, DENIED);
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toContain(
      'data-mesh.output-port.provision',
    );
    // A draft naming the caller's team as the owner of another team's product.
    const claim = await owner.post('/provisioning/apply', {
      entity: product('payroll'),
      contracts: [{ port: 'orders', definition: contract('payroll') }],
    });
    expect(claim.status).toBe(403);
    expect(claim.body.error.message).toContain('(group:default/other)');
    expect(await tables()).not.toContainEqual(
      expect.stringMatching(/^(orders|payroll):/),
    );
  });

  it('refuses bad input, naming the field', async () => {
    const cases: Array<[object, string]> = [
      [
        {
          entity: product('orders'),
          contracts: [{ port: 'orders', definition: contract('orders') }],
          server: 'hr-lake',
        },
        `server: hr-lake is not a server the domain domain:default/sales may provision on (it may use ${data.id}`,
      ],
      [
        {
          entity: product('orders'),
          contracts: [{ port: 'nope', definition: contract('orders') }],
        },
        'contracts[0].port: "nope" is not an output port of dataproduct:default/orders',
      ],
      [
        {
          entity: product('orders', [{ name: 'events', type: 'topic' }]),
          contracts: [{ port: 'events', definition: contract('orders') }],
        },
        'contracts[0].port: port events is of type topic',
      ],
      [
        {
          entity: product('orders'),
          contracts: [{ port: 'orders', definition: 'kind: [' }],
        },
        'contracts[0].definition: is not YAML or JSON',
      ],
      [
        {
          entity: product('orders'),
          contracts: [
            {
              port: 'orders',
              definition: contract('orders', [
                {
                  name: 'blob',
                  logicalType: 'string',
                  physicalType: 'NOSUCHTYPE',
                },
              ]),
            },
          ],
        },
        'schema.orders.properties.blob',
      ],
      [{ entity: { kind: 'DataProduct' }, contracts: [] }, 'entity'],
    ];
    for (const [body, message] of cases) {
      const res = await owner.post('/provisioning/apply', body);
      expect({ status: res.status, message: res.body.error?.message }).toEqual({
        status: 400,
        message: expect.stringContaining(message),
      });
    }
    expect(await tables()).toEqual(['taken:id']);
  });

  it('creates the tables, adds an optional column, refuses a breaking change and a name clash', async () => {
    const apply = (definition: object, port = 'orders', name = 'orders') =>
      owner.post('/provisioning/apply', {
        entity: product(name, [{ name: port, type: 'table' }]),
        contracts: [{ port, definition }],
      });
    const created = await apply(contract('orders'));
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      applied: true,
      ports: [{ objects: [{ table: '"sales"."orders"', action: 'create' }] }],
    });
    expect(await tables()).toEqual(['orders:order_id,amount', 'taken:id']);
    // PostgreSQL: the team's role owns the table (DuckDB has no roles).
    const [row] = data.teamRole
      ? await data.sql(
          "SELECT tableowner FROM pg_tables WHERE schemaname = 'sales' AND tablename = 'orders'",
        )
      : [{ tableowner: undefined }];
    expect(row.tableowner).toBe(data.teamRole);
    await data.sql(
      "INSERT INTO sales.orders (order_id, amount) VALUES ('o-1', 12.5)",
    );

    // Non-breaking: an optional column is added, the rows stay.
    const added = await apply(
      contract('orders', [{ name: 'note', logicalType: 'string' }]),
    );
    expect(added.status).toBe(200);
    expect(added.body.ports[0].objects).toEqual([
      { table: '"sales"."orders"', action: 'alter' },
    ]);
    expect(await tables()).toEqual(['orders:order_id,amount,note', 'taken:id']);

    // Breaking: a required column the rows do not have.
    const breaking = await apply(
      contract('orders', [
        { name: 'note', logicalType: 'string' },
        { name: 'region', logicalType: 'string', required: true },
      ]),
    );
    expect(breaking.status).toBe(409);
    expect(breaking.body.error.message).toContain('region');

    // Another product's table of that name, and a table no product created.
    const clash = await apply(contract('orders'), 'orders', 'other-orders');
    expect(clash.status).toBe(409);
    const taken = await apply(contract('taken'));
    expect(taken.status).toBe(409);
    expect(taken.body.error.message).toContain('taken');

    expect(await tables()).toEqual(['orders:order_id,amount,note', 'taken:id']);
    expect(await data.sql('SELECT count(*) AS n FROM sales.orders')).toEqual([
      { n: kind === 'duckdb' ? 1n : '1' },
    ]);
  });

  it("applies the catalog's non-breaking contract change; plans a breaking one as what breaks and whom, and apply refuses it naming them", async () => {
    // The product and its contract as the portal's page has them: from the catalog.
    const stored = await request(backend.server)
      .get('/api/catalog/entities/by-name/dataproduct/default/shipments')
      .set('Authorization', mockCredentials.user.header(OWNER));
    expect(stored.status).toBe(200);
    const entity = stored.body;
    const port = (definition: object) => ({
      entity,
      contracts: [{ port: 'shipments', definition }],
      server: data.id,
    });
    // The table as an earlier version of the contract made it: without the optional note.
    const created = await owner.post(
      '/provisioning/apply',
      port(contract('shipments')),
    );
    expect(created.status).toBe(200);
    await data.sql(
      "INSERT INTO sales.shipments (order_id, amount) VALUES ('s-1', 3)",
    );
    // An agreement on the port: the other team reads it (a DuckDB server: active at once).
    const agreement = await owner.post(
      '/access-requests',
      {
        productRef: 'dataproduct:default/shipments',
        outputPort: 'shipments',
        consumerRef: 'group:default/other',
        purpose: 'Shipping costs for the other team',
      },
      OUTSIDER,
    );
    expect({ status: agreement.status, state: agreement.body.state }).toEqual({
      status: 201,
      state: 'active',
    });

    // The catalog's contract is ahead of the table by an optional column: planned, then applied.
    const catalogContract = YAML.parse(entityDefinition(SHIPPING_DOCS[0]));
    const behind = await owner.post(
      '/provisioning/plan',
      port(catalogContract),
    );
    expect(behind.status).toBe(200);
    expect(behind.body.ports[0]).toMatchObject({
      port: 'shipments',
      objects: [{ table: '"sales"."shipments"', action: 'alter' }],
      statements: [
        `ALTER TABLE "sales"."shipments" ADD COLUMN "note" ${
          kind === 'duckdb' ? 'VARCHAR' : 'TEXT'
        }`,
      ],
    });
    expect(behind.body.ports[0].breaking).toBeUndefined();
    const applied = await owner.post(
      '/provisioning/apply',
      port(catalogContract),
    );
    expect(applied.status).toBe(200);
    expect(await tables()).toContain('shipments:order_id,amount,note');
    const upToDate = await owner.post(
      '/provisioning/plan',
      port(catalogContract),
    );
    expect(upToDate.body.ports[0]).toMatchObject({
      objects: [{ table: '"sales"."shipments"', action: 'none' }],
      statements: [],
    });

    // Breaking: a required column the rows do not have, and the note dropped.
    const breakingContract = contract('shipments', [
      { name: 'region', logicalType: 'string', required: true },
    ]);
    const planned = await owner.post(
      '/provisioning/plan',
      port(breakingContract),
    );
    expect(planned.status).toBe(200);
    expect(planned.body.ports[0]).toMatchObject({
      objects: [{ table: '"sales"."shipments"', action: 'alter' }],
      statements: [],
    });
    expect(planned.body.ports[0].breaking).toEqual([
      expect.stringContaining('new column region is required'),
      expect.stringContaining('column note is no longer in the contract'),
    ]);
    expect(planned.body.ports[0].consumers).toEqual([
      {
        entityRef: 'dataproduct:default/billing',
        kind: 'input-port',
        port: 'shipments-in',
        owners: ['group:default/other'],
      },
      {
        entityRef: 'group:default/other',
        kind: 'agreement',
        port: 'shipments',
        productRef: 'dataproduct:default/shipments',
        agreementId: agreement.body.id,
        owners: ['group:default/other'],
      },
    ]);

    const refused = await owner.post(
      '/provisioning/apply',
      port(breakingContract),
    );
    expect(refused.status).toBe(409);
    const { message } = refused.body.error;
    expect(message).toContain('new column region is required');
    expect(message).toContain(
      'it would break 2 consumer(s) of api:default/shipments-contract',
    );
    expect(message).toContain(
      'dataproduct:default/billing (input port shipments-in; owners group:default/other)',
    );
    expect(message).toContain(
      `group:default/other (usage agreement ${agreement.body.id} on port shipments of dataproduct:default/shipments; owners group:default/other)`,
    );
    // Nothing changed: the columns and the row are as they were.
    expect(await tables()).toContain('shipments:order_id,amount,note');
    expect(await data.sql('SELECT count(*) AS n FROM sales.shipments')).toEqual(
      [{ n: kind === 'duckdb' ? 1n : '1' }],
    );
  });

  it('creates nothing when a later port fails', async () => {
    const res = await owner.post('/provisioning/apply', {
      entity: product('two-ports', [
        { name: 'good', type: 'table' },
        { name: 'clashing', type: 'table' },
      ]),
      contracts: [
        { port: 'good', definition: contract('two_ports_good') },
        { port: 'clashing', definition: contract('taken') },
      ],
    });
    expect(res.status).toBe(409);
    expect(await tables()).not.toContainEqual(
      expect.stringMatching(/^two_ports_good:/),
    );
  });
});

function entityDefinition(doc: { spec: object }): string {
  return String((doc.spec as { definition?: unknown }).definition);
}
