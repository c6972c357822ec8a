import {
  mockCredentials,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AccessGrantRequest,
  AccessProvisioner,
} from '@datamesh-portal/plugin-data-mesh-node';
import { Knex } from 'knex';
import { DatabaseAccessAgreementStore } from '../database/DatabaseAccessAgreementStore';
import { DatabaseWaiverStore } from '../database/DatabaseWaiverStore';
import { AccessService } from './AccessService';

jest.setTimeout(60_000);

/*
 * The catalog shows active agreements as relations of the product (the catalog module's
 * processor): the service asks the catalog to refresh the product whenever an agreement
 * becomes active or ends, so the relations follow at once. And a grant the reconciler had to
 * restore is in the agreement's history.
 */

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const PRODUCT = 'dataproduct:default/orders';
const t0 = new Date('2026-03-01T00:00:00.000Z');
const DAY = 24 * 60 * 60 * 1000;

const entities: Entity[] = [
  {
    apiVersion: 'datamesh-portal.io/v1alpha1',
    kind: 'DataProduct',
    metadata: { name: 'orders', namespace: 'default' },
    spec: {
      owner: 'group:default/sales',
      domain: 'sales',
      status: 'active',
      classification: 'internal',
      outputPorts: [
        { name: 'orders', type: 'table', contract: 'api:default/orders' },
      ],
    },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'API',
    metadata: { name: 'orders', namespace: 'default' },
    spec: {
      type: 'odcs',
      lifecycle: 'production',
      owner: 'sales',
      definition: JSON.stringify({
        apiVersion: 'v3.0.2',
        kind: 'DataContract',
        id: 'orders',
        version: '1.0.0',
        status: 'active',
        servers: [{ server: 'warehouse', type: 'postgres', schema: 'sales' }],
        schema: [{ name: 'orders', properties: [{ name: 'id' }] }],
      }),
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
];

/** Grants in memory; `granted` is what the server has. */
class MemoryProvisioner implements AccessProvisioner {
  granted = new Set<string>();
  supports(type: string) {
    return type === 'postgres';
  }
  async grant(request: AccessGrantRequest) {
    this.granted.add(request.agreementId);
    return { role: 'r', changes: ['granted SELECT on sales.orders'] };
  }
  async revoke(request: { agreementId: string }) {
    this.granted.delete(request.agreementId);
    return { role: 'r', changes: ['revoked'] };
  }
  async inspect(request: AccessGrantRequest) {
    const granted = this.granted.has(request.agreementId);
    return { role: 'r', granted, missing: granted ? [] : ['SELECT'] };
  }
}

describe.each(databases.eachSupportedId())(
  'AccessService and the catalog on %p',
  databaseId => {
    let knex: Knex;
    let now: Date;
    let catalog: ReturnType<typeof catalogServiceMock>;
    let refreshed: string[];
    let refreshedAs: string[];
    let logger: ReturnType<typeof mockServices.logger.mock>;
    let provisioner: MemoryProvisioner;

    const service = () =>
      new AccessService({
        store: new DatabaseAccessAgreementStore(knex),
        waivers: new DatabaseWaiverStore(knex),
        catalog,
        auth: mockServices.auth(),
        logger,
        servers: new Map([['warehouse', { type: 'postgres' } as any]]),
        access: { provisioning: new Map(), consumerRoles: [] },
        provisioner,
        reminderDays: 14,
        now: () => now,
      });

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      await DatabaseAccessAgreementStore.create({
        database: mockServices.database({ knex }),
      });
      now = t0;
      provisioner = new MemoryProvisioner();
      logger = mockServices.logger.mock();
      catalog = catalogServiceMock({ entities });
      refreshed = [];
      refreshedAs = [];
      jest
        .spyOn(catalog, 'refreshEntity')
        .mockImplementation(async (ref, options) => {
          // Asked as the plugin itself, which may refresh any entity.
          refreshedAs.push((options as any)?.credentials?.principal?.type);
          refreshed.push(ref);
        });
    });

    const request = (until?: Date) =>
      service().request(
        {
          product: entities[0],
          outputPort: 'orders',
          consumerRef: 'group:default/finance',
          purpose: 'Monthly revenue reporting for finance',
          ...(until ? { until: until.toISOString() } : {}),
        },
        {
          userEntityRef: 'user:default/alice',
          ownershipEntityRefs: ['user:default/alice', 'group:default/finance'],
          credentials: mockCredentials.user('user:default/alice'),
        },
      );
    const decide = (id: string, action: 'approve' | 'reject' | 'revoke') =>
      service().decide(id, { action, actor: 'user:default/owner' });

    it('asks the catalog to refresh the product when an agreement becomes active and when it is revoked', async () => {
      const { id } = await request();
      expect(refreshed).toEqual([]);
      expect((await decide(id, 'approve')).state).toBe('active');
      expect(refreshed).toEqual([PRODUCT]);
      expect((await decide(id, 'revoke')).state).toBe('revoked');
      expect(refreshed).toEqual([PRODUCT, PRODUCT]);
      expect(refreshedAs).toEqual(['service', 'service']);
    });

    it('does not refresh for a request or a rejection: no relation changes', async () => {
      const { id } = await request();
      await decide(id, 'reject');
      expect(refreshed).toEqual([]);
    });

    it('refreshes the product when an active agreement expires', async () => {
      const { id } = await request(new Date(t0.getTime() + 2 * DAY));
      await decide(id, 'approve');
      refreshed = [];
      now = new Date(t0.getTime() + 3 * DAY);
      expect(await service().reconcile()).toMatchObject({ expired: 1 });
      expect(refreshed).toEqual([PRODUCT]);
    });

    it('completes the transition when the catalog refuses the refresh, and logs it', async () => {
      (catalog.refreshEntity as jest.Mock).mockRejectedValue(
        new Error('catalog is down'),
      );
      const { id } = await request();
      expect((await decide(id, 'approve')).state).toBe('active');
      expect((await decide(id, 'revoke')).state).toBe('revoked');
      expect(logger.warn).toHaveBeenCalledWith(
        `Could not ask the catalog to refresh ${PRODUCT} for its usage agreements: catalog is down`,
      );
    });

    it('records a grant restored by the reconciler in the agreement history', async () => {
      const { id } = await request();
      await decide(id, 'approve');
      provisioner.granted.clear(); // removed by hand
      now = new Date(t0.getTime() + DAY);
      expect(await service().reconcile()).toMatchObject({ restored: 1 });
      const agreement = await service().get(id);
      expect(agreement?.state).toBe('active');
      expect(agreement?.transitions.at(-1)).toEqual({
        from: 'active',
        to: 'active',
        actor: 'system',
        at: now.toISOString(),
        comment:
          'Grant restored on server warehouse: granted SELECT on sales.orders',
      });
      // Nothing missing: nothing more recorded.
      await service().reconcile();
      expect((await service().get(id))?.transitions).toHaveLength(
        agreement!.transitions.length,
      );
    });
  },
);
