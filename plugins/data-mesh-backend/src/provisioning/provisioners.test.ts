import { DuckDBInstance } from '@duckdb/node-api';
import { OdcsContract } from '@datamesh-portal/plugin-data-mesh-common';
import {
  openDataServer,
  ServerConfig,
  testContract,
} from '@datamesh-portal/plugin-data-mesh-contract-tests';
import {
  OutputPortProvisioner,
  OutputPortProvisionRequest,
} from '@datamesh-portal/plugin-data-mesh-node';
import { randomBytes } from 'crypto';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Client, escapeIdentifier as id } from 'pg';
import { DuckDbOutputPortProvisioner } from './DuckDbOutputPortProvisioner';
import { portObjects } from './portObjects';
import { PostgresOutputPortProvisioner } from './PostgresOutputPortProvisioner';

jest.setTimeout(60_000);

const POSTGRES_URL =
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
const ENGINES = POSTGRES_URL ? ['duckdb', 'postgres'] : ['duckdb'];

/** A real database to provision on, and what it holds, to show a failure changed nothing. */
interface Engine {
  server: { id: string; type: string };
  servers: Map<string, ServerConfig>;
  provisioner: OutputPortProvisioner;
  ownerRole?: string;
  /** Runs SQL as an administrator (PostgreSQL: superuser; DuckDB: the file, written). */
  sql(text: string): Promise<Record<string, unknown>[]>;
  /** Every schema, table, column with type and nullability, comment and owner. */
  snapshot(): Promise<string[]>;
  /** A server config whose server is down. */
  downServer(): ServerConfig;
  close(): Promise<void>;
}

async function duckdbEngine(): Promise<Engine> {
  const folder = mkdtempSync(join(tmpdir(), 'provisioning-'));
  const path = join(folder, 'products.duckdb');
  const server = { id: 'products', type: 'duckdb' };
  const servers = new Map<string, ServerConfig>([
    [server.id, { type: 'duckdb', path }],
  ]);
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
  await sql('CREATE SCHEMA other; CREATE TABLE other.canary (id INTEGER)');
  return {
    server,
    servers,
    provisioner: new DuckDbOutputPortProvisioner({ servers }),
    sql,
    snapshot: async () =>
      (
        await sql(
          `WITH cols AS (
             SELECT table_oid, string_agg(column_name || ':' || data_type || ':' || is_nullable, ',' ORDER BY column_index) AS list
             FROM duckdb_columns() GROUP BY table_oid)
           SELECT s.schema_name || ' ' || coalesce(t.table_name, '') || ' ' || coalesce(t.comment, '') ||
                  ' ' || coalesce(cols.list, '') AS "line"
           FROM duckdb_schemas() s
           LEFT JOIN duckdb_tables() t ON t.schema_name = s.schema_name AND t.database_name = s.database_name
           LEFT JOIN cols ON cols.table_oid = t.table_oid
           WHERE s.database_name = current_database() AND NOT s.internal
           ORDER BY 1`,
        )
      ).map(r => String(r.line)),
    // A folder that is a file: the database cannot be opened.
    downServer: () => ({ type: 'duckdb', path: join(path, 'x.duckdb') }),
    close: async () => rmSync(folder, { recursive: true, force: true }),
  };
}

async function postgresEngine(): Promise<Engine> {
  const url = new URL(POSTGRES_URL!);
  const run = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const database = `dm_prov_${run}`;
  const provisioningUser = `dm_t_${run}_prov`;
  const team = `dm_t_${run}_team`;
  const admin = new Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE ROLE ${id(provisioningUser)} LOGIN`);
  await admin.query(`CREATE ROLE ${id(team)} NOLOGIN`);
  await admin.query(`CREATE DATABASE ${id(database)}`);
  // The least privileges: create schemas in the database, and hand tables to the team.
  await admin.query(
    `GRANT CONNECT, CREATE ON DATABASE ${id(database)} TO ${id(
      provisioningUser,
    )}; GRANT ${id(team)} TO ${id(provisioningUser)}`,
  );
  const connection = {
    host: url.hostname,
    port: Number(url.port || 5432),
    database,
    password: url.password ? decodeURIComponent(url.password) : undefined,
  };
  const superuser = decodeURIComponent(url.username || 'postgres');
  const client = new Client({ ...connection, user: superuser });
  await client.connect();
  await client.query(
    'CREATE SCHEMA other; CREATE TABLE other.canary (id INTEGER)',
  );
  const server = { id: `wh-${run}`, type: 'postgres' };
  const servers = new Map<string, ServerConfig>([
    [server.id, { type: 'postgres', ...connection, user: superuser }],
  ]);
  const provisioner = new PostgresOutputPortProvisioner({
    servers,
    provisioning: new Map([
      [server.id, { id: server.id, type: 'postgres', user: provisioningUser }],
    ]),
  });
  return {
    server,
    servers,
    provisioner,
    ownerRole: team,
    sql: async text => (await client.query(text)).rows,
    snapshot: async () =>
      (
        await client.query<{ line: string }>(
          `SELECT n.nspname || ' ' || coalesce(c.relname, '') || ' ' ||
                  coalesce(obj_description(c.oid, 'pg_class'), '') || ' ' ||
                  coalesce(pg_get_userbyid(c.relowner)::text, '') || ' ' ||
                  coalesce(string_agg(a.attname || ':' || format_type(a.atttypid, a.atttypmod) || ':' || a.attnotnull, ',' ORDER BY a.attnum), '') AS "line"
           FROM pg_namespace n
           LEFT JOIN pg_class c ON c.relnamespace = n.oid AND c.relkind IN ('r', 'v')
           LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0
           WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'
           GROUP BY n.nspname, c.relname, c.oid ORDER BY 1`,
        )
      ).rows.map(r => r.line),
    downServer: () => ({
      type: 'postgres',
      ...connection,
      port: 1,
      user: superuser,
    }),
    close: async () => {
      await provisioner.close();
      await client.end();
      await admin.query(`DROP DATABASE IF EXISTS ${id(database)} WITH (FORCE)`);
      await admin.query(`DROP ROLE IF EXISTS ${id(team)}`);
      await admin.query(`DROP ROLE IF EXISTS ${id(provisioningUser)}`);
      await admin.end();
    },
  };
}

const contract = (extra: Record<string, unknown>[] = []): OdcsContract =>
  ({
    apiVersion: 'v3.0.2',
    kind: 'DataContract',
    id: 'orders-contract',
    version: '1.0.0',
    status: 'active',
    schema: [
      {
        name: 'orders',
        properties: [
          {
            name: 'order_id',
            logicalType: 'string',
            primaryKey: true,
            description: "The order's id",
          },
          { name: 'amount', logicalType: 'number', required: true },
          {
            name: 'status',
            logicalType: 'string',
            logicalTypeOptions: { maxLength: 20 },
          },
          { name: 'placed_at', logicalType: 'timestamp' },
          ...extra,
        ],
      },
    ],
  } as OdcsContract);

describe.each(ENGINES)('output port provisioning on %s', name => {
  let engine: Engine;
  let n = 0;

  beforeAll(async () => {
    engine = name === 'duckdb' ? await duckdbEngine() : await postgresEngine();
  });
  afterAll(async () => {
    await engine?.close();
  });

  function request(
    document: OdcsContract,
    overrides: Partial<OutputPortProvisionRequest> = {},
  ): OutputPortProvisionRequest {
    return {
      server: engine.server,
      schema: 'sales',
      ownerRole: engine.ownerRole,
      productRef: 'dataproduct:default/customer-orders',
      port: 'orders',
      objects: portObjects(document),
      ...overrides,
    };
  }

  /** A schema of its own for a test that must start from nothing. */
  const freshSchema = () => `s${++n}`;

  it('plans the DDL without changing anything, then creates the table in one go, and its contract test passes', async () => {
    const before = await engine.snapshot();
    const plan = await engine.provisioner.plan(request(contract()));
    expect(await engine.snapshot()).toEqual(before);
    expect(plan.objects).toEqual([
      { table: '"sales"."orders"', action: 'create' },
    ]);
    const stringType = name === 'postgres' ? 'TEXT' : 'VARCHAR';
    const numberType = name === 'postgres' ? 'DOUBLE PRECISION' : 'DOUBLE';
    const tsType =
      name === 'postgres' ? 'TIMESTAMP WITH TIME ZONE' : 'TIMESTAMPTZ';
    expect(plan.statements.slice(0, 3)).toEqual([
      'CREATE SCHEMA "sales"',
      ...(name === 'postgres'
        ? [`GRANT USAGE ON SCHEMA "sales" TO "${engine.ownerRole}"`]
        : []),
      `CREATE TABLE "sales"."orders" (\n  "order_id" ${stringType} NOT NULL,\n  "amount" ${numberType} NOT NULL,\n  "status" VARCHAR(20),\n  "placed_at" ${tsType},\n  PRIMARY KEY ("order_id")\n)`,
      ...(name === 'postgres'
        ? []
        : [
            `COMMENT ON TABLE "sales"."orders" IS 'data-mesh output port orders of dataproduct:default/customer-orders'`,
          ]),
    ]);
    const noRoles = [expect.stringContaining('DuckDB has no roles')];
    expect(plan.notes).toEqual(name === 'duckdb' ? noRoles : []);

    const applied = await engine.provisioner.apply(request(contract()));
    expect(applied.statements).toEqual(plan.statements);
    const after = await engine.snapshot();
    const orders = after.find(line => line.startsWith('sales orders '));
    const marker =
      'data-mesh output port orders of dataproduct:default/customer-orders';
    // Not null for required and key columns, the maximum length, the team as owner.
    const expected = {
      postgres: `sales orders ${marker} ${engine.ownerRole} order_id:text:true,amount:double precision:true,status:character varying(20):false,placed_at:timestamp with time zone:false`,
      duckdb: `sales orders ${marker} order_id:VARCHAR:false,amount:DOUBLE:false,status:VARCHAR:true,placed_at:TIMESTAMP WITH TIME ZONE:true`,
    }[name as 'postgres' | 'duckdb'];
    expect(orders).toBe(expected);
    // The primary key holds.
    await engine.sql(
      `INSERT INTO sales.orders (order_id, amount) VALUES ('a', 1)`,
    );
    await expect(
      engine.sql(`INSERT INTO sales.orders (order_id, amount) VALUES ('a', 2)`),
    ).rejects.toThrow(/duplicate|constraint/i);

    // The contract test of the port passes on the table just created.
    const config = engine.servers.get(engine.server.id)!;
    const server = await openDataServer(engine.server.id, config);
    try {
      const result = await testContract(
        {
          ...contract(),
          servers: [
            {
              server: engine.server.id,
              type: name,
              schema: 'sales',
            },
          ],
        } as OdcsContract,
        { servers: new Map([[engine.server.id, server]]) },
      );
      expect(result.checks.filter(c => c.outcome !== 'pass')).toEqual([]);
      expect(result.summary.passed).toBeGreaterThan(5);
    } finally {
      await server.close();
    }

    // Applying again changes nothing.
    const again = await engine.provisioner.apply(request(contract()));
    expect(again.statements).toEqual([]);
    expect(again.objects).toEqual([
      { table: '"sales"."orders"', action: 'none' },
    ]);
  });

  it('adds an optional column of a non-breaking contract change, and refuses a breaking one leaving the table as it was', async () => {
    const schema = freshSchema();
    await engine.provisioner.apply(request(contract(), { schema }));
    const withNote = contract([{ name: 'note', logicalType: 'string' }]);
    const plan = await engine.provisioner.plan(request(withNote, { schema }));
    expect(plan.statements).toEqual([
      `ALTER TABLE "${schema}"."orders" ADD COLUMN "note" ${
        name === 'postgres' ? 'TEXT' : 'VARCHAR'
      }`,
    ]);
    await engine.provisioner.apply(request(withNote, { schema }));
    expect(
      (await engine.snapshot()).find(l => l.startsWith(`${schema} orders`)),
    ).toMatch(/note:(text|VARCHAR):(false|true)$/);

    const before = await engine.snapshot();
    const required = contract([
      { name: 'note', logicalType: 'string' },
      { name: 'channel', logicalType: 'string', required: true },
    ]);
    await expect(
      engine.provisioner.apply(request(required, { schema })),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining(
        'schema.orders.properties.channel: new column channel is required',
      ),
    });
    // A column removed and a type changed are breaking too.
    const changed = contract();
    (changed.schema as any)[0].properties[1].logicalType = 'boolean';
    await expect(
      engine.provisioner.apply(request(changed, { schema })),
    ).rejects.toThrow(
      /schema\.orders\.properties\.amount: .*boolean.*column note is no longer in the contract/,
    );
    expect(await engine.snapshot()).toEqual(before);
  });

  it('refuses a name clash with a table it did not create, naming the field, and creates nothing', async () => {
    const schema = freshSchema();
    await engine.sql(
      `CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.orders (x INTEGER)`,
    );
    const before = await engine.snapshot();
    await expect(
      engine.provisioner.apply(request(contract(), { schema })),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining(
        `schema.orders: "${schema}"."orders" already exists on server ${engine.server.id} and was not created for output port orders`,
      ),
    });
    // Another port's own table is a clash as well.
    await expect(
      engine.provisioner.apply(
        request(contract(), { schema: 'sales', port: 'other' }),
      ),
    ).rejects.toThrow('was not created for output port other');
    expect(await engine.snapshot()).toEqual(before);
  });

  it('refuses a type the dialect lacks, naming the field, before anything runs', async () => {
    const before = await engine.snapshot();
    const snowflake = contract([
      { name: 'total', logicalType: 'number', physicalType: 'NUMBER(10,2)' },
    ]);
    await expect(
      engine.provisioner.apply(request(snowflake, { schema: freshSchema() })),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: `schema.orders.properties.total.physicalType: NUMBER(10,2) is not a ${name} type; use one of ${name}'s types or leave physicalType out to use the logicalType's`,
    });
    const hostile = contract([
      { name: 'x', physicalType: 'INT); DROP TABLE other.canary; --' },
    ]);
    await expect(
      engine.provisioner.plan(request(hostile, { schema: freshSchema() })),
    ).rejects.toThrow('schema.orders.properties.x.physicalType: "INT); DROP');
    const untyped = contract([{ name: 'y' }]);
    await expect(
      engine.provisioner.plan(request(untyped, { schema: freshSchema() })),
    ).rejects.toThrow(
      'schema.orders.properties.y: the property has neither logicalType nor physicalType',
    );
    expect(await engine.snapshot()).toEqual(before);
  });

  it('leaves nothing behind when a statement fails half-way', async () => {
    const before = await engine.snapshot();
    const document = contract();
    // The second table's column is of a pseudo-type the server refuses at CREATE TABLE.
    (document.schema as any).push({
      name: 'broken',
      properties: [
        {
          name: 'v',
          logicalType: 'object',
          physicalType: name === 'postgres' ? 'RECORD' : 'UNION',
        },
      ],
    });
    const schema = freshSchema();
    const plan = await engine.provisioner.plan(request(document, { schema }));
    expect(plan.objects.map(o => o.action)).toEqual(['create', 'create']);
    await expect(
      engine.provisioner.apply(request(document, { schema })),
    ).rejects.toThrow(/CREATE TABLE "s\d+"."broken"/);
    expect(await engine.snapshot()).toEqual(before);
  });

  it('keeps names as data: a hostile table name is created as it is written', async () => {
    const schema = freshSchema();
    const document = contract();
    (document.schema as any)[0].name = `t"; DROP TABLE other.canary; --`;
    await engine.provisioner.apply(request(document, { schema }));
    const lines = await engine.snapshot();
    expect(lines.some(l => l.startsWith('other canary'))).toBe(true);
    expect(
      lines.some(l =>
        l.startsWith(`${schema} t"; DROP TABLE other.canary; --`),
      ),
    ).toBe(true);
  });

  it('unprovisions only the tables it created for the port', async () => {
    const schema = freshSchema();
    await engine.provisioner.apply(request(contract(), { schema }));
    await engine.sql(`CREATE TABLE ${schema}.mine (x INTEGER)`);
    const result = await engine.provisioner.unprovision({
      server: engine.server,
      schema,
      productRef: 'dataproduct:default/customer-orders',
      port: 'orders',
      tables: ['orders', 'mine', 'absent'],
    });
    expect(result).toEqual({
      dropped: [`"${schema}"."orders"`],
      skipped: [`"${schema}"."mine"`, `"${schema}"."absent"`],
    });
    const lines = await engine.snapshot();
    expect(lines.some(l => l.startsWith(`${schema} orders`))).toBe(false);
    expect(lines.some(l => l.startsWith(`${schema} mine`))).toBe(true);
  });

  it('says a server that cannot be reached is unavailable', async () => {
    const servers = new Map([[engine.server.id, engine.downServer()]]);
    const down =
      name === 'postgres'
        ? new PostgresOutputPortProvisioner({
            servers,
            provisioning: new Map([
              [
                engine.server.id,
                { id: engine.server.id, type: 'postgres', user: 'nobody' },
              ],
            ]),
          })
        : new DuckDbOutputPortProvisioner({ servers });
    await expect(down.apply(request(contract()))).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message: expect.stringMatching(
        new RegExp(
          `^Cannot (reach|open the database file of) server ${engine.server.id}`,
        ),
      ),
    });
  });

  if (name === 'postgres') {
    it('rolls everything back when the server goes away half-way', async () => {
      const schema = freshSchema();
      // An event trigger ends the provisioning session when the second table is created.
      await engine.sql(`
        CREATE FUNCTION public.kill_on_second() RETURNS event_trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF EXISTS (SELECT 1 FROM pg_event_trigger_ddl_commands()
                     WHERE object_identity = '${schema}.second') THEN
            PERFORM pg_terminate_backend(pg_backend_pid());
          END IF;
        END $$;
        CREATE EVENT TRIGGER kill_on_second ON ddl_command_end
          WHEN TAG IN ('CREATE TABLE') EXECUTE FUNCTION public.kill_on_second();`);
      try {
        const before = await engine.snapshot();
        const document = contract();
        (document.schema as any).push({
          name: 'second',
          properties: [{ name: 'id', logicalType: 'integer' }],
        });
        await expect(
          engine.provisioner.apply(request(document, { schema })),
        ).rejects.toThrow(/terminat|Connection|half-way/i);
        expect(await engine.snapshot()).toEqual(before);
      } finally {
        await engine.sql(
          'DROP EVENT TRIGGER kill_on_second; DROP FUNCTION public.kill_on_second()',
        );
      }
    });

    it('refuses a team role that is not on the server, naming ownerRole', async () => {
      await expect(
        engine.provisioner.plan(
          request(contract(), { ownerRole: 'no_such_team_role' }),
        ),
      ).rejects.toMatchObject({
        name: 'NotFoundError',
        message: expect.stringContaining(
          `ownerRole: the team's database role "no_such_team_role" does not exist on server ${engine.server.id}`,
        ),
      });
    });
  }
});
