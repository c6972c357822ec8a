import {
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
  isError,
} from '@backstage/errors';
import {
  DEFAULT_STATEMENT_TIMEOUT_MS,
  ServerConfig,
} from '@datamesh-portal/plugin-data-mesh-contract-tests';
import {
  AccessServerRef,
  OutputPortProvisioner,
  OutputPortProvisionRequest,
  OutputPortUnprovisionRequest,
  OutputPortUnprovisionResult,
  ProvisioningPlan,
} from '@datamesh-portal/plugin-data-mesh-node';
import { createHash } from 'crypto';
import { DatabaseError, Pool, PoolClient } from 'pg';
import { ProvisioningServer } from './provisioningConfig';
import { checkProvisionRequest, checkUnprovisionRequest } from './requests';
import {
  ExistingTable,
  planStatements,
  provisioningMarker,
  quoteIdentifier as q,
  ServerState,
} from './sqlPlan';

/** One provisioning of a schema at a time, across backend instances. */
function lockKey(serverId: string, schema: string): string {
  const hex = createHash('sha256')
    .update(`data-mesh-provisioning ${serverId} ${schema}`)
    .digest('hex');
  return BigInt.asIntN(64, BigInt(`0x${hex.slice(0, 16)}`)).toString();
}

/**
 * The built-in provisioner for `postgres` servers: creates a port's tables in the domain's
 * schema, owned by the producing team's role, as the provisioning user of
 * `dataMesh.provisioning.servers.<id>` (a small pool per server, opened at the first request).
 * Everything runs in one transaction under an advisory lock on the schema.
 */
export class PostgresOutputPortProvisioner implements OutputPortProvisioner {
  private readonly pools = new Map<string, Pool>();

  constructor(
    private readonly options: {
      servers: Map<string, ServerConfig>;
      provisioning: Map<string, ProvisioningServer>;
    },
  ) {}

  supports(serverType: string): boolean {
    return serverType === 'postgres';
  }

  async plan(request: OutputPortProvisionRequest): Promise<ProvisioningPlan> {
    const checked = checkProvisionRequest(request, true);
    return this.transaction(
      checked.server,
      'plan provisioning',
      client => this.planIn(client, checked),
      true,
    );
  }

  async apply(request: OutputPortProvisionRequest): Promise<ProvisioningPlan> {
    const checked = checkProvisionRequest(request, true);
    return this.transaction(checked.server, 'provision', async client => {
      await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [
        lockKey(checked.server.id, checked.schema),
      ]);
      const plan = await this.planIn(client, checked);
      for (const statement of plan.statements) {
        try {
          await client.query(statement);
        } catch (error) {
          if (error instanceof DatabaseError) {
            error.message = `${statement.split('\n')[0]}: ${error.message}`;
          }
          throw error;
        }
      }
      return plan;
    });
  }

  async unprovision(
    request: OutputPortUnprovisionRequest,
  ): Promise<OutputPortUnprovisionResult> {
    const checked = checkUnprovisionRequest(request);
    return this.transaction(checked.server, 'unprovision', async client => {
      await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [
        lockKey(checked.server.id, checked.schema),
      ]);
      const state = await readState(client, checked.schema, checked.tables);
      const marker = provisioningMarker(checked.productRef, checked.port);
      const result: OutputPortUnprovisionResult = { dropped: [], skipped: [] };
      for (const name of checked.tables) {
        const table = `${q(checked.schema)}.${q(name)}`;
        const found = state.tables.get(name);
        if (found?.isTable && found.comment === marker) {
          await client.query(`DROP TABLE ${table}`);
          result.dropped.push(table);
        } else {
          result.skipped.push(table);
        }
      }
      return result;
    });
  }

  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map(pool => pool.end()));
  }

  private async planIn(
    client: PoolClient,
    request: OutputPortProvisionRequest,
  ): Promise<ProvisioningPlan> {
    const owner = request.ownerRole!;
    const { rows: roles } = await client.query<{ superuser: boolean }>(
      'SELECT rolsuper AS "superuser" FROM pg_catalog.pg_roles WHERE rolname = $1',
      [owner],
    );
    if (roles.length === 0) {
      throw new NotFoundError(
        `ownerRole: the team's database role "${owner}" does not exist on ${this.where(
          request.server,
        )}`,
      );
    }
    if (roles[0].superuser) {
      throw new NotAllowedError(
        `ownerRole: "${owner}" is a superuser on server ${request.server.id}; tables are owned by a team's own role`,
      );
    }
    const state = await readState(
      client,
      request.schema,
      request.objects.map(o => o.name),
      owner,
    );
    const { objects, statements } = planStatements(request, state, 'postgres');
    return {
      server: request.server,
      dialect: 'postgres',
      objects,
      statements,
      notes: [],
    };
  }

  private where(server: AccessServerRef) {
    const config = this.options.servers.get(server.id);
    return config?.type === 'postgres'
      ? `server ${server.id} (${config.host}:${config.port}/${config.database})`
      : `server ${server.id}`;
  }

  private pool(server: AccessServerRef): Pool {
    const existing = this.pools.get(server.id);
    if (existing) return existing;
    const config = this.options.servers.get(server.id);
    const settings = this.options.provisioning.get(server.id);
    if (config?.type !== 'postgres' || !settings?.user) {
      throw new InputError(
        `server: ${server.id} is not a postgres server of dataMesh.provisioning.servers with a user`,
      );
    }
    const pool = new Pool({
      host: config.host,
      port: config.port,
      database: config.database,
      user: settings.user,
      password: settings.password,
      max: 2,
      idleTimeoutMillis: 30_000,
      connectionTimeoutMillis: 10_000,
      application_name: 'data-mesh-provisioning',
      statement_timeout:
        config.statementTimeout ?? DEFAULT_STATEMENT_TIMEOUT_MS,
    });
    // An idle connection that dies must not take the process with it.
    pool.on('error', () => {});
    this.pools.set(server.id, pool);
    return pool;
  }

  /** Runs `work` in one transaction (rolled back when read-only): all of it, or none. */
  private async transaction<T>(
    server: AccessServerRef,
    action: string,
    work: (client: PoolClient) => Promise<T>,
    readOnly = false,
  ): Promise<T> {
    let client: PoolClient;
    try {
      client = await this.pool(server).connect();
    } catch (error) {
      if (error instanceof InputError) throw error;
      throw new ServiceUnavailableError(
        `Cannot reach ${this.where(server)} to ${action}: ${
          isError(error) ? error.message : String(error)
        }`,
      );
    }
    let broken = false;
    // A connection lost while checked out errors on the client: the query in flight fails too.
    const onError = () => {
      broken = true;
    };
    client.on('error', onError);
    try {
      await client.query(readOnly ? 'BEGIN READ ONLY' : 'BEGIN');
      const result = await work(client);
      await client.query(readOnly ? 'ROLLBACK' : 'COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      if (error instanceof DatabaseError) {
        const message = `Could not ${action} on ${this.where(server)}: ${
          error.message
        }`;
        throw error.code === '42501'
          ? new NotAllowedError(message)
          : new Error(message);
      }
      if (isError(error) && !('statusCode' in error) && broken) {
        // The connection went away half-way: the server rolled the transaction back.
        throw new ServiceUnavailableError(
          `Lost ${this.where(
            server,
          )} half-way through ${action}; nothing was created: ${error.message}`,
        );
      }
      throw error;
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }
}

/** The schema, the named tables in it and whether the owner may use the schema. */
async function readState(
  client: PoolClient,
  schema: string,
  tables: string[],
  owner?: string,
): Promise<ServerState> {
  const {
    rows: [found],
  } = await client.query<{
    exists: boolean;
    usage: boolean | null;
    create: boolean | null;
  }>(
    `SELECT n.oid IS NOT NULL AS "exists",
            CASE WHEN n.oid IS NULL OR $2::text IS NULL THEN NULL
                 ELSE pg_catalog.has_schema_privilege($2::text, n.oid, 'USAGE') END AS "usage",
            CASE WHEN n.oid IS NULL OR $2::text IS NULL THEN NULL
                 ELSE pg_catalog.has_schema_privilege($2::text, n.oid, 'CREATE') END AS "create"
     FROM (SELECT 1) one LEFT JOIN pg_catalog.pg_namespace n ON n.nspname = $1`,
    [schema, owner ?? null],
  );
  const { rows } = await client.query<{
    table: string;
    kind: string;
    comment: string | null;
    column: string | null;
    type: string | null;
    notNull: boolean | null;
  }>(
    `SELECT c.relname AS "table", c.relkind::text AS "kind",
            pg_catalog.obj_description(c.oid, 'pg_class') AS "comment",
            a.attname AS "column", pg_catalog.format_type(a.atttypid, a.atttypmod) AS "type",
            a.attnotnull AS "notNull"
     FROM pg_catalog.pg_class c
     JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     LEFT JOIN pg_catalog.pg_attribute a
       ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
     WHERE n.nspname = $1 AND c.relname = ANY($2::text[])
       AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
     ORDER BY c.relname, a.attnum`,
    [schema, tables],
  );
  const byName = new Map<string, ExistingTable>();
  for (const row of rows) {
    let table = byName.get(row.table);
    if (!table) {
      table = {
        comment: row.comment,
        isTable: row.kind === 'r' || row.kind === 'p',
        columns: [],
      };
      byName.set(row.table, table);
    }
    if (row.column !== null) {
      table.columns.push({
        name: row.column,
        type: row.type!,
        nullable: !row.notNull,
      });
    }
  }
  return {
    schemaExists: found.exists,
    tables: byName,
    ownerHasUsage: found.usage === true,
    ownerHasCreate: found.create === true,
  };
}
