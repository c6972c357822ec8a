import {
  BackstageCredentials,
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { mockCredentials } from '@backstage/backend-test-utils';
import { escapeIdentifier as id } from 'pg';
import request from 'supertest';
import YAML from 'yaml';
import { TestBackend, triggerTask, waitFor } from '../__testUtils__/backends';
import {
  dataMeshApi,
  notificationsStub,
  QUIET_SCHEDULE,
  startRouteTestBackend,
  userOf,
  waitForRelation,
} from '../__testUtils__/routeTests';
import { ProvisioningDatabase } from './__testUtils__/provisioningDatabase';

jest.setTimeout(180_000);

/*
 * Usage agreements end to end: the real backend (catalog, data mesh plugin, scheduler) grants
 * through the built-in PostgreSQL provisioner on a real database, as a platform sets it up: a
 * provisioning user without superuser, a consumer role, the port's schema and table. What the
 * database says (has_table_privilege) follows the agreement's state.
 */

const POSTGRES_URL =
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
// Like TestDatabases: without a PostgreSQL server there is nothing to grant on.
const describeOnPostgres = POSTGRES_URL ? describe : describe.skip;

const REQUESTER = 'user:default/alice';
const OWNER = 'user:default/bob';
const PRODUCT = 'dataproduct:default/orders';

/** Alice is a member of both consumer teams. */
const userInfo = createServiceFactory({
  service: coreServices.userInfo,
  deps: {},
  factory: () => ({
    async getUserInfo(credentials: BackstageCredentials) {
      const user = userOf(credentials)!;
      return {
        userEntityRef: user,
        ownershipEntityRefs:
          user === REQUESTER
            ? [user, 'group:default/finance', 'group:default/ghosts']
            : [user],
      };
    },
  }),
});

describeOnPostgres('usage agreements on a real PostgreSQL server', () => {
  let db: ProvisioningDatabase;
  let backend: TestBackend;
  const alice = dataMeshApi(() => backend, REQUESTER);
  const bob = dataMeshApi(() => backend, OWNER);

  const canSelect = () => db.canSelect(db.consumer, 'sales', 'orders');
  const requestAccess = async (consumerRef: string, until?: Date) => {
    const res = await alice.post('/access-requests', {
      productRef: PRODUCT,
      outputPort: 'orders',
      consumerRef,
      purpose: 'Monthly revenue reporting for the finance team',
      ...(until ? { until: until.toISOString() } : {}),
    });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const decide = async (agreementId: string, action: string) => {
    const res = await bob.post(`/access-requests/${agreementId}/${action}`, {});
    expect(res.status).toBe(200);
    return res.body;
  };
  const stateOf = async (agreementId: string) =>
    (await bob.get(`/access-requests/${agreementId}`)).body;
  /** Runs the reconciler now and waits until it has finished a run. */
  const reconcile = async (done: () => Promise<boolean>) => {
    await triggerTask(backend, 'data-mesh-access');
    await waitFor('the reconciler', done, 30_000);
  };

  beforeAll(async () => {
    db = await ProvisioningDatabase.create();
    const [, server] = [...db.servers()][0];
    const contract = {
      apiVersion: 'v3.0.2',
      kind: 'DataContract',
      id: 'orders',
      version: '1.0.0',
      status: 'active',
      servers: [
        {
          server: db.server.id,
          type: 'postgres',
          host: server.type === 'postgres' ? server.host : '',
          port: server.type === 'postgres' ? server.port : 5432,
          database: db.database,
          schema: 'sales',
        },
      ],
      schema: [{ name: 'orders', properties: [{ name: 'id' }] }],
    };
    backend = await startRouteTestBackend({
      kinds: ['DataProduct', 'Domain', 'Group', 'API', 'Location'],
      catalog: [
        { kind: 'Group', metadata: { name: 'sales' } },
        {
          kind: 'Group',
          metadata: {
            name: 'finance',
            annotations: { 'datamesh-portal.io/database-role': db.consumer },
          },
        },
        // Its role was never created on the server.
        {
          kind: 'Group',
          metadata: {
            name: 'ghosts',
            annotations: {
              'datamesh-portal.io/database-role': `dm_t_${db.run}_missing`,
            },
          },
        },
        {
          apiVersion: 'datamesh-portal.io/v1alpha1',
          kind: 'Domain',
          metadata: { name: 'sales' },
          spec: { owner: 'sales' },
        },
        {
          apiVersion: 'datamesh-portal.io/v1alpha1',
          kind: 'DataProduct',
          metadata: { name: 'orders' },
          spec: {
            owner: 'sales',
            domain: 'sales',
            status: 'active',
            classification: 'internal',
            outputPorts: [
              { name: 'orders', type: 'table', contract: 'orders-contract' },
            ],
          },
        },
        {
          kind: 'API',
          metadata: { name: 'orders-contract' },
          spec: {
            type: 'odcs',
            lifecycle: 'production',
            owner: 'sales',
            definition: YAML.stringify(contract),
          },
        },
      ],
      dataMesh: {
        servers: { [db.server.id]: { ...server } },
        access: {
          servers: { [db.server.id]: { user: db.provisioningUser } },
          // No initial delay: the worker only starts polling for triggers after it.
          schedule: { frequency: { hours: 24 }, timeout: { minutes: 1 } },
        },
        scorecards: { schedule: QUIET_SCHEDULE },
        governance: {
          defaultPolicies: false,
          waivers: { schedule: QUIET_SCHEDULE },
        },
      },
      features: [
        schedulerServiceFactory,
        userInfo,
        notificationsStub().factory,
      ],
    });
    await waitForRelation(
      backend,
      'orders',
      'providesApi',
      mockCredentials.user.header(OWNER),
    );
    await waitFor('the contract in the catalog', async () => {
      const res = await request(backend.server)
        .get('/api/catalog/entities/by-name/api/default/orders-contract')
        .set('Authorization', mockCredentials.user.header(OWNER));
      return res.status === 200;
    });
  });

  // One open agreement per port and consumer: a test ends the ones it left open.
  afterEach(async () => {
    const open = await bob.get(
      '/access-requests?state=requested&state=approved&state=active&state=failed',
    );
    for (const agreement of open.body.items ?? []) {
      await bob.post(
        `/access-requests/${agreement.id}/${
          agreement.state === 'requested' ? 'reject' : 'revoke'
        }`,
        {},
      );
    }
  });

  afterAll(async () => {
    await backend?.stop();
    await db?.close();
  });

  it('grants SELECT on approval and takes it away on revoke', async () => {
    const agreementId = await requestAccess('group:default/finance');
    expect(await canSelect()).toBe(false);
    expect(await decide(agreementId, 'approve')).toMatchObject({
      state: 'active',
      server: db.server.id,
    });
    expect(await canSelect()).toBe(true);
    expect(await db.countAs(db.consumer, 'sales', 'orders')).toBe(3);

    expect((await decide(agreementId, 'revoke')).state).toBe('revoked');
    expect(await canSelect()).toBe(false);
  });

  it('restores a grant removed by hand when the reconciler runs, and records it', async () => {
    const agreementId = await requestAccess('group:default/finance');
    await decide(agreementId, 'approve');
    expect(await canSelect()).toBe(true);
    // An administrator takes the agreement's role away from the consumer.
    const [{ role }] = await db.sql<{ role: string }>(
      `SELECT r.rolname AS "role" FROM pg_auth_members m
         JOIN pg_roles r ON r.oid = m.roleid
         JOIN pg_roles c ON c.oid = m.member
       WHERE c.rolname = $1`,
      [db.consumer],
    );
    await db.sql(`REVOKE ${id(role)} FROM ${id(db.consumer)}`);
    expect(await canSelect()).toBe(false);

    await reconcile(canSelect);
    await waitFor('the restore in the history', async () =>
      (
        await stateOf(agreementId)
      ).transitions.some(
        (t: any) => t.from === 'active' && /^Grant restored/.test(t.comment),
      ),
    );
    expect((await stateOf(agreementId)).state).toBe('active');
    await decide(agreementId, 'revoke');
    expect(await canSelect()).toBe(false);
  });

  it('expires an agreement past its end date and revokes its grant', async () => {
    const until = new Date(Date.now() + 3_000);
    const agreementId = await requestAccess('group:default/finance', until);
    await decide(agreementId, 'approve');
    expect(await canSelect()).toBe(true);
    await waitFor('the end date', () => Date.now() > until.getTime() + 100);

    await reconcile(
      async () => (await stateOf(agreementId)).state === 'expired',
    );
    await waitFor(
      'the grant revoked',
      async () => !(await canSelect()),
      30_000,
    );
    const expired = await stateOf(agreementId);
    expect(expired.transitions.at(-1)).toMatchObject({
      from: 'active',
      to: 'expired',
      actor: 'system',
    });
  });

  it('leaves an agreement failed with the reason when the consumer role is missing', async () => {
    const agreementId = await requestAccess('group:default/ghosts');
    const failed = await decide(agreementId, 'approve');
    expect(failed.state).toBe('failed');
    expect(failed.failureReason).toContain(`dm_t_${db.run}_missing`);
    expect((await stateOf(agreementId)).state).toBe('failed');
    expect(await canSelect()).toBe(false);
  });
});
