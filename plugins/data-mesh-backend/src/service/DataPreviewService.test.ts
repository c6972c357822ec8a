import { createMockDirectory } from '@backstage/backend-test-utils';
import {
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
  previewLimit,
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
    options: { limit?: number; object?: string; type?: string } = {},
  ) =>
    service.preview({
      product,
      port: 'customers',
      contractRef: 'api:default/customers-contract',
      contract: contract(options.type ?? engine),
      limit: options.limit ?? 5,
      reader,
      ...(options.object ? { object: options.object } : {}),
    });

  it('shows an owner the first rows of the declared columns, restricted ones included', async () => {
    const result = await preview({ as: 'owner' }, { limit: 2 });
    expect(result).toMatchObject({
      entityRef: 'dataproduct:default/customers',
      server: 'warehouse',
      object: 'Customers',
      masked: [],
      limit: 2,
      access: 'owner',
    });
    expect(result.columns.map(c => [c.name, c.masked])).toEqual([
      ['id', false],
      ['name', false],
      ['email', false],
    ]);
    expect(result.rows).toHaveLength(2);
    for (const row of result.rows) {
      // The column the contract does not declare is never read.
      expect(Object.keys(row)).toEqual(['id', 'name', 'email']);
      expect(row.email).toMatch(/@example\.com$/);
    }
  });

  it('masks restricted columns for a consumer whose agreement does not cover them', async () => {
    const result = await preview({ as: 'agreement', coversRestricted: false });
    expect(result.masked).toEqual(['email']);
    expect(result.access).toBe('agreement');
    expect(result.rows).toHaveLength(5);
    for (const row of result.rows) {
      expect(row.email).toBeNull();
      expect(row.name).toMatch(/^name /);
    }
  });

  it('shows restricted columns to a consumer whose agreement covers them', async () => {
    const result = await preview({ as: 'agreement', coversRestricted: true });
    expect(result.masked).toEqual([]);
    expect(result.rows[0].email).toMatch(/@example\.com$/);
  });

  it(`never returns more than ${MAX_PREVIEW_ROWS} rows`, async () => {
    const result = await preview(
      { as: 'owner' },
      { limit: previewLimit('100000') },
    );
    expect(result.rows).toHaveLength(MAX_PREVIEW_ROWS);
    expect(result.limit).toBe(MAX_PREVIEW_ROWS);
    // Even when the service is asked for more directly.
    const direct = await preview({ as: 'owner' }, { limit: 1000 });
    expect(direct.rows.length).toBeLessThanOrEqual(1000);
  });

  it('reads a named object, quoting identifiers that would break SQL', async () => {
    const result = await preview({ as: 'owner' }, { object: 'weird' });
    expect(result.rows).toEqual([{ 'a"b': 7 }]);
  });

  it('answers 404s that name what is missing', async () => {
    await expect(
      preview({ as: 'owner' }, { object: 'nope' }),
    ).rejects.toMatchObject({
      name: 'NotFoundError',
      message: expect.stringContaining('no schema object "nope"'),
    });
    await expect(
      preview({ as: 'owner' }, { type: 'snowflake' }),
    ).rejects.toMatchObject({
      name: 'NotFoundError',
      message: expect.stringContaining('elsewhere, warehouse'),
    });
  });

  if (engine === 'postgres') {
    it("runs a consumer's preview as their granted role", async () => {
      const granted = await preview({
        as: 'agreement',
        coversRestricted: false,
        databaseRole: 'preview_reader',
      });
      expect(granted.rows).toHaveLength(5);
      // The database refuses a role without a grant: the portal does not read past it.
      await expect(
        preview({
          as: 'agreement',
          coversRestricted: false,
          databaseRole: 'preview_nobody',
        }),
      ).rejects.toThrow(/permission denied/);
    });
  }
});

describe('previewLimit', () => {
  it('defaults, caps and refuses what is no count', () => {
    expect(previewLimit(undefined)).toBe(20);
    expect(previewLimit('3')).toBe(3);
    expect(previewLimit(500)).toBe(MAX_PREVIEW_ROWS);
    for (const bad of ['0', '-1', '1.5', 'ten']) {
      expect(() => previewLimit(bad)).toThrow(/limit: must be a whole number/);
    }
  });
});
