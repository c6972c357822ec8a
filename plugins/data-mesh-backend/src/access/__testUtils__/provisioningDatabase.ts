import { ServerConfig } from '@datamesh-portal/plugin-data-mesh-contract-tests';
import { AccessServerRef } from '@datamesh-portal/plugin-data-mesh-node';
import { randomBytes } from 'crypto';
import { Client, escapeIdentifier as id } from 'pg';
import { ProvisioningCredentials } from '../accessConfig';
import { PostgresAccessProvisioner } from '../PostgresAccessProvisioner';

/** The PostgreSQL server of the tests, as Backstage's TestDatabases finds it. */
const POSTGRES_URL =
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;

/**
 * A database of its own on the test server, with the roles a platform would have: a
 * provisioning user holding only the privileges docs/operations.md lists (no superuser), the
 * read-only user of contract tests and a consumer. Roles are global to the server, so every
 * name carries a run id; `close` drops the database and every role of the run.
 */
export class ProvisioningDatabase {
  readonly run = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  readonly database = `dm_access_${this.run}`;
  readonly provisioningUser = `dm_t_${this.run}_provisioner`;
  readonly readerUser = `dm_t_${this.run}_reader`;
  readonly consumer = `dm_t_${this.run}_consumer`;
  /** A role hostile names try to drop: still there means nothing was injected. */
  readonly canary = `dm_t_${this.run}_canary`;
  readonly server: AccessServerRef = { id: `wh-${this.run}`, type: 'postgres' };
  /** A schema and a table whose names try to end the statement and drop the canary. */
  readonly hostileSchema = `we"ird'; DROP ROLE "${this.canary}"; --`;
  readonly hostileTable = `t"; DROP TABLE sales.orders; --`;

  private readonly url = new URL(POSTGRES_URL!);
  private readonly roles = new Set<string>();
  private readonly provisioners: PostgresAccessProvisioner[] = [];
  private client!: Client;

  static async create(): Promise<ProvisioningDatabase> {
    if (!POSTGRES_URL) {
      throw new Error(
        'These tests need PostgreSQL: set BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING',
      );
    }
    const db = new ProvisioningDatabase();
    await db.setUp();
    return db;
  }

  private async setUp() {
    await this.onServer(async admin => {
      for (const [role, options] of [
        [this.provisioningUser, 'LOGIN CREATEROLE'],
        [this.readerUser, 'LOGIN'],
        [this.consumer, 'NOLOGIN'],
        [this.canary, 'NOLOGIN'],
      ]) {
        this.roles.add(role);
        await admin.query(`CREATE ROLE ${id(role)} ${options}`);
      }
      await admin.query(`CREATE DATABASE ${id(this.database)}`);
      await admin.query(
        `REVOKE ALL ON DATABASE ${id(this.database)} FROM PUBLIC;
         GRANT CONNECT ON DATABASE ${id(this.database)} TO ${id(
          this.provisioningUser,
        )}, ${id(this.readerUser)}`,
      );
    });
    this.client = new Client({ ...this.connection(), user: this.superuser });
    await this.client.connect();
    const prov = id(this.provisioningUser);
    const hostile = `${id(this.hostileSchema)}.${id(this.hostileTable)}`;
    await this.client.query(`
      CREATE SCHEMA sales;
      CREATE TABLE sales.orders (id int);
      INSERT INTO sales.orders VALUES (1), (2), (3);
      CREATE TABLE sales.customers (id int);
      CREATE VIEW sales.big_orders AS SELECT * FROM sales.orders WHERE id > 1;
      CREATE TABLE sales.no_grant_option (id int);
      CREATE TABLE sales.private (id int);
      CREATE SCHEMA ${id(this.hostileSchema)};
      CREATE TABLE ${hostile} (id int);
      INSERT INTO ${hostile} VALUES (7);
      -- The least privileges of the provisioning user (besides CREATEROLE and CONNECT).
      GRANT USAGE ON SCHEMA sales, ${id(
        this.hostileSchema,
      )} TO ${prov} WITH GRANT OPTION;
      GRANT SELECT ON sales.orders, sales.customers, sales.big_orders, ${hostile}
        TO ${prov} WITH GRANT OPTION;
      -- Readable, but not grantable: a grant of it must fail as a whole.
      GRANT SELECT ON sales.no_grant_option TO ${prov};
    `);
  }

  /** The user of the test server's URL, a superuser: the administrator. */
  get superuser() {
    return decodeURIComponent(this.url.username || 'postgres');
  }

  private connection() {
    return {
      host: this.url.hostname,
      port: Number(this.url.port || 5432),
      database: this.database,
      password: this.url.password
        ? decodeURIComponent(this.url.password)
        : undefined,
    };
  }

  private async onServer(work: (admin: Client) => Promise<void>) {
    const admin = new Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    try {
      await work(admin);
    } finally {
      await admin.end();
    }
  }

  /** `dataMesh.servers` as a platform would write it: the server, with its read-only user. */
  servers(): Map<string, ServerConfig> {
    const { host, port, database } = this.connection();
    return new Map([
      [
        this.server.id,
        { type: 'postgres', host, port, database, user: this.readerUser },
      ],
    ]);
  }

  /** `dataMesh.access.servers`: the provisioning user (trust authentication, no password). */
  provisioning(): Map<string, ProvisioningCredentials> {
    return new Map([
      [this.server.id, { user: this.provisioningUser, maxConnections: 2 }],
    ]);
  }

  /** A provisioner as the backend builds it, closed by `close`. */
  provisioner(): PostgresAccessProvisioner {
    const provisioner = new PostgresAccessProvisioner({
      servers: this.servers(),
      provisioning: this.provisioning(),
    });
    this.provisioners.push(provisioner);
    return provisioner;
  }

  /** Runs SQL as the superuser in the test database (what an administrator does by hand). */
  async sql<T extends Record<string, unknown> = Record<string, any>>(
    text: string,
    params: unknown[] = [],
  ): Promise<T[]> {
    return (await this.client.query<T>(text, params)).rows;
  }

  /** Creates a role of this run, dropped by `close`. */
  async createRole(name: string, options = 'NOLOGIN') {
    this.roles.add(name);
    await this.sql(`CREATE ROLE ${id(name)} ${options}`);
  }

  async roleExists(name: string): Promise<boolean> {
    const rows = await this.sql('SELECT 1 FROM pg_roles WHERE rolname = $1', [
      name,
    ]);
    return rows.length === 1;
  }

  /** `has_table_privilege(<role>, '<schema.table>', 'SELECT')`, names quoted. */
  async canSelect(role: string, schema: string, table: string) {
    const [row] = await this.sql<{ can: boolean }>(
      `SELECT has_table_privilege($1, quote_ident($2) || '.' || quote_ident($3), 'SELECT') AS "can"`,
      [role, schema, table],
    );
    return row.can;
  }

  /** Reads the table as `role` does (SET ROLE): its row count, or the server's refusal. */
  async countAs(role: string, schema: string, table: string): Promise<number> {
    await this.client.query('BEGIN');
    try {
      await this.client.query(`SET LOCAL ROLE ${id(role)}`);
      const {
        rows: [row],
      } = await this.client.query(
        `SELECT count(*)::int AS "n" FROM ${id(schema)}.${id(table)}`,
      );
      return row.n;
    } finally {
      await this.client.query('ROLLBACK');
    }
  }

  async close() {
    await Promise.all(this.provisioners.map(p => p.close()));
    await this.client?.end();
    await this.onServer(async admin => {
      await admin.query(
        `DROP DATABASE IF EXISTS ${id(this.database)} WITH (FORCE)`,
      );
      // The agreement roles of this run: the server id in their comment is the run's.
      const { rows } = await admin.query<{ name: string }>(
        `SELECT rolname AS "name" FROM pg_roles
         WHERE shobj_description(oid, 'pg_authid') LIKE '% on server ' || $1`,
        [this.server.id],
      );
      for (const role of [...rows.map(r => r.name), ...this.roles]) {
        await admin.query(`DROP ROLE IF EXISTS ${id(role)}`);
      }
    });
  }
}
