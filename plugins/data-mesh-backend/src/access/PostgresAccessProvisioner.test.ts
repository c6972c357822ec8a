import { AccessGrantRequest } from '@datamesh-portal/plugin-data-mesh-node';
import { escapeIdentifier as id } from 'pg';
import { ProvisioningDatabase } from './__testUtils__/provisioningDatabase';
import {
  agreementRoleComment,
  agreementRoleName,
  PostgresAccessProvisioner,
} from './PostgresAccessProvisioner';

jest.setTimeout(60_000);

describe('PostgresAccessProvisioner on PostgreSQL', () => {
  let db: ProvisioningDatabase;
  let provisioner: PostgresAccessProvisioner;
  let n = 0;

  beforeAll(async () => {
    db = await ProvisioningDatabase.create();
    provisioner = db.provisioner();
  });
  afterAll(async () => {
    await db?.close();
  });

  /** A request for a new agreement, on the orders, customers and the view by default. */
  function request(
    overrides: Partial<AccessGrantRequest> = {},
  ): AccessGrantRequest {
    n += 1;
    return {
      agreementId: `agreement-${db.run}-${n}`,
      server: db.server,
      consumerRole: db.consumer,
      tables: [
        { schema: 'sales', table: 'orders' },
        { schema: 'sales', table: 'customers' },
        { schema: 'sales', table: 'big_orders' },
      ],
      ...overrides,
    };
  }

  /** Every table of the test database the role can SELECT. */
  async function readable(role: string) {
    const rows = await db.sql<{ name: string }>(
      `SELECT n.nspname || '.' || c.relname AS "name" FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
         AND c.relkind IN ('r', 'v') AND has_table_privilege($1, c.oid, 'SELECT')
       ORDER BY 1`,
      [role],
    );
    return rows.map(r => r.name);
  }

  it('is run as a user that is no superuser and holds only the documented privileges', async () => {
    const [user] = await db.sql(
      `SELECT rolsuper, rolcreaterole, rolcreatedb, rolbypassrls, rolreplication,
              (SELECT count(*)::int FROM pg_auth_members WHERE member = r.oid) AS memberships
       FROM pg_roles r WHERE rolname = $1`,
      [db.provisioningUser],
    );
    expect(user).toEqual({
      rolsuper: false,
      rolcreaterole: true,
      rolcreatedb: false,
      rolbypassrls: false,
      rolreplication: false,
      memberships: 0,
    });
  });

  it('grants SELECT on the tables to the consumer through a role of the agreement, and revokes it', async () => {
    const grant = request();
    const role = agreementRoleName(grant.agreementId, db.server.id);
    expect(await db.canSelect(db.consumer, 'sales', 'orders')).toBe(false);
    await expect(db.countAs(db.consumer, 'sales', 'orders')).rejects.toThrow(
      'permission denied',
    );
    expect(await provisioner.inspect(grant)).toEqual({
      role,
      granted: false,
      missing: [
        `create role ${role}`,
        'grant USAGE on schema "sales"',
        'grant SELECT on table "sales"."orders"',
        'grant SELECT on table "sales"."customers"',
        'grant SELECT on table "sales"."big_orders"',
        `grant role ${role} to "${db.consumer}"`,
      ],
    });

    const granted = await provisioner.grant(grant);
    expect(granted.role).toBe(role);
    expect(granted.changes).toHaveLength(6);
    expect(await db.canSelect(db.consumer, 'sales', 'orders')).toBe(true);
    expect(await readable(db.consumer)).toEqual([
      'sales.big_orders',
      'sales.customers',
      'sales.orders',
    ]);
    expect(await db.countAs(db.consumer, 'sales', 'orders')).toBe(3);
    expect(await db.countAs(db.consumer, 'sales', 'big_orders')).toBe(2);
    await expect(db.countAs(db.consumer, 'sales', 'private')).rejects.toThrow(
      'permission denied',
    );
    const [created] = await db.sql(
      `SELECT rolcanlogin, rolsuper, rolcreaterole, shobj_description(oid, 'pg_authid') AS comment
       FROM pg_roles WHERE rolname = $1`,
      [role],
    );
    expect(created).toEqual({
      rolcanlogin: false,
      rolsuper: false,
      rolcreaterole: false,
      comment: agreementRoleComment(grant.agreementId, db.server.id),
    });
    expect(await provisioner.inspect(grant)).toEqual({
      role,
      granted: true,
      missing: [],
    });

    const revoked = await provisioner.revoke(grant);
    expect(revoked).toEqual({
      role,
      changes: [
        'revoke USAGE on schema "sales"',
        'revoke SELECT on table "sales"."big_orders"',
        'revoke SELECT on table "sales"."customers"',
        'revoke SELECT on table "sales"."orders"',
        `drop role ${role}`,
      ],
    });
    expect(await db.canSelect(db.consumer, 'sales', 'orders')).toBe(false);
    expect(await readable(db.consumer)).toEqual([]);
    expect(await db.roleExists(role)).toBe(false);
  });

  it('is idempotent: granting what is granted, or revoking what is revoked, changes nothing', async () => {
    const grant = request();
    const first = await provisioner.grant(grant);
    expect(first.changes.length).toBeGreaterThan(0);
    expect(await provisioner.grant(grant)).toEqual({
      role: first.role,
      changes: [],
    });
    // The same tables listed twice are one grant.
    expect(
      await provisioner.grant({
        ...grant,
        tables: [...grant.tables, ...grant.tables],
      }),
    ).toEqual({ role: first.role, changes: [] });
    expect((await provisioner.revoke(grant)).changes).toContain(
      `drop role ${first.role}`,
    );
    expect(await provisioner.revoke(grant)).toEqual({
      role: first.role,
      changes: [],
    });
    expect(await provisioner.revoke(request())).toEqual({
      role: expect.stringMatching(/^dm_agr_[0-9a-f]{24}$/),
      changes: [],
    });
  });

  it('makes the grant match the request: tables the port no longer has and a former consumer lose access', async () => {
    const other = `dm_t_${db.run}_other`;
    await db.createRole(other);
    const grant = request();
    await provisioner.grant(grant);
    const role = agreementRoleName(grant.agreementId, db.server.id);

    const narrowed = await provisioner.grant({
      ...grant,
      tables: [{ schema: 'sales', table: 'orders' }],
      consumerRole: other,
    });
    expect(narrowed.changes).toEqual([
      'revoke SELECT on table "sales"."big_orders"',
      'revoke SELECT on table "sales"."customers"',
      `grant role ${role} to "${other}"`,
      `revoke role ${role} from "${db.consumer}"`,
    ]);
    expect(await readable(other)).toEqual(['sales.orders']);
    expect(await readable(db.consumer)).toEqual([]);
    await provisioner.revoke(grant);
    expect(await readable(other)).toEqual([]);
  });

  it('quotes hostile schema, table, role and agreement names: they are names, never SQL', async () => {
    const consumer = `Robert"); DROP ROLE "${db.canary}"; --`;
    await db.createRole(consumer);
    const grant = request({
      agreementId: `agr'; DROP ROLE "${db.canary}"; -- ${db.run}`,
      consumerRole: consumer,
      tables: [{ schema: db.hostileSchema, table: db.hostileTable }],
    });
    const role = agreementRoleName(grant.agreementId, db.server.id);
    expect(
      await db.canSelect(consumer, db.hostileSchema, db.hostileTable),
    ).toBe(false);
    await provisioner.grant(grant);
    expect(
      await db.canSelect(consumer, db.hostileSchema, db.hostileTable),
    ).toBe(true);
    expect(await db.countAs(consumer, db.hostileSchema, db.hostileTable)).toBe(
      1,
    );
    const [{ comment }] = await db.sql(
      `SELECT shobj_description(oid, 'pg_authid') AS comment FROM pg_roles WHERE rolname = $1`,
      [role],
    );
    expect(comment).toBe(agreementRoleComment(grant.agreementId, db.server.id));
    expect(await provisioner.inspect(grant)).toMatchObject({ granted: true });
    await provisioner.revoke(grant);
    expect(
      await db.canSelect(consumer, db.hostileSchema, db.hostileTable),
    ).toBe(false);
    expect(await db.roleExists(db.canary)).toBe(true);
    expect(await db.countAs(db.provisioningUser, 'sales', 'orders')).toBe(3);
  });

  it("never touches a role of the agreement's name that it did not create", async () => {
    const grant = request();
    const role = agreementRoleName(grant.agreementId, db.server.id);
    const bystander = `dm_t_${db.run}_bystander`;
    await db.createRole(role);
    await db.createRole(bystander);
    await db.sql(
      `GRANT SELECT ON sales.orders TO ${id(role)}; GRANT ${id(role)} TO ${id(
        bystander,
      )}`,
    );
    const refusal = `Role ${role} exists on server ${db.server.id} but was not created by the data mesh for agreement ${grant.agreementId}; it is left alone`;
    await expect(provisioner.grant(grant)).rejects.toThrow(refusal);
    await expect(provisioner.revoke(grant)).rejects.toThrow(refusal);
    await expect(provisioner.inspect(grant)).rejects.toThrow(refusal);
    // Marked for another agreement: still not this one's.
    await db.sql(
      `COMMENT ON ROLE ${id(role)} IS ${`'${agreementRoleComment(
        'another',
        db.server.id,
      )}'`}`,
    );
    await expect(provisioner.revoke(grant)).rejects.toMatchObject({
      name: 'NotAllowedError',
    });
    expect(await db.roleExists(role)).toBe(true);
    expect(await readable(bystander)).toEqual(['sales.orders']);
    expect(await readable(db.consumer)).toEqual([]);
    await db.sql(`REVOKE SELECT ON sales.orders FROM ${id(role)}`);
  });

  it("refuses a consumer role that is missing, a superuser, the portal's own user or an agreement role, and creates nothing", async () => {
    const superuser = `dm_t_${db.run}_super`;
    await db.createRole(superuser, 'NOLOGIN SUPERUSER');
    const agreement = request();
    const agreementRole = (await provisioner.grant(agreement)).role;
    const missing = `dm_t_${db.run}_nobody`;
    const cases: Array<[string, string, string]> = [
      [
        missing,
        'NotFoundError',
        `The consumer's database role "${missing}" does not exist on server ${db.server.id} (`,
      ],
      [superuser, 'NotAllowedError', `"${superuser}" is a superuser`],
      [
        db.provisioningUser,
        'NotAllowedError',
        `"${db.provisioningUser}" is the portal's own user`,
      ],
      [
        db.readerUser,
        'NotAllowedError',
        `"${db.readerUser}" is the portal's own user`,
      ],
      [
        agreementRole,
        'NotAllowedError',
        `"${agreementRole}" is an agreement's role`,
      ],
      [
        'pg_read_all_data',
        'NotAllowedError',
        '"pg_read_all_data" is a predefined role',
      ],
    ];
    for (const [consumerRole, name, message] of cases) {
      const grant = request({ consumerRole });
      const error = await provisioner.grant(grant).catch(e => e);
      expect(error).toMatchObject({ name });
      expect(error.message).toContain(message);
      expect(
        await db.roleExists(agreementRoleName(grant.agreementId, db.server.id)),
      ).toBe(false);
    }
    await provisioner.revoke(agreement);
  });

  it('leaves nothing half-done when a grant fails midway: the transaction is rolled back', async () => {
    // The provisioning user may read no_grant_option but not grant it: PostgreSQL only warns.
    const noGrantOption = request({
      tables: [
        { schema: 'sales', table: 'orders' },
        { schema: 'sales', table: 'no_grant_option' },
      ],
    });
    const error = await provisioner.grant(noGrantOption).catch(e => e);
    expect(error.name).toBe('NotAllowedError');
    expect(error.message).toBe(
      `Could not grant SELECT on table "sales"."no_grant_option" on server ${db.server.id}: the provisioning user "${db.provisioningUser}" must own these objects or hold their privileges WITH GRANT OPTION`,
    );
    // No privilege at all on private: the GRANT itself fails.
    const noPrivilege = request({
      tables: [
        { schema: 'sales', table: 'orders' },
        { schema: 'sales', table: 'private' },
      ],
    });
    await expect(provisioner.grant(noPrivilege)).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining('permission denied for table private'),
    });
    for (const grant of [noGrantOption, noPrivilege]) {
      expect(
        await db.roleExists(agreementRoleName(grant.agreementId, db.server.id)),
      ).toBe(false);
    }
    expect(await db.canSelect(db.consumer, 'sales', 'orders')).toBe(false);
  });

  it('refuses to revoke what someone else granted the role, naming who may; a revoke that fails midway is rolled back', async () => {
    const grant = request();
    const { role } = await provisioner.grant(grant);
    // Granted by the superuser, so only a superuser (or the owner) can take it back.
    await db.sql(`GRANT INSERT ON sales.private TO ${id(role)}`);
    const grantError = await provisioner.grant(grant).catch(e => e);
    const refusal = `Role ${role} holds INSERT on table "sales"."private" granted by "${db.superuser}", not by the provisioning user "${db.provisioningUser}": "${db.superuser}" or a superuser must revoke it`;
    expect(grantError).toMatchObject({
      name: 'NotAllowedError',
      message: refusal,
    });
    await expect(provisioner.revoke(grant)).rejects.toThrow(refusal);
    await expect(provisioner.inspect(grant)).rejects.toThrow(refusal);
    await db.sql(`REVOKE INSERT ON sales.private FROM ${id(role)}`);

    // A privilege on the database (a shared object) is seen only when DROP ROLE fails, after
    // the tables' privileges were revoked: the whole revoke is rolled back.
    await db.sql(`GRANT CONNECT ON DATABASE ${id(db.database)} TO ${id(role)}`);
    const error = await provisioner.revoke(grant).catch(e => e);
    expect(error.message).toBe(
      `Could not revoke access on server ${db.server.id} (127.0.0.1:5432/${db.database}): drop role ${role}: role "${role}" cannot be dropped because some objects depend on it (privileges for database ${db.database})`,
    );
    expect(await db.countAs(db.consumer, 'sales', 'orders')).toBe(3);
    expect(await provisioner.inspect(grant)).toMatchObject({ granted: true });
    await db.sql(
      `REVOKE CONNECT ON DATABASE ${id(db.database)} FROM ${id(role)}`,
    );
    await provisioner.revoke(grant);
    expect(await db.roleExists(role)).toBe(false);
  });

  it('grants tables created later when default privileges give them to the provisioning user', async () => {
    await db.sql(
      `ALTER DEFAULT PRIVILEGES IN SCHEMA sales GRANT SELECT ON TABLES TO ${id(
        db.provisioningUser,
      )} WITH GRANT OPTION;
       CREATE TABLE sales.later (id int)`,
    );
    const grant = request({ tables: [{ schema: 'sales', table: 'later' }] });
    await provisioner.grant(grant);
    expect(await db.canSelect(db.consumer, 'sales', 'later')).toBe(true);
    await provisioner.revoke(grant);
    expect(await db.canSelect(db.consumer, 'sales', 'later')).toBe(false);
  });

  it('names the tables and schemas that are not there, and creates nothing', async () => {
    const grant = request({
      tables: [
        { schema: 'sales', table: 'orders' },
        { schema: 'sales', table: 'gone' },
        { schema: 'nowhere', table: 'x' },
      ],
    });
    const error = await provisioner.grant(grant).catch(e => e);
    expect(error.name).toBe('NotFoundError');
    expect(error.message).toBe(
      `Not on server ${db.server.id} (127.0.0.1:5432/${db.database}): table "sales"."gone", schema "nowhere" (of table "nowhere"."x")`,
    );
    expect(
      await db.roleExists(agreementRoleName(grant.agreementId, db.server.id)),
    ).toBe(false);
  });

  it('refuses a malformed request before reaching the server, naming the field', async () => {
    const cases: Array<[Partial<AccessGrantRequest>, string]> = [
      [{ agreementId: '' }, 'agreementId must be 1 to 200 characters'],
      [{ agreementId: 'a\nb' }, 'agreementId must be 1 to 200 characters'],
      [
        { agreementId: 'a'.repeat(201) },
        'agreementId must be 1 to 200 characters',
      ],
      [{ tables: [] }, 'tables must list 1 to 1000 tables'],
      [
        { tables: [{ schema: 'sales', table: 'x'.repeat(64) }] },
        'tables[0].table is longer than 63 bytes',
      ],
      [
        { tables: [{ schema: 'sal\u0000es', table: 'orders' }] },
        'tables[0].schema contains a control character',
      ],
      [{ consumerRole: '' }, 'consumerRole must be a non-empty string'],
      [{ server: { id: db.server.id } as any }, 'server must be { id, type }'],
    ];
    for (const [overrides, message] of cases) {
      await expect(provisioner.grant(request(overrides))).rejects.toMatchObject(
        {
          name: 'InputError',
          message: expect.stringContaining(message),
        },
      );
    }
  });

  it('needs the server and its provisioning user in config', async () => {
    await expect(
      provisioner.grant(
        request({ server: { id: 'elsewhere', type: 'postgres' } }),
      ),
    ).rejects.toThrow('There is no server elsewhere in dataMesh.servers');
    const withoutUser = new PostgresAccessProvisioner({
      servers: db.servers(),
      provisioning: new Map(),
    });
    await expect(withoutUser.grant(request())).rejects.toThrow(
      `Server ${db.server.id} has no provisioning user: set dataMesh.access.servers.${db.server.id}.user`,
    );
  });

  it('grants once when two backends grant the same agreement at the same time', async () => {
    const grant = request();
    const results = await Promise.all([
      db.provisioner().grant(grant),
      db.provisioner().grant(grant),
      provisioner.grant(grant),
    ]);
    const changed = results.filter(r => r.changes.length > 0);
    expect(changed).toHaveLength(1);
    expect(await db.countAs(db.consumer, 'sales', 'orders')).toBe(3);
    await Promise.all([
      provisioner.revoke(grant),
      db.provisioner().revoke(grant),
    ]);
    expect(await db.canSelect(db.consumer, 'sales', 'orders')).toBe(false);
  });
});
