import { createMockDirectory } from '@backstage/backend-test-utils';
import {
  chooseContractServer,
  DataServer,
  openDataServer,
} from '@datamesh-portal/plugin-data-mesh-contract-tests';
import { OdcsContract } from '@datamesh-portal/plugin-data-mesh-common';
import { DuckDBInstance } from '@duckdb/node-api';
import { join } from 'path';
import { Client } from 'pg';
import {
  DataPreviewService,
  MAX_PREVIEW_ROWS,
  PreviewReader,
} from './DataPreviewService';

jest.setTimeout(60_000);

/*
 * The preview on real engines: a DuckDB file and a PostgreSQL database, each with 150 rows of
 * customers, one column classified restricted, one column the contract does not declare.
 */

const POSTGRES_URL =
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
const ENGINES = POSTGRES_URL ? ['duckdb', 'postgres'] : ['duckdb'];
const ROWS = 150;

const directory = createMockDirectory();

const SETUP = [
  'CREATE TABLE "Customers" (id INTEGER, name VARCHAR(200), email VARCHAR(200), secret_note VARCHAR(200))',
  `INSERT INTO "Customers" SELECT i, 'name ' || i, 'c' || i || '@example.com', 'undeclared ' || i FROM generate_series(1, ${ROWS}) AS s(i)`,
  // An identifier that would break out of unquoted SQL.
  'CREATE TABLE "we""ird; DROP TABLE x" ("a""b" INTEGER)',
  'INSERT INTO "we""ird; DROP TABLE x" VALUES (7)',
];

function contract(type: string): OdcsContract {
  return {
    apiVersion: 'v3.1.0',
    kind: 'DataContract',
    id: 'customers',
    version: '1.0.0',
    status: 'active',
    servers: [
      // Not configured here: skipped for the first one that is.
      { server: 'elsewhere', type: 'snowflake' },
      { server: 'warehouse', type },
    ],
    schema: [
      {
        name: 'customers',
        physicalName: 'Customers',
        properties: [
          { name: 'id', logicalType: 'integer' },
          { name: 'name', logicalType: 'string', classification: 'internal' },
          {
            name: 'email',
            logicalType: 'string',
            classification: 'Restricted',
          },
          // Declared but not a column: left out.
          { name: 'phone', logicalType: 'string' },
        ],
      },
      {
        name: 'weird',
        physicalName: 'we"ird; DROP TABLE x',
        properties: [{ name: 'a"b', logicalType: 'integer' }],
      },
    ],
  };
}

const product = {
  apiVersion: 'datamesh-portal.io/v1alpha1',
  kind: 'DataProduct',
  metadata: { name: 'customers', namespace: 'default' },
  spec: {},
};

describe.each(ENGINES)('DataPreviewService on %s', engine => {
  let server: DataServer;
  let service: DataPreviewService;
  let admin: Client | undefined;
  const database = `preview_${process.pid}`;

  beforeAll(async () => {
    if (engine === 'duckdb') {
      const path = join(directory.path, 'warehouse.duckdb');
      const instance = await DuckDBInstance.create(path);
      const connection = await instance.connect();
      for (const sql of SETUP) await connection.run(sql);
      connection.closeSync();
      instance.closeSync();
      server = await openDataServer('warehouse', { type: 'duckdb', path });
    } else {
      admin = new Client({ connectionString: POSTGRES_URL });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${database}`);
      await admin.query(`CREATE DATABASE ${database}`);
      const url = new URL(POSTGRES_URL!);
      url.pathname = `/${database}`;
      const setup = new Client({ connectionString: url.toString() });
      await setup.connect();
      for (const sql of SETUP) await setup.query(sql);
      await setup.query(
        'DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = $r$preview_reader$r$) THEN CREATE ROLE preview_reader NOLOGIN; END IF; IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = $r$preview_nobody$r$) THEN CREATE ROLE preview_nobody NOLOGIN; END IF; END $$',
      );
      await setup.query('GRANT SELECT ON "Customers" TO preview_reader');
      await setup.end();
      server = await openDataServer('warehouse', {
        type: 'postgres',
        host: url.hostname,
        port: Number(url.port || 5432),
        database,
        user: decodeURIComponent(url.username),
        ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
      });
    }
    service = new DataPreviewService({
      servers: id => (id === 'warehouse' ? server : undefined),
    });
  });

  afterAll(async () => {
    await server?.close();
    if (admin) {
      await admin.query(`DROP DATABASE IF EXISTS ${database}`);
      await admin.end();
    }
  });

  const preview = (
    reader: PreviewReader,
    options: { limit?: number; type?: string } = {},
  ) =>
    service.preview({
      product,
      port: 'customers',
      contractRef: 'api:default/customers-contract',
      contract: contract(options.type ?? engine),
      limit: options.limit ?? 5,
      reader,
    });
  const customers = async (
    reader: PreviewReader,
    options: { limit?: number } = {},
  ) => (await preview(reader, options)).tables[0];

  it('shows an owner the first rows of the declared columns, restricted ones included', async () => {
    const result = await preview({ as: 'owner' }, { limit: 2 });
    expect(result).toMatchObject({
      productRef: 'dataproduct:default/customers',
      outputPort: 'customers',
      server: 'warehouse',
    });
    const [table] = result.tables;
    expect(table).toMatchObject({
      name: 'customers',
      physicalName: 'Customers',
      masked: [],
      truncated: true,
    });
    // The column the contract does not declare is never read; phone is not on the server.
    expect(table.columns.map(c => c.name)).toEqual(['id', 'name', 'email']);
    expect(table.rows).toHaveLength(2);
    for (const [id, name, email] of table.rows) {
      expect(name).toBe(`name ${id}`);
      expect(email).toBe(`c${id}@example.com`);
    }
  });

  it('masks restricted columns for a consumer reading under an agreement', async () => {
    const table = await customers({ as: 'agreement' });
    expect(table.masked).toEqual(['email']);
    expect(table.rows).toHaveLength(5);
    for (const [id, name, email] of table.rows) {
      expect(name).toBe(`name ${id}`);
      expect(email).toBeNull();
    }
  });

  it(`never returns more than ${MAX_PREVIEW_ROWS} rows`, async () => {
    const table = await customers({ as: 'owner' }, { limit: 100_000 });
    expect(table.rows).toHaveLength(MAX_PREVIEW_ROWS);
    expect(table.truncated).toBe(true);
    // A table with fewer rows than asked is not truncated.
    const [, weird] = (await preview({ as: 'owner' })).tables;
    expect(weird.truncated).toBe(false);
  });

  it('reads every table, quoting identifiers that would break SQL', async () => {
    const [, weird] = (await preview({ as: 'owner' })).tables;
    expect(weird).toMatchObject({
      name: 'weird',
      columns: [{ name: 'a"b' }],
      rows: [[7]],
    });
  });

  it('reads the server a contract test would: not an unconfigured one, nor one of the wrong type', async () => {
    const other = engine === 'duckdb' ? 'postgres' : 'duckdb';
    // Configured, but of the other dialect than its entry's type: never queried.
    const mismatched = { id: 'mismatched', dialect: other } as DataServer;
    const servers = (id: string) =>
      ({ warehouse: server, mismatched }[id] as DataServer | undefined);
    const listed: OdcsContract = {
      ...contract(engine),
      servers: [
        { server: 'elsewhere', type: 'snowflake' },
        { server: 'mismatched', type: engine },
        { server: 'warehouse', type: engine },
      ],
    };
    const result = await new DataPreviewService({ servers }).preview({
      product,
      port: 'customers',
      contractRef: 'api:default/customers-contract',
      contract: listed,
      limit: 1,
      reader: { as: 'owner' },
    });
    expect(result.server).toBe('warehouse');
    expect(result.server).toBe(
      chooseContractServer(listed.servers!, id => servers(id)?.dialect),
    );
    expect(result.tables[0].error).toBeUndefined();
  });

  it('names a server that is not configured, and a table that is not there', async () => {
    await expect(
      preview({ as: 'owner' }, { type: 'snowflake' }),
    ).rejects.toMatchObject({
      name: 'NotFoundError',
      message: expect.stringContaining('elsewhere, warehouse'),
    });
    const missing = await new DataPreviewService({
      servers: () => server,
    }).preview({
      product,
      port: 'customers',
      contractRef: 'api:default/customers-contract',
      contract: {
        ...contract(engine),
        schema: [{ name: 'gone', properties: [{ name: 'id' }] }],
      },
      limit: 5,
      reader: { as: 'owner' },
    });
    expect(missing.tables).toEqual([
      expect.objectContaining({
        name: 'gone',
        rows: [],
        error: 'The table gone is not on server warehouse',
      }),
    ]);
  });

  if (engine === 'postgres') {
    it("runs a consumer's preview as their granted role", async () => {
      const granted = await customers({
        as: 'agreement',
        databaseRole: id => (id === 'warehouse' ? 'preview_reader' : undefined),
      });
      expect(granted.rows).toHaveLength(5);
      // The database refuses a role without a grant: the portal does not read past it.
      const refused = await customers({
        as: 'agreement',
        databaseRole: () => 'preview_nobody',
      });
      expect(refused.rows).toEqual([]);
      expect(refused.error).toMatch(/permission denied/);
    });
  }
});
