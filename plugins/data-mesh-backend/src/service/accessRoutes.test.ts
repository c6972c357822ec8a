import {
  BackstageCredentials,
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import { TestBackend } from '../__testUtils__/backends';
import {
  dataMeshApi,
  notificationsStub,
  QUIET_SCHEDULE,
  startRouteTestBackend,
  userOf,
  waitForRelation,
} from '../__testUtils__/routeTests';

jest.setTimeout(120_000);

/*
 * Bad requests for access through the real router (its OpenAPI validation included): each is
 * refused with an error that names the field and what is wrong, and nothing is written.
 */

const REQUESTER = 'user:default/alice';
const OWNER = 'user:default/bob';

/** Alice is a member of finance only. */
const userInfo = createServiceFactory({
  service: coreServices.userInfo,
  deps: {},
  factory: () => ({
    async getUserInfo(credentials: BackstageCredentials) {
      const user = userOf(credentials)!;
      return {
        userEntityRef: user,
        ownershipEntityRefs:
          user === REQUESTER ? [user, 'group:default/finance'] : [user],
      };
    },
  }),
});

const product = (name: string, status: string) => ({
  apiVersion: 'datamesh-portal.io/v1alpha1',
  kind: 'DataProduct',
  metadata: { name },
  spec: {
    owner: 'sales',
    domain: 'sales',
    status,
    classification: 'internal',
    outputPorts: [{ name: 'orders', type: 'table' }],
  },
});

describe('POST /access-requests and decisions: bad input', () => {
  let backend: TestBackend;
  const alice = dataMeshApi(() => backend, REQUESTER);
  const bob = dataMeshApi(() => backend, OWNER);
  const valid = {
    productRef: 'dataproduct:default/orders',
    outputPort: 'orders',
    consumerRef: 'group:default/finance',
    purpose: 'Monthly revenue reporting for the finance team',
  };

  beforeAll(async () => {
    backend = await startRouteTestBackend({
      catalog: [
        { kind: 'Group', metadata: { name: 'sales' } },
        { kind: 'Group', metadata: { name: 'finance' } },
        { kind: 'Group', metadata: { name: 'ops' } },
        {
          apiVersion: 'datamesh-portal.io/v1alpha1',
          kind: 'Domain',
          metadata: { name: 'sales' },
          spec: { owner: 'sales' },
        },
        product('orders', 'active'),
        product('old-orders', 'retired'),
      ],
      dataMesh: {
        scorecards: { schedule: QUIET_SCHEDULE },
        governance: {
          defaultPolicies: false,
          waivers: { schedule: QUIET_SCHEDULE },
        },
        access: { schedule: QUIET_SCHEDULE },
      },
      features: [userInfo, notificationsStub().factory],
    });
    for (const name of ['orders', 'old-orders']) {
      await waitForRelation(
        backend,
        name,
        'ownedBy',
        mockCredentials.user.header(OWNER),
      );
    }
  });

  afterAll(async () => {
    await backend?.stop();
  });

  it.each([
    [
      'an unknown product',
      { productRef: 'dataproduct:default/nope' },
      404,
      'productRef: there is no data product dataproduct:default/nope',
    ],
    [
      'an unknown port',
      { outputPort: 'refunds' },
      400,
      'outputPort: dataproduct:default/orders has no output port "refunds"; its ports are orders',
    ],
    [
      'a consumer the caller does not belong to',
      { consumerRef: 'group:default/ops' },
      403,
      'consumerRef: user:default/alice is not a member of group:default/ops',
    ],
    [
      'a purpose under 20 characters',
      { purpose: 'for reports' },
      400,
      /^purpose: /,
    ],
    [
      'an end date in the past',
      { until: '2020-01-01T00:00:00.000Z' },
      400,
      'until: 2020-01-01T00:00:00.000Z is not in the future',
    ],
    [
      'a retired product',
      { productRef: 'dataproduct:default/old-orders' },
      400,
      'productRef: dataproduct:default/old-orders is retired; its data can no longer be requested',
    ],
  ])(
    'refuses %s, naming the field, and writes nothing',
    async (_, change, status, message) => {
      const res = await alice.post('/access-requests', {
        ...valid,
        ...change,
      });
      expect(res.status).toBe(status);
      expect(res.body.error.message).toMatch(message);
      // The field comes first.
      expect(res.body.error.message).toMatch(
        /^(productRef|outputPort|consumerRef|purpose|until): /,
      );
      // A bad field (400) is a problem the form shows at that field.
      const field = res.body.error.message.split(':')[0];
      expect(res.body.error.problems).toEqual(
        status === 400
          ? [{ field, message: res.body.error.message.slice(field.length + 2) }]
          : undefined,
      );
      const list = await bob.get('/access-requests');
      expect(list.status).toBe(200);
      expect(list.body.items).toEqual([]);
    },
  );

  it('refuses deciding twice with 409, keeping the first decision', async () => {
    const created = await alice.post('/access-requests', valid);
    expect(created.status).toBe(201);
    const { id } = created.body;
    const rejected = await bob.post(`/access-requests/${id}/reject`, {});
    expect(rejected.body.state).toBe('rejected');
    for (const action of ['reject', 'approve']) {
      const again = await bob.post(`/access-requests/${id}/${action}`, {});
      expect(again.status).toBe(409);
      expect(again.body.error).toMatchObject({
        name: 'ConflictError',
        message: `Access request ${id} is rejected; only a requested one can be ${
          action === 'reject' ? 'rejected' : 'approved'
        }`,
      });
    }
    const read = await bob.get(`/access-requests/${id}`);
    expect(read.body.state).toBe('rejected');
    expect(read.body.transitions.map((t: any) => t.to)).toEqual([
      'requested',
      'rejected',
    ]);
  });
});
