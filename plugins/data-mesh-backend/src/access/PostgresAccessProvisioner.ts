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
  AccessChangeResult,
  AccessGrantRequest,
  AccessInspection,
  AccessProvisioner,
  AccessRevokeRequest,
  AccessServerRef,
  AccessTable,
} from '@datamesh-portal/plugin-data-mesh-node';
import { createHash } from 'crypto';
import {
  DatabaseError,
  escapeIdentifier,
  escapeLiteral,
  Pool,
  PoolClient,
} from 'pg';
import {
  describeInvalidIdentifier,
  ProvisioningCredentials,
} from './accessConfig';

/** Every role the provisioner creates starts with this. */
export const AGREEMENT_ROLE_PREFIX = 'dm_agr_';
const MAX_TABLES = 1000;
const MAX_AGREEMENT_ID_LENGTH = 200;

/**
 * The role of an agreement on a server: `dm_agr_` and 24 hex digits of a hash of both, so
 * the name is lower case, needs no quoting, fits PostgreSQL's 63 bytes and says nothing of the
 * agreement. Roles are global to a PostgreSQL cluster: the server is in the hash so that two
 * configured servers on one cluster (two databases) never share a role.
 */
export function agreementRoleName(agreementId: string, serverId: string) {
  const hash = createHash('sha256')
    .update(`${serverId}\n${agreementId}`)
    .digest('hex');
  return `${AGREEMENT_ROLE_PREFIX}${hash.slice(0, 24)}`;
}

/**
 * The comment that marks a role as the provisioner's own, for this agreement and server. A
 * role without it is never altered, granted or dropped.
 */
export function agreementRoleComment(agreementId: string, serverId: string) {
  return `data-mesh agreement ${agreementId} on server ${serverId}`;
}
const COMMENT_PREFIX = 'data-mesh agreement ';

/** A transaction-scoped advisory lock key per role: grants of one agreement run one at a time. */
function lockKey(role: string): string {
  const hex = createHash('sha256')
    .update(`data-mesh-access ${role}`)
    .digest('hex');
  return BigInt.asIntN(64, BigInt(`0x${hex.slice(0, 16)}`)).toString();
}

const id = escapeIdentifier;
const qualified = (schema: string, name: string) => `${id(schema)}.${id(name)}`;

interface RoleRow {
  name: string;
  oid: string;
  superuser: boolean;
  comment: string | null;
}

interface GrantRow {
  kind: 'schema' | 'table' | 'sequence';
  schema: string;
  name: string | null;
  privilege: string;
  grantor: string;
}

/** What the server holds of one agreement, and of the consumer and tables it names. */
interface State {
  currentUser: string;
  sessionUser: string;
  role?: RoleRow;
  /** Privileges granted to the agreement role, by anyone, in this database. */
  grants: GrantRow[];
  /** Direct members of the agreement role. */
  members: string[];
}

interface Step {
  description: string;
  sql: string[];
}

/**
 * The built-in provisioner for `postgres` servers of `dataMesh.servers`. Each agreement gets
 * a role of its own, `NOLOGIN`, marked by a comment, holding `USAGE` on the port's schemas and
 * `SELECT` on its tables, and granted to the consumer's role. Revoking takes those privileges
 * away and drops the role. It connects as the provisioning user of
 * `dataMesh.access.servers.<id>` (never the read-only user of contract tests), through a small
 * pool of its own per server, opened at the first request.
 */
export class PostgresAccessProvisioner implements AccessProvisioner {
  private readonly pools = new Map<string, Pool>();

  constructor(
    private readonly options: {
      /** `dataMesh.servers`. */
      servers: Map<string, ServerConfig>;
      /** `dataMesh.access.servers`, by server id. */
      provisioning: Map<string, ProvisioningCredentials>;
    },
  ) {}

  supports(serverType: string): boolean {
    return serverType === 'postgres';
  }

  async grant(request: AccessGrantRequest): Promise<AccessChangeResult> {
    const checked = checkGrantRequest(request);
    const role = agreementRoleName(checked.agreementId, checked.server.id);
    return this.transaction(checked.server, 'grant access', async client => {
      await lock(client, role);
      const state = await this.readState(client, checked, role);
      const steps = this.plan(state, checked, role);
      for (const step of steps) {
        await run(client, step);
      }
      if (steps.length > 0) {
        // A GRANT without the right to grant warns and grants nothing: look again.
        const left = this.plan(
          await this.readState(client, checked, role),
          checked,
          role,
        );
        if (left.length > 0) {
          throw new NotAllowedError(
            `Could not ${left.map(s => s.description).join('; ')} on server ${
              checked.server.id
            }: the provisioning user "${
              state.currentUser
            }" must own these objects or hold their privileges WITH GRANT OPTION`,
          );
        }
      }
      return { role, changes: steps.map(s => s.description) };
    });
  }

  async inspect(request: AccessGrantRequest): Promise<AccessInspection> {
    const checked = checkGrantRequest(request);
    const role = agreementRoleName(checked.agreementId, checked.server.id);
    return this.transaction(
      checked.server,
      'inspect access',
      async client => {
        const steps = this.plan(
          await this.readState(client, checked, role),
          checked,
          role,
        );
        return {
          role,
          granted: steps.length === 0,
          missing: steps.map(s => s.description),
        };
      },
      { readOnly: true },
    );
  }

  async revoke(request: AccessRevokeRequest): Promise<AccessChangeResult> {
    const agreementId = checkAgreementId(request?.agreementId);
    const server = checkServer(request?.server);
    const role = agreementRoleName(agreementId, server.id);
    return this.transaction(server, 'revoke access', async client => {
      await lock(client, role);
      const found = await readOwnRole(client, role, agreementId, server.id);
      if (!found) return { role, changes: [] };
      const {
        rows: [{ currentUser }],
      } = await client.query('SELECT current_user AS "currentUser"');
      const steps = (await readGrants(client, found.oid)).map(grant =>
        revokeStep(grant, role, currentUser),
      );
      // Dropping the role ends its memberships too.
      steps.push({
        description: `drop role ${role}`,
        sql: [`DROP ROLE ${id(role)}`],
      });
      for (const step of steps) await run(client, step);
      return { role, changes: steps.map(s => s.description) };
    });
  }

  /** Closes the pools; the backend calls it when it stops. */
  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map(pool => pool.end()));
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
    if (!config) {
      throw new NotFoundError(
        `There is no server ${server.id} in dataMesh.servers`,
      );
    }
    if (config.type !== 'postgres') {
      throw new InputError(
        `Server ${server.id} is a ${config.type} server; access is granted on postgres servers only`,
      );
    }
    const credentials = this.options.provisioning.get(server.id);
    if (!credentials) {
      throw new InputError(
        `Server ${server.id} has no provisioning user: set dataMesh.access.servers.${server.id}.user`,
      );
    }
    const pool = new Pool({
      host: config.host,
      port: config.port,
      database: config.database,
      user: credentials.user,
      password: credentials.password,
      max: credentials.maxConnections,
      idleTimeoutMillis: 30_000,
      connectionTimeoutMillis: 10_000,
      application_name: 'data-mesh-access',
      statement_timeout:
        config.statementTimeout ?? DEFAULT_STATEMENT_TIMEOUT_MS,
    });
    // An idle connection that dies must not take the process with it.
    pool.on('error', () => {});
    this.pools.set(server.id, pool);
    return pool;
  }

  /**
   * Runs `work` in one transaction: all of it is committed, or none. Database errors are
   * given the action, agreement and server; errors of the checks pass as they are.
   */
  private async transaction<T>(
    server: AccessServerRef,
    action: string,
    work: (client: PoolClient) => Promise<T>,
    options: { readOnly?: boolean } = {},
  ): Promise<T> {
    const pool = this.pool(server);
    let client: PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      throw new ServiceUnavailableError(
        `Cannot reach ${this.where(server)} to ${action}: ${
          isError(error) ? error.message : String(error)
        }`,
      );
    }
    let broken = false;
    try {
      await client.query(options.readOnly ? 'BEGIN READ ONLY' : 'BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      if (error instanceof DatabaseError) {
        // The detail says what depends on a role that cannot be dropped, say.
        const message = `Could not ${action} on ${this.where(server)}: ${
          error.message
        }${error.detail ? ` (${error.detail.replace(/\n/g, '; ')})` : ''}`;
        throw error.code === '42501'
          ? new NotAllowedError(message)
          : new Error(message);
      }
      throw error;
    } finally {
      client.release(broken);
    }
  }

  /** Reads the state the request is compared with, and refuses what may not be touched. */
  private async readState(
    client: PoolClient,
    request: AccessGrantRequest,
    role: string,
  ): Promise<State> {
    const {
      rows: [users],
    } = await client.query<{ currentUser: string; sessionUser: string }>(
      'SELECT current_user AS "currentUser", session_user AS "sessionUser"',
    );
    const roles = await readRoles(client, [request.consumerRole, role]);
    this.checkConsumer(roles.get(request.consumerRole), request, users);
    const own = roles.get(role);
    if (own) checkOwnRole(own, request.agreementId, request.server.id);

    const { rows: tables } = await client.query<{
      schema: string;
      name: string;
      schemaExists: boolean;
      tableExists: boolean;
    }>(
      `SELECT t."schema", t."name", n.oid IS NOT NULL AS "schemaExists",
              c.oid IS NOT NULL AS "tableExists"
       FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS t("schema", "name", "at")
       LEFT JOIN pg_catalog.pg_namespace n ON n.nspname = t."schema"
       LEFT JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid
         AND c.relname = t."name" AND c.relkind IN ('r', 'v', 'm', 'p', 'f')
       ORDER BY t."at"`,
      [request.tables.map(t => t.schema), request.tables.map(t => t.table)],
    );
    const missingTables = tables
      .filter(t => !t.tableExists)
      .map(t =>
        t.schemaExists
          ? `table ${qualified(t.schema, t.name)}`
          : `schema ${id(t.schema)} (of table ${qualified(t.schema, t.name)})`,
      );
    if (missingTables.length > 0) {
      throw new NotFoundError(
        `Not on ${this.where(request.server)}: ${missingTables.join(', ')}`,
      );
    }
    return {
      ...users,
      role: own,
      grants: own ? await readGrants(client, own.oid) : [],
      members: own ? await readMembers(client, own.oid) : [],
    };
  }

  /** The consumer's role must exist and be an ordinary role of someone else. */
  private checkConsumer(
    consumer: RoleRow | undefined,
    request: AccessGrantRequest,
    users: { currentUser: string; sessionUser: string },
  ): void {
    const name = request.consumerRole;
    const server = request.server.id;
    if (!consumer) {
      throw new NotFoundError(
        `The consumer's database role "${name}" does not exist on ${this.where(
          request.server,
        )}`,
      );
    }
    const config = this.options.servers.get(server);
    const portalUsers = [
      users.currentUser,
      users.sessionUser,
      config?.type === 'postgres' ? config.user : undefined,
    ];
    let refusal: string | undefined;
    if (consumer.superuser) refusal = 'is a superuser';
    else if (portalUsers.includes(name)) refusal = "is the portal's own user";
    else if (
      name.startsWith(AGREEMENT_ROLE_PREFIX) ||
      consumer.comment?.startsWith(COMMENT_PREFIX)
    ) {
      refusal = "is an agreement's role";
    } else if (name.startsWith('pg_')) refusal = 'is a predefined role';
    if (refusal) {
      throw new NotAllowedError(
        `The consumer's database role "${name}" ${refusal} on server ${server}; access is granted to consumers' own roles only`,
      );
    }
  }

  /** The statements that make the server match the request, each with what it does. */
  private plan(
    state: State,
    request: AccessGrantRequest,
    role: string,
  ): Step[] {
    const steps: Step[] = [];
    if (!state.role) {
      steps.push({
        description: `create role ${role}`,
        sql: [
          `CREATE ROLE ${id(role)} NOLOGIN`,
          `COMMENT ON ROLE ${id(role)} IS ${escapeLiteral(
            agreementRoleComment(request.agreementId, request.server.id),
          )}`,
        ],
      });
    }
    const wanted: Array<Omit<GrantRow, 'grantor'>> = [
      ...[...new Set(request.tables.map(t => t.schema))].map(schema => ({
        kind: 'schema' as const,
        schema,
        name: null,
        privilege: 'USAGE',
      })),
      ...request.tables.map(t => ({
        kind: 'table' as const,
        schema: t.schema,
        name: t.table,
        privilege: 'SELECT',
      })),
    ];
    const key = (g: Omit<GrantRow, 'grantor'>) =>
      JSON.stringify([g.kind === 'schema', g.schema, g.name, g.privilege]);
    const held = new Set(state.grants.map(key));
    const wantedKeys = new Set(wanted.map(key));
    for (const grant of wanted.filter(g => !held.has(key(g)))) {
      const { object, sqlObject } = describeObject(grant);
      steps.push({
        description: `grant ${grant.privilege} on ${object}`,
        sql: [`GRANT ${grant.privilege} ON ${sqlObject} TO ${id(role)}`],
      });
    }
    // What the port no longer has, or was granted by hand, goes.
    for (const grant of state.grants.filter(g => !wantedKeys.has(key(g)))) {
      steps.push(revokeStep(grant, role, state.currentUser));
    }
    if (!state.members.includes(request.consumerRole)) {
      steps.push({
        description: `grant role ${role} to ${id(request.consumerRole)}`,
        sql: [`GRANT ${id(role)} TO ${id(request.consumerRole)}`],
      });
    }
    // A former consumer (the role changed) loses it; from PostgreSQL 16 the provisioning
    // user is a member too (ADMIN OPTION on the roles it creates) and stays.
    for (const member of state.members) {
      if (member === request.consumerRole || member === state.currentUser) {
        continue;
      }
      steps.push({
        description: `revoke role ${role} from ${id(member)}`,
        sql: [`REVOKE ${id(role)} FROM ${id(member)}`],
      });
    }
    return steps;
  }
}

/** Runs the statements of a step; a database error says which step it stopped. */
async function run(client: PoolClient, step: Step) {
  try {
    for (const sql of step.sql) await client.query(sql);
  } catch (error) {
    if (error instanceof DatabaseError) {
      error.message = `${step.description}: ${error.message}`;
    }
    throw error;
  }
}

async function lock(client: PoolClient, role: string) {
  await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [
    lockKey(role),
  ]);
}

async function readRoles(
  client: PoolClient,
  names: string[],
): Promise<Map<string, RoleRow>> {
  const { rows } = await client.query<RoleRow>(
    `SELECT rolname AS "name", oid::text AS "oid", rolsuper AS "superuser",
            pg_catalog.shobj_description(oid, 'pg_authid') AS "comment"
     FROM pg_catalog.pg_roles WHERE rolname = ANY($1::text[])`,
    [names],
  );
  return new Map(rows.map(row => [row.name, row]));
}

/** Refuses a role of the agreement's name that the provisioner did not create for it. */
function checkOwnRole(row: RoleRow, agreementId: string, serverId: string) {
  if (row.comment !== agreementRoleComment(agreementId, serverId)) {
    throw new NotAllowedError(
      `Role ${row.name} exists on server ${serverId} but was not created by the data mesh for agreement ${agreementId}; it is left alone`,
    );
  }
}

async function readOwnRole(
  client: PoolClient,
  role: string,
  agreementId: string,
  serverId: string,
): Promise<RoleRow | undefined> {
  const row = (await readRoles(client, [role])).get(role);
  if (row) checkOwnRole(row, agreementId, serverId);
  return row;
}

/**
 * The privileges a role holds on schemas, tables and sequences of this database, whoever
 * granted them: found through `pg_shdepend`, which records every ACL entry naming the role.
 */
async function readGrants(
  client: PoolClient,
  roleOid: string,
): Promise<GrantRow[]> {
  const { rows } = await client.query<GrantRow>(
    `WITH held AS (
       SELECT d.classid, d.objid FROM pg_catalog.pg_shdepend d
       WHERE d.refclassid = 'pg_catalog.pg_authid'::regclass AND d.refobjid = $1::oid
         AND d.deptype = 'a'
         AND d.dbid = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())
     )
     SELECT 'schema' AS "kind", n.nspname AS "schema", NULL AS "name", a.privilege_type AS "privilege",
            pg_catalog.pg_get_userbyid(a.grantor) AS "grantor"
     FROM held JOIN pg_catalog.pg_namespace n
       ON held.classid = 'pg_catalog.pg_namespace'::regclass AND n.oid = held.objid
     CROSS JOIN LATERAL pg_catalog.aclexplode(n.nspacl) a
     WHERE a.grantee = $1::oid
     UNION ALL
     SELECT CASE WHEN c.relkind = 'S' THEN 'sequence' ELSE 'table' END, n.nspname, c.relname,
            a.privilege_type, pg_catalog.pg_get_userbyid(a.grantor)
     FROM held JOIN pg_catalog.pg_class c
       ON held.classid = 'pg_catalog.pg_class'::regclass AND c.oid = held.objid
     JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     CROSS JOIN LATERAL pg_catalog.aclexplode(c.relacl) a
     WHERE a.grantee = $1::oid
     ORDER BY 1, 2, 3, 4`,
    [roleOid],
  );
  for (const row of rows) {
    // Keywords from the server, written into REVOKE: never anything else.
    if (!/^[A-Z]+$/.test(row.privilege)) {
      throw new Error(`Unexpected privilege ${row.privilege}`);
    }
  }
  return rows;
}

async function readMembers(
  client: PoolClient,
  roleOid: string,
): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT DISTINCT m.rolname AS "name"
     FROM pg_catalog.pg_auth_members am
     JOIN pg_catalog.pg_roles m ON m.oid = am.member
     WHERE am.roleid = $1::oid
     ORDER BY 1`,
    [roleOid],
  );
  return rows.map(row => row.name);
}

/**
 * Revokes a privilege of the agreement role. Only its grantor can: one granted by someone
 * else (a superuser, by hand) is refused here, naming who may revoke it, rather than failing
 * later with a bare "permission denied" or a role that cannot be dropped.
 */
function revokeStep(grant: GrantRow, role: string, currentUser: string): Step {
  const { object, sqlObject } = describeObject(grant);
  if (grant.grantor !== currentUser) {
    throw new NotAllowedError(
      `Role ${role} holds ${grant.privilege} on ${object} granted by ${id(
        grant.grantor,
      )}, not by the provisioning user ${id(currentUser)}: ${id(
        grant.grantor,
      )} or a superuser must revoke it`,
    );
  }
  return {
    description: `revoke ${grant.privilege} on ${object}`,
    sql: [`REVOKE ${grant.privilege} ON ${sqlObject} FROM ${id(role)}`],
  };
}

function describeObject(grant: Pick<GrantRow, 'kind' | 'schema' | 'name'>) {
  if (grant.kind === 'schema') {
    return {
      object: `schema ${id(grant.schema)}`,
      sqlObject: `SCHEMA ${id(grant.schema)}`,
    };
  }
  const name = qualified(grant.schema, grant.name!);
  return {
    object: `${grant.kind} ${name}`,
    sqlObject: `${grant.kind === 'sequence' ? 'SEQUENCE' : 'TABLE'} ${name}`,
  };
}

function checkAgreementId(agreementId: unknown): string {
  if (
    typeof agreementId !== 'string' ||
    agreementId.length === 0 ||
    agreementId.length > MAX_AGREEMENT_ID_LENGTH ||
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u001f\u007f]/.test(agreementId)
  ) {
    throw new InputError(
      `agreementId must be 1 to ${MAX_AGREEMENT_ID_LENGTH} characters without control characters`,
    );
  }
  return agreementId;
}

function checkServer(server: unknown): AccessServerRef {
  const ref = server as AccessServerRef | undefined;
  if (!ref || typeof ref.id !== 'string' || typeof ref.type !== 'string') {
    throw new InputError('server must be { id, type } of a configured server');
  }
  return { id: ref.id, type: ref.type };
}

/** Checks a grant request from the agreement service; duplicate tables count once. */
function checkGrantRequest(request: AccessGrantRequest): AccessGrantRequest {
  const agreementId = checkAgreementId(request?.agreementId);
  const server = checkServer(request.server);
  const roleProblem = describeInvalidIdentifier(request.consumerRole);
  if (roleProblem) throw new InputError(`consumerRole ${roleProblem}`);
  if (
    !Array.isArray(request.tables) ||
    request.tables.length === 0 ||
    request.tables.length > MAX_TABLES
  ) {
    throw new InputError(`tables must list 1 to ${MAX_TABLES} tables`);
  }
  const tables = new Map<string, AccessTable>();
  request.tables.forEach((table, i) => {
    for (const part of ['schema', 'table'] as const) {
      const problem = describeInvalidIdentifier(table?.[part]);
      if (problem) throw new InputError(`tables[${i}].${part} ${problem}`);
    }
    tables.set(JSON.stringify([table.schema, table.table]), {
      schema: table.schema,
      table: table.table,
    });
  });
  return {
    agreementId,
    server,
    consumerRole: request.consumerRole,
    tables: [...tables.values()],
  };
}
