import {
  mockCredentials,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { chooseContractServer } from '@datamesh-portal/plugin-data-mesh-contract-tests';
import {
  AccessGrantRequest,
  AccessProvisioner,
  AccessRevokeRequest,
} from '@datamesh-portal/plugin-data-mesh-node';
import { Knex } from 'knex';
import { DatabaseAccessAgreementStore } from '../database/DatabaseAccessAgreementStore';
import { DatabaseWaiverStore } from '../database/DatabaseWaiverStore';
import { AccessNotifier } from './AccessNotifier';
import { AccessCaller, AccessService } from './AccessService';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const t0 = new Date('2026-03-01T00:00:00.000Z');
const DAY = 24 * 60 * 60 * 1000;

const contract = (server: string) =>
  JSON.stringify({
    apiVersion: 'v3.0.2',
    kind: 'DataContract',
    id: 'orders',
    version: '1.0.0',
    status: 'active',
    servers: [
      {
        server,
        type: server === 'lake' ? 'duckdb' : 'postgres',
        schema: 'sales',
      },
    ],
    schema: [
      {
        name: 'orders',
        physicalName: 'orders_v1',
        properties: [{ name: 'id' }],
      },
    ],
  });

function product(spec: Record<string, unknown> = {}): Entity {
  return {
    apiVersion: 'datamesh-portal.io/v1alpha1',
    kind: 'DataProduct',
    metadata: { name: 'orders', namespace: 'default' },
    spec: {
      owner: 'group:default/sales',
      domain: 'sales',
      status: 'active',
      classification: 'internal',
      personalData: false,
      outputPorts: [
        {
          name: 'orders',
          type: 'table',
          contract: 'api:default/orders-contract',
        },
        {
          name: 'lake',
          type: 'table',
          contract: 'api:default/lake-contract',
          access: { approval: 'automatic' },
        },
      ],
      ...spec,
    },
  };
}

const entities: Entity[] = [
  product(),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'API',
    metadata: { name: 'orders-contract', namespace: 'default' },
    spec: {
      type: 'odcs',
      lifecycle: 'production',
      owner: 'sales',
      definition: contract('warehouse'),
    },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'API',
    metadata: { name: 'lake-contract', namespace: 'default' },
    spec: {
      type: 'odcs',
      lifecycle: 'production',
      owner: 'sales',
      definition: contract('lake'),
    },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: {
      name: 'finance',
      namespace: 'default',
      annotations: { 'datamesh-portal.io/database-role': 'finance_reader' },
    },
    spec: { type: 'team', children: [] },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'ops', namespace: 'default' },
    spec: { type: 'team', children: [] },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'revenue-report', namespace: 'default' },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: 'group:default/finance',
    },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'other-report', namespace: 'default' },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: 'group:default/ops',
    },
  },
];

/** Records every call; fails grants while `failWith` is set. */
class RecordingProvisioner implements AccessProvisioner {
  grants: AccessGrantRequest[] = [];
  revokes: AccessRevokeRequest[] = [];
  granted = new Set<string>();
  failWith?: string;
  supports(type: string) {
    return type === 'postgres';
  }
  async grant(request: AccessGrantRequest) {
    this.grants.push(request);
    if (this.failWith) throw new Error(this.failWith);
    this.granted.add(request.agreementId);
    return { role: 'r', changes: ['granted'] };
  }
  async revoke(request: AccessRevokeRequest) {
    this.revokes.push(request);
    this.granted.delete(request.agreementId);
    return { role: 'r', changes: ['revoked'] };
  }
  async inspect(request: AccessGrantRequest) {
    const granted = this.granted.has(request.agreementId);
    return { role: 'r', granted, missing: granted ? [] : ['grant'] };
  }
}

const alice: AccessCaller = {
  userEntityRef: 'user:default/alice',
  ownershipEntityRefs: ['user:default/alice', 'group:default/finance'],
  credentials: mockCredentials.user('user:default/alice'),
};

describe.each(databases.eachSupportedId())(
  'AccessService on %p',
  databaseId => {
    let knex: Knex;
    let now: Date;
    let provisioner: RecordingProvisioner;
    let sent: Array<{ to: unknown; title: string }>;

    function service(options: { catalogEntities?: Entity[] } = {}) {
      const notifications = {
        async send({ recipients, payload }: any) {
          sent.push({ to: recipients.entityRef, title: payload.title });
        },
      };
      return new AccessService({
        store: new DatabaseAccessAgreementStore(knex),
        waivers: new DatabaseWaiverStore(knex),
        catalog: catalogServiceMock({
          entities: options.catalogEntities ?? entities,
        }),
        auth: mockServices.auth(),
        logger: mockServices.logger.mock(),
        servers: new Map([
          ['warehouse', { type: 'postgres' } as any],
          ['lake', { type: 'duckdb' } as any],
        ]),
        access: { provisioning: new Map(), consumerRoles: [] },
        provisioner,
        notifier: new AccessNotifier(
          notifications as any,
          mockServices.logger.mock(),
        ),
        reminderDays: 14,
        now: () => now,
      });
    }

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      await DatabaseAccessAgreementStore.create({
        database: mockServices.database({ knex }),
      });
      now = t0;
      provisioner = new RecordingProvisioner();
      sent = [];
    });

    const ask = (
      overrides: Record<string, unknown> = {},
      caller = alice,
      entity = product(),
    ) =>
      service().request(
        {
          product: entity,
          outputPort: 'orders',
          consumerRef: 'finance',
          purpose: 'Monthly revenue reporting for finance',
          ...overrides,
        },
        caller,
      );

    it('refuses bad input with an error naming the field, writing nothing', async () => {
      await expect(ask({ outputPort: 'refunds' })).rejects.toThrow(
        /^outputPort: .* has no output port "refunds"/,
      );
      await expect(ask({ purpose: '  too short     ' })).rejects.toThrow(
        /^purpose: .* at least 20 characters, got 9/,
      );
      await expect(ask({ until: '2026-02-01T00:00:00Z' })).rejects.toThrow(
        /^until: .* is not in the future/,
      );
      await expect(ask({ until: 'soon' })).rejects.toThrow(
        /^until: "soon" is not an ISO 8601/,
      );
      await expect(ask({ consumerRef: 'group:default/ops' })).rejects.toThrow(
        /^consumerRef: user:default\/alice is not a member of group:default\/ops/,
      );
      await expect(
        ask({ consumerRef: 'component:default/other-report' }),
      ).rejects.toThrow(/^consumerRef: .* is not owned by a group of/);
      await expect(ask({ consumerRef: 'user:default/alice' })).rejects.toThrow(
        /^consumerRef: .* a consumer is a Group, Component or System/,
      );
      await expect(
        ask({ consumerRef: 'group:default/nobody' }),
      ).rejects.toThrow(
        /^consumerRef: group:default\/nobody is not in the catalog/,
      );
      await expect(
        ask({}, alice, product({ status: 'retired' })),
      ).rejects.toThrow(/^productRef: .* is retired/);
      await expect(ask({ contractVersion: 42 })).rejects.toThrow(
        /^contractVersion:/,
      );
      expect(
        Number((await knex('access_agreements').count({ n: '*' }))[0].n),
      ).toBe(0);
    });

    it('accepts a Component owned by a group of the caller, and one open agreement per port and consumer', async () => {
      const agreement = await ask({
        consumerRef: 'component:default/revenue-report',
        until: '2026-06-01T00:00:00Z',
        contractVersion: '1.0.0',
      });
      expect(agreement).toMatchObject({
        state: 'requested',
        approval: 'owners',
        consumerRef: 'component:default/revenue-report',
        until: '2026-06-01T00:00:00.000Z',
      });
      expect(sent).toEqual([
        {
          to: ['dataproduct:default/orders'],
          title: expect.stringMatching(/^Access requested/),
        },
      ]);
      await expect(
        ask({ consumerRef: 'component:default/revenue-report' }),
      ).rejects.toThrow(/already has agreement/);
    });

    it('approves through the owners: grants once, keeps every transition; deciding twice or approving oneself is refused', async () => {
      const { id } = await ask();
      await expect(
        service().decide(id, {
          action: 'approve',
          actor: 'user:default/alice',
        }),
      ).rejects.toThrow(/may not approve it/);
      now = new Date(t0.getTime() + 1000);
      const approved = await service().decide(id, {
        action: 'approve',
        actor: 'user:default/owner',
        comment: 'fine',
      });
      expect(approved).toMatchObject({
        state: 'active',
        server: 'warehouse',
        decidedBy: 'user:default/owner',
      });
      expect(provisioner.grants).toEqual([
        {
          agreementId: id,
          server: { id: 'warehouse', type: 'postgres' },
          tables: [{ schema: 'sales', table: 'orders_v1' }],
          consumerRole: 'finance_reader',
        },
      ]);
      await expect(
        service().decide(id, {
          action: 'approve',
          actor: 'user:default/owner',
        }),
      ).rejects.toThrow(/is active; only a requested one can be approved/);
      await expect(
        service().decide(id, { action: 'reject', actor: 'user:default/owner' }),
      ).rejects.toThrow(/409|is active/);
      expect(sent.at(-1)).toEqual({
        to: ['user:default/alice'],
        title: expect.stringMatching(/approved$/),
      });

      const revoked = await service().decide(id, {
        action: 'revoke',
        actor: 'user:default/owner',
      });
      expect(revoked.state).toBe('revoked');
      expect(provisioner.revokes).toEqual([
        { agreementId: id, server: { id: 'warehouse', type: 'postgres' } },
      ]);
      expect(sent.at(-1)).toEqual({
        to: ['group:default/finance'],
        title: expect.stringMatching(/was revoked$/),
      });
      const full = await service().get(id);
      expect(full?.transitions.map(t => [t.from, t.to, t.actor])).toEqual([
        [undefined, 'requested', 'user:default/alice'],
        ['requested', 'approved', 'user:default/owner'],
        ['approved', 'active', 'system'],
        ['active', 'revoked', 'user:default/owner'],
      ]);
    });

    it('leaves an agreement failed, not active, when granting fails, and the reconciler retries it', async () => {
      const { id } = await ask();
      provisioner.failWith = 'role finance_reader does not exist';
      const failed = await service().decide(id, {
        action: 'approve',
        actor: 'user:default/owner',
      });
      expect(failed).toMatchObject({
        state: 'failed',
        failureReason: 'role finance_reader does not exist',
      });
      expect(sent.at(-1)?.title).toMatch(/approved/);
      // Failing again for the same reason writes no new transition.
      await service().reconcile();
      expect((await service().get(id))?.transitions).toHaveLength(3);
      provisioner.failWith = undefined;
      await service().reconcile();
      expect(await service().get(id)).toMatchObject({ state: 'active' });
      expect((await service().get(id))?.failureReason).toBeUndefined();
    });

    it('restores a grant removed by hand, and expires and revokes an ended agreement', async () => {
      const { id } = await ask({
        until: new Date(t0.getTime() + 20 * DAY).toISOString(),
      });
      await service().decide(id, {
        action: 'approve',
        actor: 'user:default/owner',
      });
      provisioner.granted.clear(); // removed by hand
      now = new Date(t0.getTime() + 7 * DAY);
      expect(await service().reconcile()).toMatchObject({
        restored: 1,
        reminded: 1,
        expired: 0,
      });
      expect(provisioner.granted.has(id)).toBe(true);
      expect(sent.at(-1)).toEqual({
        to: ['dataproduct:default/orders', 'user:default/alice'],
        title: expect.stringMatching(/ends on 2026-03-21/),
      });
      now = new Date(t0.getTime() + 21 * DAY);
      expect(await service().reconcile()).toMatchObject({
        expired: 1,
        released: 1,
      });
      expect(provisioner.granted.has(id)).toBe(false);
      expect(await service().get(id)).toMatchObject({ state: 'expired' });
      expect(sent.at(-1)).toEqual({
        to: ['group:default/finance'],
        title: expect.stringMatching(/expired$/),
      });
      // Released: not revoked again.
      await service().reconcile();
      expect(provisioner.revokes).toHaveLength(1);
    });

    it('grants on the server a contract test would: not an unconfigured one, nor one of the wrong type', async () => {
      const servers = [
        { server: 'elsewhere', type: 'snowflake' },
        // Configured, but as DuckDB: a contract test would not read a postgres entry there.
        { server: 'lake', type: 'postgres' },
        { server: 'warehouse', type: 'postgres', schema: 'sales' },
      ];
      const mixed = product({
        outputPorts: [
          { name: 'orders', type: 'table', contract: 'api:default/mixed' },
        ],
      });
      const catalogEntities = [
        ...entities.filter(e => e.metadata.name !== 'orders'),
        mixed,
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'API',
          metadata: { name: 'mixed', namespace: 'default' },
          spec: {
            type: 'odcs',
            lifecycle: 'production',
            owner: 'sales',
            definition: JSON.stringify({
              ...JSON.parse(contract('warehouse')),
              servers,
            }),
          },
        },
      ];
      const { id } = await service({ catalogEntities }).request(
        {
          product: mixed,
          outputPort: 'orders',
          consumerRef: 'finance',
          purpose: 'Monthly revenue reporting for finance',
        },
        alice,
      );
      const approved = await service({ catalogEntities }).decide(id, {
        action: 'approve',
        actor: 'user:default/owner',
      });
      const chosen = chooseContractServer(
        servers,
        s =>
          (({ warehouse: 'postgres', lake: 'duckdb' } as const)[s as 'lake']),
      );
      expect(chosen).toBe('warehouse');
      expect(approved).toMatchObject({ state: 'active', server: chosen });
      expect(provisioner.grants.map(g => g.server.id)).toEqual([chosen]);
    });

    it('approves automatically on a DuckDB port of a product that is not sensitive, with no grant', async () => {
      const agreement = await ask({ outputPort: 'lake' });
      expect(agreement).toMatchObject({
        state: 'active',
        approval: 'automatic',
        decidedBy: 'system',
        server: 'lake',
      });
      expect(provisioner.grants).toEqual([]);
    });

    it('never approves a sensitive product automatically unless the policy is waived for it', async () => {
      for (const spec of [
        { personalData: true },
        { classification: 'confidential' },
        { classification: 'restricted' },
      ]) {
        const agreement = await ask(
          { outputPort: 'lake', consumerRef: 'finance' },
          alice,
          product(spec),
        );
        expect(agreement).toMatchObject({
          state: 'requested',
          approval: 'owners',
        });
        await service().decide(agreement.id, {
          action: 'reject',
          actor: 'user:default/owner',
        });
      }
      const waivers = new DatabaseWaiverStore(knex);
      const waiver = await waivers.createWaiver({
        entityRef: 'dataproduct:default/orders',
        policyId: 'sensitive-data-not-auto-approved',
        reason: 'Synthetic data only',
        expiresAt: new Date(t0.getTime() + 30 * DAY),
        requestedBy: 'user:default/owner',
        requestedAt: t0,
      });
      await waivers.updateWaiverStatus((waiver as any).created.id, {
        from: 'pending',
        to: 'approved',
        actor: 'user:default/admin',
        at: t0,
      });
      expect(
        await ask(
          { outputPort: 'lake' },
          alice,
          product({ personalData: true }),
        ),
      ).toMatchObject({ state: 'active', approval: 'automatic' });
    });

    it('lets one of two instances win concurrent decisions: one transition, one grant', async () => {
      const { id } = await ask();
      const [a, b] = [service(), service()];
      const results = await Promise.allSettled([
        a.decide(id, { action: 'approve', actor: 'user:default/owner' }),
        b.decide(id, { action: 'approve', actor: 'user:default/other-owner' }),
        a.decide(id, { action: 'reject', actor: 'user:default/owner' }),
        b.decide(id, { action: 'reject', actor: 'user:default/other-owner' }),
      ]);
      expect(results.filter(r => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results.filter(x => x.status === 'rejected')) {
        expect((r as PromiseRejectedResult).reason.name).toBe('ConflictError');
      }
      const decided = (await a.get(id))!;
      expect(
        decided.transitions.filter(t => t.from === 'requested'),
      ).toHaveLength(1);
      expect(provisioner.grants).toHaveLength(
        decided.transitions.some(t => t.to === 'approved') ? 1 : 0,
      );
    });
  },
);
