import { mockServices } from '@backstage/backend-test-utils';
import { AccessGrantRequest } from '@datamesh-portal/plugin-data-mesh-node';
import { escapeIdentifier as id } from 'pg';
import { ProvisioningDatabase } from './__testUtils__/provisioningDatabase';
import {
  agreementRoleName,
  PostgresAccessProvisioner,
} from './PostgresAccessProvisioner';
import { reconcileAccess } from './reconcileAccess';

jest.setTimeout(60_000);

/** The query of docs/operations.md that writes the REVOKE statements of a role (`\gexec` in psql). */
const REVOKES_OF_ROLE = `
SELECT format('REVOKE %s ON TABLE %I.%I FROM %I', a.privilege_type, n.nspname, c.relname, r.rolname) AS sql
FROM pg_roles r, pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(c.relacl) a
WHERE r.rolname = $1 AND a.grantee = r.oid
UNION ALL
SELECT format('REVOKE %s ON SCHEMA %I FROM %I', a.privilege_type, n.nspname, r.rolname)
FROM pg_roles r, pg_namespace n, aclexplode(n.nspacl) a
WHERE r.rolname = $1 AND a.grantee = r.oid`;

describe('reconcileAccess on PostgreSQL', () => {
  let db: ProvisioningDatabase;
  let provisioner: PostgresAccessProvisioner;
  const logger = mockServices.logger.mock();

  beforeAll(async () => {
    db = await ProvisioningDatabase.create();
    provisioner = db.provisioner();
  });
  afterAll(async () => {
    await db?.close();
  });

  const agreement = (name: string, table = 'orders'): AccessGrantRequest => ({
    agreementId: `${name}-${db.run}`,
    server: db.server,
    consumerRole: db.consumer,
    tables: [{ schema: 'sales', table }],
  });
  const roleOf = (request: AccessGrantRequest) =>
    agreementRoleName(request.agreementId, db.server.id);
  const reconcile = (
    active: AccessGrantRequest[],
    inactive: AccessGrantRequest[] = [],
  ) => reconcileAccess({ provisioner, active, inactive, logger });

  /** Revokes an agreement's role as docs/operations.md tells an administrator to. */
  async function dropByHand(role: string) {
    const revokes = await db.sql<{ sql: string }>(REVOKES_OF_ROLE, [role]);
    expect(revokes.length).toBeGreaterThan(0);
    await db.sql(`SET ROLE ${id(db.provisioningUser)}`);
    try {
      for (const { sql } of revokes) await db.sql(sql);
      await db.sql(`DROP ROLE ${id(role)}`);
    } finally {
      await db.sql('RESET ROLE');
    }
  }

  it('grants back, at the next reconciliation, what was removed by hand while the agreement is active', async () => {
    const active = agreement('hand');
    const role = roleOf(active);
    expect(await reconcile([active])).toEqual({
      restored: [
        {
          agreementId: active.agreementId,
          serverId: db.server.id,
          changes: [
            `create role ${role}`,
            'grant USAGE on schema "sales"',
            'grant SELECT on table "sales"."orders"',
            `grant role ${role} to "${db.consumer}"`,
          ],
        },
      ],
      revoked: [],
      failed: [],
    });
    expect(await db.canSelect(db.consumer, 'sales', 'orders')).toBe(true);
    // Nothing to do while nothing changes.
    expect(await reconcile([active])).toEqual({
      restored: [],
      revoked: [],
      failed: [],
    });

    // Only the grantor's REVOKE takes a privilege away (a superuser acts as the owner).
    const asGrantor = (sql: string) =>
      `SET ROLE ${id(db.provisioningUser)}; ${sql}; RESET ROLE`;
    const removals: Array<[string, string]> = [
      [
        `REVOKE ${id(role)} FROM ${id(db.consumer)}`,
        `grant role ${role} to "${db.consumer}"`,
      ],
      [
        asGrantor(`REVOKE SELECT ON sales.orders FROM ${id(role)}`),
        'grant SELECT on table "sales"."orders"',
      ],
      [
        asGrantor(`REVOKE USAGE ON SCHEMA sales FROM ${id(role)}`),
        'grant USAGE on schema "sales"',
      ],
      ['drop by hand', `create role ${role}`],
    ];
    for (const [byHand, change] of removals) {
      if (byHand === 'drop by hand') {
        await dropByHand(role);
      } else {
        await db.sql(byHand);
      }
      // has_table_privilege does not look at the schema: reading does.
      await expect(db.countAs(db.consumer, 'sales', 'orders')).rejects.toThrow(
        'permission denied',
      );
      expect(await provisioner.inspect(active)).toMatchObject({
        granted: false,
        missing: expect.arrayContaining([change]),
      });
      const result = await reconcile([active]);
      expect(result.restored).toEqual([
        expect.objectContaining({
          agreementId: active.agreementId,
          changes: expect.arrayContaining([change]),
        }),
      ]);
      expect(await db.canSelect(db.consumer, 'sales', 'orders')).toBe(true);
      expect(await db.countAs(db.consumer, 'sales', 'orders')).toBe(3);
    }
    expect(logger.info).toHaveBeenCalledWith(
      expect.stringContaining(
        `Access of agreement ${active.agreementId} on server ${db.server.id} restored: `,
      ),
    );
    await provisioner.revoke(active);
  });

  it('revokes the agreements no longer active (expired, revoked) and drops their roles, once', async () => {
    const kept = agreement('kept', 'customers');
    const expired = agreement('expired');
    await provisioner.grant(kept);
    await provisioner.grant(expired);
    expect(await db.canSelect(db.consumer, 'sales', 'orders')).toBe(true);

    const result = await reconcile([kept], [expired]);
    expect(result).toEqual({
      restored: [],
      revoked: [
        {
          agreementId: expired.agreementId,
          serverId: db.server.id,
          changes: [
            'revoke USAGE on schema "sales"',
            'revoke SELECT on table "sales"."orders"',
            `drop role ${roleOf(expired)}`,
          ],
        },
      ],
      failed: [],
    });
    expect(await db.canSelect(db.consumer, 'sales', 'orders')).toBe(false);
    expect(await db.roleExists(roleOf(expired))).toBe(false);
    expect(await db.canSelect(db.consumer, 'sales', 'customers')).toBe(true);
    expect(await reconcile([kept], [expired])).toEqual({
      restored: [],
      revoked: [],
      failed: [],
    });
    await provisioner.revoke(kept);
  });

  it('reconciles the other agreements when one fails, and reports it', async () => {
    const broken = {
      ...agreement('broken'),
      consumerRole: `dm_t_${db.run}_gone`,
    };
    const fine = agreement('fine');
    const result = await reconcile([broken, fine]);
    expect(result.failed).toEqual([
      {
        agreementId: broken.agreementId,
        serverId: db.server.id,
        error: expect.objectContaining({
          name: 'NotFoundError',
          message: expect.stringContaining(
            `The consumer's database role "dm_t_${db.run}_gone" does not exist`,
          ),
        }),
      },
    ]);
    expect(result.restored.map(r => r.agreementId)).toEqual([fine.agreementId]);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(
        `Could not reconcile the access of agreement ${broken.agreementId} on server ${db.server.id}: `,
      ),
    );
    await provisioner.revoke(fine);
  });

  it('refuses an agreement listed as both active and inactive, and stops when aborted', async () => {
    const both = agreement('both');
    await expect(reconcile([both], [both])).rejects.toThrow(
      `Agreement ${both.agreementId} on server ${db.server.id} is listed as both active and inactive`,
    );
    const controller = new AbortController();
    controller.abort();
    await expect(
      reconcileAccess({
        provisioner,
        active: [both],
        inactive: [],
        logger,
        signal: controller.signal,
      }),
    ).rejects.toThrow('aborted');
    expect(await db.roleExists(roleOf(both))).toBe(false);
  });
});
